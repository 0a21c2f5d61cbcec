"""Room for the reports' big aggregations: PostgreSQL sorts and hashes within `work_mem` (4 MB by
default) and spills to disk beyond it, which doubled the time of a year's summary grouped by agent
(bench/RESULTS.md). A report's statement gets REPORTS_WORK_MEM for its own transaction only
(SET LOCAL), so no other query of the connection is affected."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import connection, transaction


@contextmanager
def report_memory() -> Iterator[None]:
    with transaction.atomic():
        if connection.vendor == "postgresql" and settings.REPORTS_WORK_MEM:
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('work_mem', %s, true)", [settings.REPORTS_WORK_MEM])
        yield
