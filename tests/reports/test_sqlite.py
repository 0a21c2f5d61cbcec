"""The reports' refresh and duration figures on the quick start's SQLite (the suite runs on PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.sqlite_quick_start import run_on_sqlite


@pytest.mark.integration
def test_the_summary_and_durations_work_on_sqlite(tmp_path):
    run_on_sqlite(tmp_path, Path(__file__).with_name("sqlite_reports.py"))
