"""Exchange rates from the European Central Bank's daily reference rates: fetched by a daily beat
task and by a command (from the configured URL or a file), converted from EUR to USD exactly.
The bank is faked by a tiny HTTP server on loopback serving a stored copy of its format."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from policies.models import ExchangeRate
from policies.tasks import refresh_exchange_rates

pytestmark = pytest.mark.django_db

FEED = Path(__file__).parent / "data" / "eurofxref-daily.xml"
DAY = date(2026, 11, 19)


class FakeBank:
    """What the loopback server answers: a body and a status, changeable by the test."""

    def __init__(self) -> None:
        self.body = FEED.read_bytes()
        self.status = 200
        self.paths: list[str] = []


@pytest.fixture
def bank(settings) -> Iterator[FakeBank]:
    state = FakeBank()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            state.paths.append(self.path)
            self.send_response(state.status)
            self.send_header("Content-Type", "text/xml")
            self.send_header("Content-Length", str(len(state.body)))
            self.end_headers()
            self.wfile.write(state.body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.EXCHANGE_RATES_URL = f"http://127.0.0.1:{server.server_address[1]}/stats/eurofxref/eurofxref-daily.xml"
    yield state
    server.shutdown()
    server.server_close()


def stored() -> dict[str, ExchangeRate]:
    return {rate.currency: rate for rate in ExchangeRate.objects.filter(date=DAY)}


def test_the_default_source_is_the_ecb_daily_feed():
    assert settings.EXCHANGE_RATES_URL == "https://www.ecb.europa.eu/stats/eurofxref/eurofxref-daily.xml"
    assert settings.EXCHANGE_RATE_MAX_AGE_DAYS == 7


def test_the_beat_task_refreshes_the_rates_every_day(bank):
    # given the beat schedule
    entries = [
        e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == "policies.tasks.refresh_exchange_rates"
    ]
    assert len(entries) == 1

    # when the task runs
    assert refresh_exchange_rates() == 6

    # then EUR-based rates became units per USD, exactly, dated as the bank dates them
    rates = stored()
    assert bank.paths == ["/stats/eurofxref/eurofxref-daily.xml"]
    assert set(rates) == {"EUR", "JPY", "GBP", "CNY", "AUD", "CAD"}
    assert rates["EUR"].units_per_usd == (Decimal(1) / Decimal("1.0842")).quantize(Decimal("1e-10"))
    assert rates["EUR"].units_per_usd == Decimal("0.9223390518")
    assert rates["JPY"].units_per_usd == Decimal("149.7417450655")  # 162.35 / 1.0842
    assert rates["GBP"].units_per_usd == Decimal("0.7897989301")  # 0.8563 / 1.0842
    assert "ecb" in rates["EUR"].source.lower()
    assert "USD" not in rates

    # and a second run changes nothing
    assert refresh_exchange_rates() == 6
    assert ExchangeRate.objects.count() == 6


def test_the_command_fetches_from_the_configured_url(bank, capsys):
    call_command("import_rates")
    assert "6 rates added, 0 replaced." in capsys.readouterr().out
    assert stored()["CAD"].units_per_usd == Decimal("1.3846153846")  # 1.5012 / 1.0842


def test_the_command_fetches_from_a_given_url_or_reads_a_file(bank, tmp_path, capsys):
    settings_url = settings.EXCHANGE_RATES_URL
    call_command("import_rates", settings_url.replace("eurofxref-daily.xml", "other.xml"))
    assert bank.paths == ["/stats/eurofxref/other.xml"]
    ExchangeRate.objects.all().delete()

    copy = tmp_path / "eurofxref-daily.xml"
    copy.write_bytes(FEED.read_bytes())
    call_command("import_rates", str(copy))
    assert stored()["AUD"].units_per_usd == Decimal("1.5293303818")  # 1.6581 / 1.0842


@pytest.mark.parametrize(
    ("body", "status", "problem"),
    [
        (b"<html>Service unavailable</html>", 503, "503"),
        (b"not xml at all", 200, "XML"),
        (FEED.read_bytes().replace(b"<Cube currency='USD' rate='1.0842'/>", b""), 200, "USD"),
        (FEED.read_bytes().replace(b"rate='162.35'", b"rate='-1'"), 200, "JPY"),
        (FEED.read_bytes().replace(b"time='2026-11-19'", b"time='19.11.2026'"), 200, "date"),
        (
            b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]><x>&a;</x>',
            200,
            "XML",
        ),
    ],
)
def test_a_bad_feed_is_refused_and_stores_nothing(bank, body, status, problem):
    bank.body, bank.status = body, status
    with pytest.raises(CommandError, match=problem):
        call_command("import_rates")
    assert refresh_exchange_rates() == 0  # logged, retried at the next run
    assert not ExchangeRate.objects.exists()


def test_an_unreachable_source_is_a_clear_error(settings):
    settings.EXCHANGE_RATES_URL = "http://127.0.0.1:1/eurofxref-daily.xml"
    with pytest.raises(CommandError, match=r"127\.0\.0\.1:1"):
        call_command("import_rates")
    assert refresh_exchange_rates() == 0


def test_no_configured_source_turns_the_refresh_off(settings, bank):
    settings.EXCHANGE_RATES_URL = ""
    assert refresh_exchange_rates() == 0
    assert bank.paths == []
