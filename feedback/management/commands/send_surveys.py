"""Send the survey invitations that are due now; or one survey now (`--invitation ID`), or again
with a new link (`--invitation ID --resend`). Every email goes through the send log."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from feedback import services


class Command(BaseCommand):
    help = "Send due survey invitations now, or one invitation now or again (--invitation ID [--resend])."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--invitation", type=int, help="the id of one survey invitation to send now")
        parser.add_argument(
            "--resend", action="store_true", help="send an invitation that was already sent again, with a new link"
        )

    def handle(self, *args: Any, invitation: int | None = None, resend: bool = False, **options: Any) -> None:
        if invitation is None:
            if resend:
                raise CommandError("--resend needs --invitation ID.")
            sent = services.invitations_send_due()
            self.stdout.write(f"Survey invitations sent: {len(sent)}")
            return
        try:
            services.invitation_send_now(invitation_id=invitation, resend=resend)
        except services.SurveyNotSent as error:
            raise CommandError(error.message) from None
        self.stdout.write(f"Survey invitation {invitation} sent{' again' if resend else ''}.")
