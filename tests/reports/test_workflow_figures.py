"""Macro usage and tickets per tag on the dashboard, over the period and within the viewer's scope."""

from __future__ import annotations

import pytest

from tickets.models import Macro, MacroUse, Tag, TicketTag

from .conftest import at
from .helpers import dashboard, rows_by

pytestmark = pytest.mark.django_db


def use(macro, ticket, actor, when):
    row = MacroUse.objects.create(macro=macro, ticket=ticket, actor=actor)
    MacroUse.objects.filter(pk=row.pk).update(used_at=when)


def test_macro_usage_counts_each_use_in_the_period(client, helpdesk, actors):
    t = helpdesk.tickets
    thanks, solve = Macro.objects.create(name="Thanks"), Macro.objects.create(name="Solve")
    use(thanks, t.t1, actors.l1, at(3, 2, 5))
    use(thanks, t.t2, actors.l1, at(3, 3, 5))
    use(thanks, t.t2, actors.l2, at(3, 4, 5))
    use(solve, t.t3, actors.l2, at(3, 5, 5))
    use(solve, t.t6, actors.other_team_agent, at(3, 5, 5))  # America
    use(solve, t.t1, actors.l1, at(1, 10, 5))  # before the period

    europe = rows_by(dashboard(client, actors.supervisor), "macro_usage", "macro")
    assert (europe["Thanks"]["uses"], europe["Thanks"]["tickets"], europe["Thanks"]["agents"]) == (3, 2, 2)
    assert europe["Solve"]["uses"] == 1
    everyone = rows_by(dashboard(client, actors.admin), "macro_usage", "macro")
    assert everyone["Solve"]["uses"] == 2
    mine = rows_by(dashboard(client, actors.l2), "macro_usage", "macro")  # an agent sees their own uses
    assert (mine["Thanks"]["uses"], mine["Solve"]["uses"]) == (1, 1)


def test_tickets_per_tag_of_tickets_created_in_the_period(client, helpdesk, actors):
    t = helpdesk.tickets
    customs, fragile = Tag.objects.create(name="customs"), Tag.objects.create(name="fragile")
    for ticket in (t.t3, t.t4, t.t7):  # T7 was created before the period
        TicketTag.objects.create(ticket=ticket, tag=customs)
    for ticket in (t.t1, t.t6):  # T6 is America's
        TicketTag.objects.create(ticket=ticket, tag=fragile)

    europe = rows_by(dashboard(client, actors.supervisor), "tags", "tag")
    assert (europe["customs"]["tickets"], europe["customs"]["open"]) == (2, 1)  # T4 is open, T3 solved
    assert europe["fragile"]["tickets"] == 1
    assert "tag=customs" in europe["customs"]["link"]
    assert rows_by(dashboard(client, actors.admin), "tags", "tag")["fragile"]["tickets"] == 2
