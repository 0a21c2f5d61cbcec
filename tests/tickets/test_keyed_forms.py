"""The ticket page's forms are built only when their fragments are rendered afresh: each is keyed by
the values it is made from (helpdesk.fragments.KeyedForm). Such a key must tell apart every two forms
that would render differently, or a kept fragment would show a stale form."""

from __future__ import annotations

from collections import defaultdict

import pytest
from django.test import RequestFactory
from django.utils import translation

from helpdesk.fragments import KeyedForm, form_fragment_key, store
from policies.panel import compensation_panel
from tests.factories import OrderFactory
from tests.tickets.ticket_pages import new_ticket, page_of
from tickets import forms, selectors, services
from tickets.models import CannedReply, Category, Priority, Status, Ticket
from tickets.views import ticket_context as ctx

pytestmark = pytest.mark.django_db


def keyed_forms(user, ticket: Ticket, **params) -> dict[str, KeyedForm]:
    request = RequestFactory().get("/", params)
    request.user = user
    ticket = selectors.ticket_for_user(user, ticket.pk)
    context = {
        **ctx.properties_context(request, ticket),
        **ctx.ticket_page_context(request, ticket),
        **ctx.reply_context(request, ticket, seen=params.get("seen")),
    }
    found = {name: form for name, form in context.items() if isinstance(form, KeyedForm)}
    found["compensation"] = compensation_panel(request, ticket)["form"]
    return found


def test_forms_with_the_same_key_render_alike_and_a_change_to_what_they_show_changes_the_key(actors, teams, categories):
    seen: dict[tuple, set] = defaultdict(set)
    keys: dict[str, set] = defaultdict(set)

    def record(user, ticket: Ticket, **params) -> None:
        for name, keyed in keyed_forms(user, ticket, **params).items():
            # the active language is part of every fragment's key: forms are compared within one
            seen[(name, translation.get_language(), keyed.key)].add(form_fragment_key(keyed.form))
            keys[name].add(keyed.key)

    ticket = new_ticket(actors)
    for status in (Status.OPEN, Status.PENDING, Status.SOLVED, Status.CLOSED):
        Ticket.objects.filter(pk=ticket.pk).update(status=status)
        record(actors.l1, ticket)
    Ticket.objects.filter(pk=ticket.pk).update(status=Status.NEW)  # not settable: offered as it is
    record(actors.l1, ticket)
    for priority in (Priority.LOW, Priority.URGENT):
        Ticket.objects.filter(pk=ticket.pk).update(priority=priority)
        record(actors.l1, ticket)
    for language in ("ja", "fr"):
        Ticket.objects.filter(pk=ticket.pk).update(language=language)
        record(actors.l1, ticket)
    for category in (categories.logistics, categories.other, None):
        Ticket.objects.filter(pk=ticket.pk).update(category=category)
        record(actors.l1, ticket)
    Category.objects.filter(pk=categories.other.pk).update(name_en="Other matters")  # a renamed choice
    record(actors.l1, ticket)
    Category.objects.filter(pk=categories.product.pk).update(is_active=False)  # a retired choice
    record(actors.l1, ticket)
    for assignee in (actors.l2, actors.other_team_agent, None):  # in the team, outside it, nobody
        Ticket.objects.filter(pk=ticket.pk).update(assignee=assignee)
        record(actors.l1, ticket)
    type(actors.l3).objects.filter(pk=actors.l3.pk).update(first_name="Ines")  # an agent's new name
    record(actors.l1, ticket)
    for seen_id in (1, 2):
        record(actors.l1, ticket, seen=seen_id)
    canned = CannedReply.objects.create(title="Late parcel", body="Your parcel is on its way.")
    record(actors.l1, ticket, canned=str(canned.pk))  # the no-JavaScript insert fills the reply's body
    record(actors.l1, ticket, canned=str(canned.pk), **{"reply-body": "Hello,"})
    for currency in ("EUR", "JPY"):
        Ticket.objects.filter(pk=ticket.pk).update(order=OrderFactory(customer=actors.customer, currency=currency))
        record(actors.l1, ticket)
    with translation.override("ja"):
        record(actors.l1, ticket)

    clashes = [key for key, found in seen.items() if len(found) > 1]
    assert not clashes, f"one key, forms that render differently: {list(clashes)}"
    # and the keys do follow what changed
    assert len(keys["status_form"]) == 5 and len(keys["priority_form"]) >= 3 and len(keys["language_form"]) >= 3
    assert len(keys["category_form"]) >= 5 and len(keys["assignee_form"]) >= 4
    assert len(keys["reply_form"]) >= 5 and len(keys["compensation"]) == 3


def test_a_page_whose_form_fragments_are_kept_builds_none_of_those_forms(client, actors, monkeypatch):
    store.clear()
    ticket = new_ticket(actors)
    page_of(client, actors.l1, ticket)  # fragments rendered and kept
    built = []
    for form_class in (forms.StatusForm, forms.AssigneeForm, forms.CategoryForm, forms.ReplyForm, forms.MergeForm):
        original = form_class.__init__

        def counting(self, *args, _original=original, **kwargs):
            built.append(type(self).__name__)
            _original(self, *args, **kwargs)

        monkeypatch.setattr(form_class, "__init__", counting)
    page = page_of(client, actors.l1, ticket)
    assert built == []
    assert 'name="status"' in page and 'name="reply-body"' in page and 'name="target"' in page

    services.ticket_set_priority(ticket=ticket, priority=Priority.URGENT, actor=actors.l1)
    page_of(client, actors.l1, ticket)
    assert built == []  # the priority form is not among those counted; the rest are kept still
    services.ticket_set_status(ticket=ticket, status=Status.PENDING, actor=actors.l1)
    page = page_of(client, actors.l1, ticket)
    assert built == ["StatusForm"]  # only the form whose key changed is built again
    assert '<option value="pending" selected>' in page
