"""Import exchange rates: from the configured feed (EXCHANGE_RATES_URL, the ECB's daily XML by
default), from another URL or file in that format, or from CSV with columns date,currency,units_per_usd."""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from helpdesk.errors import ServiceError
from policies.services import exchange_rates_import, exchange_rates_refresh

REQUIRED_COLUMNS = {"date", "currency", "units_per_usd"}


class Command(BaseCommand):
    help = (
        "Import exchange rates. Without an argument: from the configured feed (EXCHANGE_RATES_URL, the "
        "European Central Bank's daily reference rates). With a URL or an .xml file: from that feed format. "
        "With a CSV file (or - for standard input) with the header date,currency,units_per_usd, e.g. "
        "'2026-11-20,EUR,0.925' for USD 1 = EUR 0.925. All rates or none are stored; a rate already "
        "stored for that currency and day is replaced."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", nargs="?", default=None, help="URL, XML or CSV file, or - (CSV on stdin)")
        parser.add_argument("--source", dest="label", default="", help="Where CSV rates come from, kept with each")

    def handle(self, *args: Any, **options: Any) -> None:
        source = options["source"]
        try:
            if source is None or source.startswith(("http://", "https://")) or _looks_like_xml(source):
                created, updated = exchange_rates_refresh(source=source)
            else:
                created, updated = self._import_csv(source, options["label"])
        except ServiceError as error:
            raise CommandError(f"Nothing imported.\n{error.message}") from error
        self.stdout.write(self.style.SUCCESS(f"{created} rates added, {updated} replaced."))

    def _import_csv(self, path: str, label: str) -> tuple[int, int]:
        try:
            if path == "-":
                rows = list(csv.DictReader(io.StringIO(sys.stdin.read())))
            else:
                with Path(path).open(newline="", encoding="utf-8-sig") as handle:
                    rows = list(csv.DictReader(handle))
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"Cannot read {path}: {error}") from error
        if not rows:
            raise CommandError("The file has no rates.")
        columns = {(name or "").strip() for name in rows[0]}
        if not columns >= REQUIRED_COLUMNS:
            needed, found = ", ".join(sorted(REQUIRED_COLUMNS)), ", ".join(sorted(columns))
            raise CommandError(f"Columns needed: {needed}; found: {found}")
        cleaned = [{(k or "").strip(): v for k, v in row.items()} for row in rows]
        return exchange_rates_import(rows=cleaned, source=label or Path(path).name)


def _looks_like_xml(path: str) -> bool:
    if path == "-":
        return False
    try:
        with Path(path).open("rb") as handle:
            return handle.read(512).lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")
    except OSError:
        return False  # the CSV path reports the error
