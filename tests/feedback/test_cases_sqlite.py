"""The case library on the quick start's SQLite (the suite itself runs on PostgreSQL): a process
of its own migrates a fresh SQLite database, solves tickets and uses the library for real."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.sqlite_quick_start import run_on_sqlite


@pytest.mark.integration
def test_the_case_library_works_on_sqlite(tmp_path):
    # The script reads the survey link from the sent email.
    run_on_sqlite(tmp_path, Path(__file__).with_name("sqlite_case_library.py"), EMAIL_URL="memorymail://")
