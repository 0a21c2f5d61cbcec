"""Small pieces: the quick start's percentile agrees with PostgreSQL's, and cells read as intended."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from reports.expressions import Percentile, SqlitePercentile
from reports.presentation import cell_text, csv_value, duration_text
from reports.selectors.tables import MOMENT, RATIO, SECONDS, TEXT, USD


def sqlite_percentile(values, fraction):
    aggregate = SqlitePercentile()
    for value in values:
        aggregate.step(value, fraction)
    return aggregate.finalize()


@pytest.mark.django_db
@pytest.mark.parametrize("fraction", [0.0, 0.25, 0.5, 0.9, 1.0])
def test_the_sqlite_percentile_matches_postgresqls_percentile_cont(fraction):
    values = [7.0, 1.0, None, 3.0, 10.0, 2.5]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT PERCENTILE_CONT(%s) WITHIN GROUP (ORDER BY v) FROM unnest(%s::float8[]) AS v", [fraction, values]
        )
        (expected,) = cursor.fetchone()
    assert sqlite_percentile(values, fraction) == pytest.approx(expected)


def test_a_percentile_of_nothing_is_none_and_a_fraction_must_be_one():
    assert sqlite_percentile([None], 0.5) is None
    with pytest.raises(ValueError):
        Percentile("x", 1.5)


def test_durations_read_in_the_largest_sensible_units():
    assert [duration_text(s) for s in (None, 42, 200, 3 * 3600 + 5 * 60, 2 * 86400 + 7200)] == [
        "–",
        "42 s",
        "3 min 20 s",
        "3 h 05 min",
        "2 d 2 h",
    ]


def test_cells_for_people_and_for_spreadsheets():
    assert cell_text(2 / 3, RATIO) == "66.7 %"  # rounded, not cut
    assert cell_text(Decimal("1234.5"), USD) == "USD 1,234.50"
    assert cell_text(None, RATIO) == "–"
    zone = ZoneInfo("Europe/Berlin")
    moment = datetime(2026, 3, 2, 11, 0, tzinfo=UTC)
    assert csv_value(moment, MOMENT, zone) == "2026-03-02T12:00:00+01:00"
    assert (csv_value(2 / 3, RATIO, zone), csv_value(59.6, SECONDS, zone)) == ("66.7", 60)
    assert csv_value("@SUM(A1)", TEXT, zone) == "'@SUM(A1)"
