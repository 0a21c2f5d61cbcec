"""People as colleagues know them (full name, else username), for pages and the admin's columns."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin


def person_name(user: Any) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def person_column(field: str, description: Any) -> Callable[[Any], str]:
    """An admin list column showing the person in `field` by name, sortable by it."""

    @admin.display(description=description, ordering=field)
    def column(obj: Any) -> str:
        return person_name(getattr(obj, field)) or "-"

    column.__name__ = f"{field}_name"
    return column
