from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from privacy.services import customer_export, export_filename
from tickets.models import Customer


class Command(BaseCommand):
    help = "Write one customer's data (JSON, a readable page and their files) to a zip; the export is audited."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("customer", help="the customer's id or email address")
        parser.add_argument("--output", help="the zip to write (default: customer-<id>-<date>.zip here)")

    def handle(self, *args: Any, **options: Any) -> None:
        key = options["customer"]
        found = Customer.objects.filter(pk=int(key)) if key.isdigit() else Customer.objects.filter(email__iexact=key)
        customer = found.first()
        if customer is None:
            raise CommandError(f"No customer {key!r}.")
        target = Path(options["output"] or export_filename(customer))
        target.write_bytes(customer_export(customer=customer, actor=None))
        self.stdout.write(f"{target}")
