"""Reading the dashboard's figures as a user sees them: through the page, with its filters."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.urls import reverse

from reports.selectors.tables import Table


def dashboard(client: Any, user: Any, **params: Any) -> dict[str, Table]:
    client.force_login(user)
    response = client.get(reverse("reports:dashboard"), params)
    assert response.status_code == 200
    return {figure["table"].name: figure["table"] for figure in response.context["figures"]}


def total(tables: dict[str, Table], name: str) -> dict[str, Any]:
    table = tables[name]
    return table.total if table.total is not None else table.rows[0]  # type: ignore[index]


def rows_by(tables: dict[str, Table], name: str, key: str) -> dict[Any, dict[str, Any]]:
    return {row[key]: row for row in tables[name].rows}


def csv_rows(response: Any) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


def rounded(value: float | None, places: int = 4) -> float | None:
    return None if value is None else round(value, places)
