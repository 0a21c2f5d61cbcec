"""CSV exports: the same figures as the page, streamed as they are read, safe to open in a spreadsheet."""

from __future__ import annotations

import pytest
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from .helpers import csv_rows

pytestmark = pytest.mark.django_db


def export(client, user, name, **params):
    client.force_login(user)
    return client.get(reverse("reports:export", args=[name]), params)


def test_a_table_exports_with_its_units_and_a_total(client, helpdesk, actors):
    response = export(client, actors.supervisor, "first_response")
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="first_response-2026-02-19-2026-03-20.csv"'
    rows = csv_rows(response)
    assert rows[0] == ["Day", "Answered", "Median (seconds)", "90th percentile (seconds)"]
    assert rows[1] == ["2026-02-19", "0", "", ""]
    assert ["2026-03-02", "2", "180", "228"] in rows
    assert rows[-1] == ["Total", "4", "300", "612"]
    assert len(rows) == 1 + 30 + 1


def test_money_and_rates_export_as_plain_numbers(client, helpdesk, actors):
    rows = csv_rows(export(client, actors.supervisor, "compensation_kind"))
    assert rows[0] == ["Kind", "Granted", "Amount (USD)", "Share of the amount (%)"]
    assert ["Full refund", "1", "120.00", "64.9"] in rows
    assert rows[-1][:3] == ["Total", "4", "185.00"]


def test_the_export_follows_the_filters(client, helpdesk, actors):
    rows = csv_rows(export(client, actors.supervisor, "logistics", country="FR"))
    assert rows[1:] == [["La Poste", "FR", "1", "1"], ["Total", "", "1", "1"]]


def test_the_tickets_behind_the_figures_export_one_row_each(client, helpdesk, actors):
    rows = csv_rows(export(client, actors.supervisor, "tickets"))
    header, body = rows[0], rows[1:]
    assert header[:3] == ["Ticket", "Created", "Team"]
    assert len(body) == 7  # Europe's tickets created in the period
    t2 = next(row for row in body if row[0] == helpdesk.tickets.t2.reference)
    # Created at 04:00 UTC, shown in the supervisor's zone (Asia/Shanghai)
    assert t2[1] == "2026-03-02T12:00:00+08:00"
    assert t2[2:8] == ["Europe", "l1", "Product", "DE", "email", "solved"]
    assert t2[8:] == ["240", "36000", "late", "in time"]


def test_the_rows_are_read_while_the_answer_is_sent(client, helpdesk, actors):
    client.force_login(actors.supervisor)
    with CaptureQueriesContext(connection) as before:
        response = client.get(reverse("reports:export", args=["tickets"]))
    assert not any("tickets_ticket" in q["sql"] and "first_response_sla" in q["sql"] for q in before.captured_queries)
    with CaptureQueriesContext(connection) as during:
        body = b"".join(response.streaming_content)
    assert any("first_response_sla" in q["sql"] for q in during.captured_queries)
    assert body.startswith("\ufeffTicket,".encode())


def test_text_that_a_spreadsheet_would_run_as_a_formula_is_defused(client, helpdesk, actors, categories):
    categories.product.name = '=HYPERLINK("http://evil.example")'
    categories.product.save()
    rows = csv_rows(export(client, actors.supervisor, "return_exchange"))
    assert rows[1][0] == '\'=HYPERLINK("http://evil.example")'


def test_the_compensation_behind_the_figures_exports_one_request_each(client, helpdesk, actors):
    rows = csv_rows(export(client, actors.supervisor, "compensation"))
    assert rows[0][:3] == ["Ticket", "Approved", "Kind"]
    body = {(row[0], row[2]): row for row in rows[1:]}
    assert len(body) == 4  # approved in the period, Europe's
    full_refund = body[(helpdesk.tickets.t3.reference, "Full refund")]
    # GBP 90.00 at 0.75 per USD, approved by the supervisor at 03:20 UTC (11:20 in Shanghai)
    assert full_refund[1] == "2026-03-04T11:20:00+08:00"
    assert full_refund[3:] == ["L2", "l2", "Logistics", "FR", full_refund[7], "GBP 90.00", "120.00"]


def test_the_tickets_solved_in_the_period_export_for_the_resolution_figure(client, helpdesk, actors):
    rows = csv_rows(export(client, actors.supervisor, "solved_tickets"))
    assert sorted(row[0] for row in rows[1:]) == sorted(
        t.reference for t in (helpdesk.tickets.t1, helpdesk.tickets.t2, helpdesk.tickets.t3)
    )
