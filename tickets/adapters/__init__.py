"""The ways customers reach us. Each channel is an adapter that turns what arrived into an `Arrival`
for the one intake path (tickets/services/intake.py, which holds the registry), registered
from `TicketsConfig.ready()`. Email has helpers of its own: the mailbox readers and MIME parsing
(`parsing`, with the charset rules of tickets/mailtext.py)."""

from .email import ADAPTER as EMAIL
from .email import inbound_email_receive, inbound_email_reprocess, max_inbound_bytes
from .mailbox import imap_fetch, mail_fetch, maildir_fetch
from .proactive import ADAPTER as PROACTIVE
from .staff import ADAPTERS as STAFF
from .web import ADAPTER as WEB
from .web import webform_ticket_create

BUILT_IN = (EMAIL, WEB, *STAFF, PROACTIVE)

__all__ = [
    "BUILT_IN",
    "imap_fetch",
    "inbound_email_receive",
    "inbound_email_reprocess",
    "mail_fetch",
    "maildir_fetch",
    "max_inbound_bytes",
    "webform_ticket_create",
]
