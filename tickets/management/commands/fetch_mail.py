"""Take in new inbound email from the configured mailbox (MAILDIR_PATH or IMAP_URL)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from tickets.adapters import mail_fetch, maildir_fetch


class Command(BaseCommand):
    help = "Read new messages from MAILDIR_PATH or IMAP_URL and turn them into tickets."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--maildir", help="Read this Maildir instead of the configured mailbox.")
        parser.add_argument("--limit", type=int, default=None, help="At most this many messages.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["maildir"]:
            count = maildir_fetch(path=options["maildir"], limit=options["limit"])
        else:
            count = mail_fetch(limit=options["limit"])
        self.stdout.write(f"{count} message(s) taken in.")
