"""Kept statements read together (helpdesk/kept_sql.py): several statements in one round trip give
each its own rows, whatever their values hold."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from helpdesk.kept_sql import compiled, read_capped, run, run_together
from tests.factories import TicketFactory
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


def test_statements_read_together_give_what_each_gives_alone(teams):
    tricky = "a'; DROP TABLE tickets_ticket; --%s %% ;"
    first = TicketFactory(team=teams.europe, subject=tricky)
    TicketFactory(team=teams.america)
    statements = [
        compiled(Ticket.objects.filter(subject=tricky).values_list("pk", "subject")),
        None,  # a statement known to find nothing
        compiled(Ticket.objects.filter(team=teams.america).values_list("team_id")),
        ("SELECT %s, %s", ("50%", ";")),
        compiled(Ticket.objects.filter(subject="nothing").values_list("pk")),
    ]
    with CaptureQueriesContext(connection) as queries:
        together = run_together(statements)
    assert len(queries) == 1
    assert together == [run(statement) for statement in statements]
    assert together[0] == [(first.pk, tricky)] and together[1] == [] and together[3] == [("50%", ";")]
    assert together[4] == []
    assert Ticket.objects.count() == 2


def test_counts_read_with_another_statement_are_the_counts_read_alone(teams):
    TicketFactory(team=teams.europe)
    from helpdesk.kept_sql import capped_counts

    counts = capped_counts([Ticket.objects.filter(team=teams.europe), Ticket.objects.none()], 10)
    alone = read_capped(counts, 10)
    _other, found = run_together([("SELECT 1", ()), counts])
    assert read_capped(counts, 10, found) == alone == [(1, False), (0, False)]
