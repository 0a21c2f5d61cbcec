"""In a real browser: the supervisor opens the reports, filters by a country, sees the charts drawn,
and downloads a table as CSV."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from reports.services import summary_refresh
from workspace.models import AuditEntry

from .conftest import make_ticket

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def signed_in(new_page, live_server, user):
    client = Client()
    client.force_login(user)
    page = new_page(locale="en-US", accept_downloads=True)
    cookie = {"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value}
    page.context.add_cookies([{**cookie, "url": live_server.url}])
    return page


def test_supervisor_filters_by_country_and_downloads_a_csv(new_page, live_server, actors, teams, categories):
    # Given Europe's tickets of yesterday: answered in 2 and 4 minutes in Germany, 10 minutes in France
    yesterday = timezone.now() - timedelta(days=1)
    for minutes, country in ((2, "DE"), (4, "DE"), (10, "FR")):
        make_ticket(
            created=yesterday,
            team=teams.europe,
            category=categories.product,
            country=country,
            assignee=actors.l1,
            first_response=timedelta(minutes=minutes),
            status="open",
        )
    summary_refresh(full=True)

    # When the supervisor opens the reports
    page = signed_in(new_page, live_server, actors.supervisor)
    page.goto("/reports/")
    expect(page.get_by_role("heading", name="Reports", exact=True)).to_be_visible()
    first_response = page.locator("#fig-first_response")
    expect(first_response.locator("tfoot")).to_contain_text("4 min 00 s")  # the median of 2, 4 and 10
    # and picks Germany
    page.get_by_label("Country", exact=True).select_option("DE")
    page.get_by_role("button", name="Apply").click()

    # Then the figures are Germany's, and every chart is drawn from its table's data
    expect(page).to_have_url(re.compile(r"country=DE"))
    expect(first_response.locator("tfoot")).to_contain_text("3 min 00 s")
    charts = page.locator("canvas[data-chart]")
    assert charts.count() >= 10
    assert page.evaluate("[...document.querySelectorAll('canvas[data-chart]')].every(c => window.Chart.getChart(c))")

    # When they download the first-response table
    with page.expect_download() as download_info:
        first_response.get_by_role("link", name=re.compile(r"^CSV")).click()
    download = download_info.value

    # Then the file holds Germany's figures, and the export is in the audit trail
    assert download.suggested_filename.startswith("first_response-")
    rows = list(csv.reader(io.StringIO(Path(download.path()).read_text(encoding="utf-8-sig"))))
    assert rows[0] == ["Day", "Answered", "Median (seconds)", "90th percentile (seconds)"]
    assert rows[-1] == ["Total", "2", "180", "228"]
    entry = AuditEntry.objects.get(action="report.export")
    assert (entry.actor_id, entry.detail["table"]) == (actors.supervisor.pk, "first_response")
    assert "country=DE" in entry.detail["filters"]
