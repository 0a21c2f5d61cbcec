"""The queue's filters as a query string asks for them, read without building the filter form.

Building QueueFilterForm (its fields copied, its choices set, the query cleaned) cost more than the
rest of the queue's logic together, and a queue page asks the same few questions of it again and
again: which filters, which sort. `QueueFilter` answers them from a per-process memory of cleaned
queries keyed by what cleaning depends on (the form's parameters in the query, the categories and
agents it may choose from), and builds the form itself only when a template shows it: when the
filter bar's fragment is rendered afresh (templates/tickets/queue/page.html).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.http import QueryDict

from . import filter_choices, selectors
from .filter_choices import Choice
from .forms import QueueFilterForm

FIELDS = tuple(QueueFilterForm.base_fields)


@lru_cache(maxsize=1024)
def _cleaned(
    params: tuple[tuple[str, tuple[str, ...]], ...], categories: tuple[Choice, ...], agents: tuple[Choice, ...]
) -> tuple[selectors.QueueFilters, str]:
    data = QueryDict(mutable=True)
    for name, values in params:
        data.setlist(name, list(values))
    form = QueueFilterForm(data, categories=list(categories), agents=list(agents))
    return form.filters(), form.cleaned_data.get("sort") or ""


class QueueFilter:
    """The filters of one query string for one user's choices. `filters()` and `sort` are read from the
    memory of cleaned queries; anything else (a template's `form.q`, `form.status.label`) is asked of
    the form, built then."""

    def __init__(self, data: Any, categories: list[Choice], agents: list[Choice]) -> None:
        self.data, self.categories, self.agents = data, categories, agents
        # What the form's varying choices show, as part of its rendered fragment's key.
        self.choices_key = (tuple(categories), tuple(agents))
        self._form: QueueFilterForm | None = None
        self._cleaned: tuple[selectors.QueueFilters, str] | None = None

    @classmethod
    def for_user(cls, data: Any, user: Any) -> QueueFilter:
        """The filters with the choices the user has: the active categories, their team's agents."""
        return cls(data, filter_choices.categories(), filter_choices.agents(user))

    @property
    def form(self) -> QueueFilterForm:
        if self._form is None:
            self._form = QueueFilterForm(self.data, categories=self.categories, agents=self.agents)
        return self._form

    def _read(self) -> tuple[selectors.QueueFilters, str]:
        if self._cleaned is None:
            params = tuple((name, tuple(self.data.getlist(name))) for name in FIELDS if name in self.data)
            self._cleaned = _cleaned(params, *self.choices_key)
        return self._cleaned

    def filters(self) -> selectors.QueueFilters:
        """The filters; an invalid value is ignored rather than failing the page (as the form does)."""
        return self._read()[0]

    @property
    def sort(self) -> str:
        """The chosen sort, "" when none or not one of the form's."""
        return self._read()[1]

    def __getitem__(self, name: str) -> Any:
        if name not in FIELDS:  # a template asks form["choices_key"] before form.choices_key: not a field
            raise KeyError(name)
        return self.form[name]

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.form, name)
