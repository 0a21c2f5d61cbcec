"""Who sees what: supervisors their team, administrators everything, agents their own figures,
anyone else nothing; every CSV export lands in the audit trail."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from workspace.models import AuditEntry

from .helpers import csv_rows, dashboard, total

pytestmark = pytest.mark.django_db


def test_anonymous_visitor_is_sent_to_the_login_page(client, db):
    for url in (reverse("reports:dashboard"), reverse("reports:export", args=["sla"])):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_a_user_without_a_helpdesk_role_is_refused(client, db):
    nobody = get_user_model().objects.create_user("nobody", password="pw")
    client.force_login(nobody)
    assert client.get(reverse("reports:dashboard")).status_code == 403
    assert client.get(reverse("reports:export", args=["sla"])).status_code == 403


def test_a_supervisor_of_another_team_cannot_see_team_europes_figures(client, helpdesk, actors, teams):
    # Given the supervisor of North America
    america = helpdesk.america_supervisor
    # When they ask for Europe's figures by the team parameter
    tables = dashboard(client, america, team=teams.europe.pk)
    # Then they get their own team's: T6 only
    assert total(tables, "first_response")["count"] == 1
    assert total(tables, "first_response")["median"] == 30 * 60
    assert total(tables, "compensation_kind")["count"] == 2
    assert [r["carrier"] for r in tables["logistics"].rows] == ["USPS"]
    # and a Europe agent as the agent filter finds nothing of theirs
    assert total(dashboard(client, america, agent=actors.l1.pk), "first_response")["count"] == 1
    # nor does the CSV export
    response = client.get(reverse("reports:export", args=["first_response"]), {"team": teams.europe.pk})
    assert csv_rows(response)[-1][:2] == ["Total", "1"]


def test_the_team_filter_offers_a_supervisor_only_their_own_team(client, helpdesk, actors):
    client.force_login(actors.supervisor)
    form = client.get(reverse("reports:dashboard")).context["form"]
    assert "team" not in form.fields
    assert {pk for pk, _label in form.fields["agent"].choices if pk} == {
        actors.l1.pk,
        actors.l2.pk,
        actors.l3.pk,
        actors.supervisor.pk,
    }


def test_an_agent_sees_only_their_own_figures(client, helpdesk, actors):
    # Given agent l1, who has no VIEW_REPORTS permission
    # When they open the reports, even asking for l2's figures
    client.force_login(actors.l1)
    response = client.get(reverse("reports:dashboard"), {"agent": actors.l2.pk})
    assert response.status_code == 200
    assert "My figures" in response.content.decode()
    tables = {f["table"].name: f["table"] for f in response.context["figures"]}
    # Then the figures are those of their own tickets: T1, T2 and T4 (2, 4, 12 minutes)
    assert total(tables, "first_response")["count"] == 3
    assert total(tables, "first_response")["median"] == 4 * 60
    assert total(tables, "csat")["sent"] == 2
    assert total(tables, "backlog")["total"] == 2
    assert total(tables, "approvals")["waiting"] == 1  # their gift; not l2's refund
    assert "agent" not in response.context["form"].fields
    # and the links to the tickets open their own queue
    assert tables["backlog"].tickets_url.startswith("/queue/?view=mine")


def test_the_administrator_sees_every_team_and_may_filter_by_any(client, helpdesk, actors, teams):
    assert total(dashboard(client, actors.admin), "first_response")["count"] == 5
    assert total(dashboard(client, actors.admin, team=teams.europe.pk), "first_response")["count"] == 4


def test_every_csv_export_is_audited(client, helpdesk, actors):
    client.force_login(actors.supervisor)
    response = client.get(reverse("reports:export", args=["sla"]), {"country": "DE"})
    assert response.status_code == 200
    b"".join(response.streaming_content)
    entry = AuditEntry.objects.get(action="report.export")
    assert entry.actor == actors.supervisor
    assert entry.detail["table"] == "sla"
    assert entry.detail["filters"] == "country=DE"
    assert entry.detail["period"] == "2026-02-19..2026-03-20"


def test_an_export_with_bad_filters_is_refused_and_not_audited(client, helpdesk, actors):
    client.force_login(actors.supervisor)
    response = client.get(reverse("reports:export", args=["sla"]), {"date_from": "2026-03-10", "date_to": "2026-03-01"})
    assert response.status_code == 400
    assert "The end of the period comes before its start." in response.content.decode()
    assert not AuditEntry.objects.filter(action="report.export").exists()


def test_an_unknown_table_is_not_found(client, actors):
    client.force_login(actors.supervisor)
    assert client.get(reverse("reports:export", args=["salaries"])).status_code == 404


def test_every_agent_finds_the_reports_in_the_navigation(client, actors):
    client.force_login(actors.l1)
    page = client.get(reverse("tickets:queue")).content.decode()
    assert f'href="{reverse("reports:dashboard")}"' in page
