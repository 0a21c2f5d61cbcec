"""Many rows in one statement (helpdesk.bulk): values sent as PostgreSQL array literals arrive intact, and
the `__any` lookup finds what `__in` finds."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from helpdesk.bulk import array_literal, insert_rows
from tickets.models import Ticket
from workspace.models import Notification

pytestmark = pytest.mark.django_db

AWKWARD = ['say "hi"', "back\\slash", "{braces},commas", "NULL", "", "  spaced  ", "日本語 ✓", "line\nbreak"]


def test_awkward_text_is_stored_as_given(actors):
    when = datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    rows = [(actors.l1.pk, f"k{n}", text, text, when) for n, text in enumerate(AWKWARD)]
    insert_rows(Notification, ("user_id", "key", "text", "url", "created_at"), rows)
    stored = Notification.objects.order_by("key").values_list("user_id", "key", "text", "url", "created_at")
    assert list(stored) == rows


def test_values_are_written_in_the_array_text_form():
    assert array_literal([3, 1, 2]) == "{3,1,2}"
    when = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert array_literal([None, True, 1, "a", when, when]) == (
        '{NULL,"t","1","a","2026-01-02T03:04:05+00:00","2026-01-02T03:04:05+00:00"}'
    )


def _ticket(actors) -> Ticket:
    from tickets import services
    from tickets.models import Channel

    return services.ticket_create(subject="Help", body="Please", channel=Channel.WEB, customer=actors.customer)


def test_any_finds_what_in_finds(actors):
    tickets = [_ticket(actors) for _ in range(4)]
    wanted = [tickets[0].pk, tickets[2].pk, 10**12]
    with CaptureQueriesContext(connection) as captured:
        found = sorted(Ticket.objects.filter(pk__any=wanted).values_list("pk", flat=True))
    assert found == sorted(Ticket.objects.filter(pk__in=wanted).values_list("pk", flat=True)) == wanted[:2]
    assert "= ANY(" in captured.captured_queries[0]["sql"]  # one parameter, not a placeholder per id
    assert not Ticket.objects.filter(pk__any=[]).exists()
    assert Ticket.objects.filter(assignee__any=[actors.l1.pk, None]).count() == 0  # a foreign key, NULL left out


def test_any_is_in_elsewhere(actors, monkeypatch):
    """The quick start's SQLite has no arrays: there the lookup is `IN`."""
    ticket = _ticket(actors)
    monkeypatch.setattr(connection, "vendor", "sqlite")
    with CaptureQueriesContext(connection) as captured:
        assert list(Ticket.objects.filter(pk__any=[ticket.pk]).values_list("pk", flat=True)) == [ticket.pk]
    assert " IN (" in captured.captured_queries[0]["sql"]
