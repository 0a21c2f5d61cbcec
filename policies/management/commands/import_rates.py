"""Import exchange rates from CSV: columns date,currency,units_per_usd (USD 1 = that many units)."""

from __future__ import annotations

import csv
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from helpdesk.errors import ServiceError
from policies.services import exchange_rates_import

REQUIRED_COLUMNS = {"date", "currency", "units_per_usd"}


class Command(BaseCommand):
    help = (
        "Import exchange rates from a CSV file with the header date,currency,units_per_usd, "
        "e.g. '2026-11-20,EUR,0.925' for USD 1 = EUR 0.925. All rows or none are stored; "
        "a rate already stored for that currency and day is replaced."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="CSV file, or - for standard input")
        parser.add_argument("--source", default="", help="Where the rates come from, kept with each rate")

    def handle(self, *args: Any, **options: Any) -> None:
        path = options["path"]
        try:
            if path == "-":
                rows = list(csv.DictReader(sys.stdin))
            else:
                with Path(path).open(newline="", encoding="utf-8-sig") as handle:
                    rows = list(csv.DictReader(handle))
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error}") from error
        if not rows:
            raise CommandError("The file has no rates.")
        columns = {(name or "").strip() for name in rows[0]}
        if not columns >= REQUIRED_COLUMNS:
            needed, found = ", ".join(sorted(REQUIRED_COLUMNS)), ", ".join(sorted(columns))
            raise CommandError(f"Columns needed: {needed}; found: {found}")
        cleaned = [{(k or "").strip(): v for k, v in row.items()} for row in rows]
        try:
            created, updated = exchange_rates_import(rows=cleaned, source=options["source"] or Path(path).name)
        except ServiceError as error:
            raise CommandError(f"Nothing imported.\n{error.message}") from error
        self.stdout.write(self.style.SUCCESS(f"{created} rates added, {updated} replaced."))
