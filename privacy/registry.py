"""Which records hold a customer's data, how to reach them from the customer, and how to erase them.

`privacy/holdings.py` declares every model of the lower apps that holds customer data (they do not
import this app); an app added later declares its models the same way, and a test walks every model
and fails for one holding customer data that is declared nowhere (tests/privacy/test_registry.py).

A holding reaches its rows from a customer through an ORM path (`customer="ticket__customer"`) or,
for rows that only name the customer (audit rows, notifications), a function. It erases by
overwriting the fields in `scrub` with fixed values in one UPDATE per batch (amounts, dates and
states are never listed, so figures and totals stay), by deleting the rows (`delete`), and by
deleting the files of `files` first; `after` runs on the erased rows (a search vector recomputed).
`ticket` is the path from the model to its ticket, for the retention of closed tickets.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.db.models import Q, QuerySet

ERASED = "[erased]"

RowsOf = Callable[[Any], QuerySet[Any]]


@dataclass(frozen=True)
class Holding:
    model: type[models.Model]
    customer: str | RowsOf  # an ORM path from the model to Customer ("pk" for Customer), or a function
    scrub: dict[str, Any] = field(default_factory=dict)
    delete: bool = False
    files: tuple[str, ...] = ()
    after: Callable[[QuerySet[Any]], None] | None = None
    ticket: str = ""  # the path to the ticket ("" when not a ticket's record)
    exported: tuple[str, ...] = ()  # the fields exported; all concrete fields when empty
    kept: Any = ""  # why nothing is erased, when neither scrub nor delete is given (a translated text)
    frozen: Q | None = None  # rows the database protects (decided requests): scrubbed under a flag

    @property
    def label(self) -> str:
        return self.model._meta.label

    def rows_for(self, customer: Any) -> QuerySet[Any]:
        if callable(self.customer):
            return self.customer(customer)
        value = customer.pk if self.customer == "pk" else customer
        return self.model._default_manager.filter(**{self.customer: value})

    def rows_for_tickets(self, ticket_ids: QuerySet[Any] | list[int]) -> QuerySet[Any]:
        lookup = "pk__in" if self.ticket == "pk" else f"{self.ticket}__in"
        return self.model._default_manager.filter(**{lookup: ticket_ids})

    @property
    def erases(self) -> bool:
        return bool(self.scrub or self.delete or self.files)


_HOLDINGS: dict[str, Holding] = {}


def register_holding(model: type[models.Model], **options: Any) -> Holding:
    holding = Holding(model=model, **options)
    if not holding.erases and not holding.kept:
        raise ValueError(f"{holding.label}: say how it is erased, or why it is kept (kept=...)")
    _HOLDINGS[holding.label] = holding
    return holding


def holdings() -> list[Holding]:
    return list(_HOLDINGS.values())


def holding_for(model: type[models.Model]) -> Holding | None:
    return _HOLDINGS.get(model._meta.label)
