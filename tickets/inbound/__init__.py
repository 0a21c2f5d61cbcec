"""Customer intake from outside: inbound email (parsing, threading, trimming, mailbox readers)
and the public web form's service."""

from .readers import imap_fetch, mail_fetch, maildir_fetch
from .service import inbound_email_receive, inbound_email_reprocess, max_inbound_bytes
from .webform import webform_ticket_create

__all__ = [
    "imap_fetch",
    "inbound_email_receive",
    "inbound_email_reprocess",
    "mail_fetch",
    "maildir_fetch",
    "max_inbound_bytes",
    "webform_ticket_create",
]
