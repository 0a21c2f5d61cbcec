"""Links to the pages of records: every model with a page says where it is (`get_absolute_url`)."""

from __future__ import annotations

from typing import Protocol


class HasPage(Protocol):
    def get_absolute_url(self) -> str: ...


def page_url(obj: HasPage, anchor: str = "") -> str:
    """The record's page, scrolled to `anchor` (an element id on that page) when one is given."""
    url = obj.get_absolute_url()
    return f"{url}#{anchor}" if anchor else url
