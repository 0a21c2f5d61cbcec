"""The agent pages on the quick start's SQLite (the suite itself runs on PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.sqlite_quick_start import run_on_sqlite


@pytest.mark.integration
def test_queue_and_ticket_pages_open_on_sqlite(tmp_path):
    run_on_sqlite(tmp_path, Path(__file__).with_name("sqlite_pages.py"))
