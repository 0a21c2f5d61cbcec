"""CSV answers written row by row while the rows are read, so a year of tickets never sits in memory."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import tzinfo
from typing import Any

from django.http import StreamingHttpResponse
from django.utils.translation import gettext

from .presentation import csv_header, csv_value
from .selectors.tables import Table

BOM = "\ufeff"  # spreadsheets then read the file as UTF-8 (names in Chinese, Japanese, ...)


class _Line:
    """The file-like object csv.writer writes one line into, handed straight back."""

    def write(self, value: str) -> str:
        return value


def csv_lines(table: Table, zone: tzinfo) -> Iterator[str]:
    """The header (read now, in the request's language) and then the rows as they come."""
    writer = csv.writer(_Line())
    header = [csv_header(column) for column in table.columns]
    total_label = gettext("Total")
    kinds = [(column.key, column.kind) for column in table.columns]

    def lines() -> Iterator[str]:
        yield BOM + writer.writerow(header)
        for row in table.rows:
            yield writer.writerow([csv_value(row.get(key), kind, zone) for key, kind in kinds])
        if table.total is not None:
            values: list[Any] = [csv_value(table.total.get(key), kind, zone) for key, kind in kinds]
            values[0] = total_label if values[0] in ("", None) else values[0]
            yield writer.writerow(values)

    return lines()


def csv_response(table: Table, zone: tzinfo, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(csv_lines(table, zone), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
