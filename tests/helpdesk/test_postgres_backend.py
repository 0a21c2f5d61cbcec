"""The database backend reads timestamps with psycopg's own loader, to the same values as Django's."""

from __future__ import annotations

import copy
import datetime

import pytest
from django.db import connection
from django.db.backends.postgresql.psycopg_any import register_tzloader
from psycopg.pq import Format

from helpdesk.postgres.base import DatabaseWrapper, UtcTimestamptzLoader

TIMESTAMPTZ_OID = 1184
LITERALS = [
    "2026-12-07 10:00:00+00",
    "2026-12-07 10:00:00.123456+08",
    "2026-03-29 01:30:00-03:30",
    "1999-12-31 23:59:59.5+05:45",
    "0001-01-01 00:00:00+00",
]
SQL = "SELECT " + ", ".join(f"'{value}'::timestamptz" for value in LITERALS)


@pytest.mark.django_db
def test_timestamps_read_as_djangos_own_loader_reads_them():
    with connection.cursor() as cursor:
        cursor.execute(SQL)
        ours = cursor.fetchone()
        assert cursor.cursor.adapters.get_loader(TIMESTAMPTZ_OID, Format.TEXT) is UtcTimestamptzLoader
    with connection.cursor() as cursor:
        register_tzloader(datetime.UTC, cursor.cursor)  # Django's loader, on this cursor only
        cursor.execute(SQL)
        djangos = cursor.fetchone()

    assert ours == djangos
    assert [value.tzinfo for value in ours] == [datetime.UTC] * len(LITERALS)
    assert ours[1] == datetime.datetime(2026, 12, 7, 2, 0, 0, 123456, tzinfo=datetime.UTC)


@pytest.mark.django_db
def test_a_value_written_is_the_value_read():
    written = datetime.datetime(2026, 12, 7, 9, 30, 15, 250000, tzinfo=datetime.timezone(datetime.timedelta(hours=9)))
    with connection.cursor() as cursor:
        cursor.execute("SELECT %s::timestamptz", [written])
        (read,) = cursor.fetchone()

    assert read == written
    assert read.tzinfo is datetime.UTC


def test_a_database_in_another_time_zone_keeps_djangos_loader():
    settings_dict = copy.deepcopy(connection.settings_dict)
    settings_dict["TIME_ZONE"] = "Asia/Shanghai"
    elsewhere = DatabaseWrapper(settings_dict, alias="elsewhere")

    context = elsewhere.get_connection_params()["context"]

    loader = context.adapters.get_loader(TIMESTAMPTZ_OID, Format.TEXT)
    assert loader is not UtcTimestamptzLoader
    assert str(loader.timezone) == "Asia/Shanghai"
