from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from privacy.services import retention_apply, retention_dry_run


class Command(BaseCommand):
    help = "Show what the retention policies would remove now (a dry run), or remove it with --apply."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--apply", action="store_true", help="remove it (in batches), as the daily sweep does")

    def handle(self, *args: Any, **options: Any) -> None:
        for line in retention_dry_run():
            state = "" if line.active else " (not applied)"
            self.stdout.write(
                f"{line.kind}: {line.count} older than {line.cutoff:%Y-%m-%d} ({line.keep_days} days){state}"
            )
        if options["apply"]:
            for kind, count in retention_apply().items():
                self.stdout.write(f"removed {kind}: {count}")
