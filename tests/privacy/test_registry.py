"""Every model holding customer data is exported and erased: a model added later that holds some
and is declared nowhere (privacy/holdings.py) fails here, until it is declared or allowlisted."""

from __future__ import annotations

import re
from collections import deque

import pytest
from django.apps import apps
from django.db import models

from privacy.registry import holding_for, holdings
from tickets.models import Customer, Ticket

PERSONAL_FIELD = re.compile(r"email|phone|name|address|body|text", re.IGNORECASE)

# Models that reach a customer or a ticket but hold nothing about the person. Each says why.
ALLOWLIST = {
    "tickets.SlaClock": "a ticket's deadlines: times and targets only",
    "tickets.SlaBreach": "a missed deadline: a time and a metric",
    "tickets.TicketTag": "a label an agent put on the ticket",
    "tickets.MacroUse": "which macro an agent ran, and when",
    "messaging.QueueMessage": "the place in the queue and the wait a customer was told: numbers and times only",
    "tickets.Category": "the admin's categories, reached from a ticket; their names are ours",
    "tickets.Team": "the support teams, reached from a ticket; names and the team's own address",
    "auth.User": "staff accounts (assignees), reached from a ticket; not customers",
    "selfservice.HelpArticle": "the help centre's articles: our own texts for every customer, about no one",
}


def _forward(model: type[models.Model]) -> list[type[models.Model]]:
    return [
        f.related_model
        for f in model._meta.concrete_fields
        if isinstance(f, models.ForeignKey) and isinstance(f.related_model, type)
    ]


def _reaches(model: type[models.Model], target: type[models.Model]) -> bool:
    seen, queue = {model}, deque([model])
    while queue:
        current = queue.popleft()
        if current is target:
            return True
        for nxt in _forward(current):
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return False


def _reachable_from(start: type[models.Model]) -> set[type[models.Model]]:
    seen, queue = {start}, deque([start])
    while queue:
        for nxt in _forward(queue.popleft()):
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return seen


def holding_customer_data() -> dict[str, str]:
    """Every model that holds customer data by the rules of this test, with the rule that caught it."""
    from_ticket = _reachable_from(Ticket)
    found = {}
    for model in apps.get_models():
        label = model._meta.label
        if model is Customer or _reaches(model, Customer):
            found[label] = "a foreign-key chain to Customer"
        elif model in from_ticket and any(PERSONAL_FIELD.search(f.name) for f in model._meta.concrete_fields):
            found[label] = "reached from a ticket, with a field named like personal data"
    return found


def test_every_model_holding_customer_data_is_exported_and_erased_or_allowlisted():
    missing = {
        label: why
        for label, why in holding_customer_data().items()
        if label not in ALLOWLIST and holding_for(apps.get_model(label)) is None
    }
    assert missing == {}, "declare these in privacy/holdings.py (export and erasure) or allowlist them with a reason"


def test_the_rules_catch_the_records_a_customer_obviously_has():
    caught = holding_customer_data()
    for label in ("tickets.Customer", "tickets.Message", "policies.CompensationRequest", "logistics.TrackingEvent"):
        assert label in caught


def test_the_allowlist_holds_only_models_that_still_exist_and_are_not_also_declared():
    for label in ALLOWLIST:
        assert holding_for(apps.get_model(label)) is None, label


@pytest.mark.parametrize("holding", holdings(), ids=lambda h: h.label)
def test_every_declared_holding_says_how_it_is_erased_and_names_real_fields(holding):
    assert holding.erases or holding.kept
    names = {f.name for f in holding.model._meta.concrete_fields}
    assert set(holding.scrub) <= names and set(holding.files) <= names
