"""The quick start itself, in Chromium: `bin/run` (what `make run` starts) on SQLite with the
filesystem broker and its demo data. The L1 agent anna asks for compensation in EUR on a demo
ticket (a mistyped amount is refused on the ticket itself first); it is above her limit, so it
waits; the supervisor sofia approves it from the approvals queue. The case library search answers.

Nothing here reaches outside: the exchange-rate feed is turned off, so the demo's own rates are
the ones used, as on a machine without network."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from playwright.sync_api import expect

from tests.integration.conftest import PYTHON, ROOT, free_port, running, wait_for

pytestmark = [pytest.mark.e2e, pytest.mark.integration]


def _answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=5).status_code == 200
    except (requests.ConnectionError, requests.Timeout):  # not listening yet, or still booting
        return False


@pytest.fixture(scope="module")
def quick_start(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("quick-start")
    broker = tmp / "broker"
    for folder in ("out", "processed"):
        (broker / folder).mkdir(parents=True)
    port = free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PYTEST", "DJANGO_ALLOW")) and k not in ("DATABASE_URL", "TESTING", "EMAIL_URL")
    }
    env.update(
        PORT=str(port),
        PYTHON=PYTHON,
        PYTHONPATH=str(ROOT),
        DATABASE_URL=f"sqlite:///{tmp / 'quick.sqlite3'}",
        REDIS_URL="redis://127.0.0.1:1/0",  # nothing listens there: the filesystem broker is used
        CELERY_FILESYSTEM_DIR=str(broker),
        CELERY_BEAT_SCHEDULE=str(tmp / "celerybeat-schedule"),  # its own: a parallel run starts two
        MEDIA_ROOT=str(tmp / "media"),
        EXCHANGE_RATES_URL="",  # no network: the demo's rates are used
    )
    base = f"http://127.0.0.1:{port}"
    log = tmp / "run.log"
    with running(["bin/run"], env=env, log=log):
        try:
            wait_for(lambda: _answers(f"{base}/accounts/login/"), timeout=240, what="the quick start's login page")
        except AssertionError:
            print(log.read_text()[-5000:])
            raise
        yield base


def signed_in(browser: Any, base: str, username: str) -> Any:
    context = browser.new_context(base_url=base, locale="en-US", viewport={"width": 1440, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(20_000)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("demo")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Queue")).to_be_visible()
    page.js_errors = errors
    return page


def test_anna_requests_compensation_in_eur_and_sofia_approves_it(browser, quick_start):
    # given anna, an L1 agent of Europe (limit USD 50), on a demo ticket of a German customer (EUR order)
    anna = signed_in(browser, quick_start, "anna")
    row = anna.locator("tr", has_text="Lena Schmidt").filter(has_text="Parcel stuck in customs")
    row.get_by_role("link").click()
    expect(anna.get_by_role("heading", name="Compensation")).to_be_visible()
    ticket_url = anna.url
    reference = re.search(r"HD-\d+", anna.title()).group(0)
    panel = anna.locator(".panel-compensation")
    expect(panel).to_contain_text("Exchange rate: USD 1 = EUR 0.92")  # the demo's rate, of today
    expect(panel).to_contain_text("USD 50.00 left of your USD 50.00")

    # when she mistypes the amount: refused inside the panel, on the ticket, with what she typed
    panel.locator("summary", has_text="Request compensation").click()
    panel.locator("select[name=kind]").select_option("partial_refund")
    panel.locator("input[name=amount]").fill("80.001")
    panel.locator("select[name=reason]").select_option("late")
    panel.locator("textarea[name=reason_detail]").fill("Three weeks in customs")
    panel.get_by_role("button", name="Request compensation").click()
    expect(panel).to_contain_text("EUR amounts have at most 2 decimal places.")
    assert anna.url == ticket_url
    expect(panel.locator("textarea[name=reason_detail]")).to_have_value("Three weeks in customs")

    # and asks for EUR 80.00 (about USD 87, above her USD 50): it waits for a supervisor
    panel.locator("input[name=amount]").fill("80.00")
    panel.get_by_role("button", name="Request compensation").click()
    expect(panel).to_contain_text("it waits for a supervisor's approval")
    expect(panel).to_contain_text("USD 86.96 waiting")
    expect(panel).to_contain_text("USD 0.00 left of your USD 50.00")

    # when sofia, the Europe supervisor, approves it from the approvals queue
    sofia = signed_in(browser, quick_start, "sofia")
    sofia.goto("/approvals/")
    card = sofia.locator("article.approval", has_text=reference)
    expect(card).to_contain_text("EUR")
    card.locator("textarea[name=comment]").fill("Three weeks in customs is too long")
    card.get_by_role("button", name="Approve").click()
    expect(card.locator(".decided-approved")).to_be_visible()

    # then anna's ticket shows it approved, counted as granted
    anna.goto(ticket_url)
    panel = anna.locator(".panel-compensation")
    expect(panel.locator(".badge.state-approved")).to_be_visible()
    expect(panel).to_contain_text("USD 86.96 granted and USD 0.00 waiting")
    assert anna.js_errors == [] and sofia.js_errors == []


def test_the_case_library_search_answers(browser, quick_start):
    anna = signed_in(browser, quick_start, "anna")
    response = anna.goto("/cases/?q=customs")
    assert response is not None and response.status == 200
    expect(anna.get_by_role("heading", level=1)).to_be_visible()
