from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.postgres.search import SearchVector
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Left, Right, Substr
from django.utils.translation import gettext as _

from helpdesk.errors import ServiceError
from helpdesk.uploads import MAX_ATTACHMENT_BYTES, safe_filename, sniff_content_type, stored_name
from workspace.live.streams import Change, publish_many

from ..history import ticket_changes
from ..models import Attachment, Channel, Message, MessageKind, Ticket
from ..redaction import redact
from ._common import ensure_can_work
from .sla import sla_reviewed

logger = logging.getLogger(__name__)

MAX_ATTACHMENTS_PER_MESSAGE = 10
MAX_BODY_CHARS = 50_000
SEARCH_HEAD = 2_000  # the subject, the customer and the start of the first message stay searchable
SEARCH_TAIL = 18_000  # and so do the latest messages, however long the ticket grows


@dataclass(frozen=True)
class AttachmentInput:
    """A file as received from a form, an email or the API."""

    name: str
    content: bytes


def as_attachment_inputs(files: Iterable[Any]) -> list[AttachmentInput]:
    """Uploaded files (Django UploadedFile) read into AttachmentInput, refusing oversized ones early."""
    inputs = []
    for uploaded in files:
        if isinstance(uploaded, AttachmentInput):
            inputs.append(AttachmentInput(name=redact(uploaded.name), content=uploaded.content))
            continue
        if uploaded.size > MAX_ATTACHMENT_BYTES:
            raise _too_large(redact(uploaded.name))
        inputs.append(AttachmentInput(name=redact(uploaded.name or ""), content=uploaded.read()))
    return inputs


def _too_large(name: str) -> ServiceError:
    return ServiceError(
        _("%(name)s is larger than %(size)d MB.")
        % {"name": safe_filename(name), "size": MAX_ATTACHMENT_BYTES // 2**20},
        field="attachments",
    )


def _check_file(item: AttachmentInput) -> str:
    """The file's content type, or a refusal saying why it is not accepted."""
    if len(item.content) > MAX_ATTACHMENT_BYTES:
        raise _too_large(item.name)
    if not item.content:
        raise ServiceError(_("%(name)s is empty.") % {"name": safe_filename(item.name)}, field="attachments")
    content_type = sniff_content_type(item.content[:2048])
    if content_type is None:
        raise ServiceError(
            _("%(name)s is not an accepted file type (images, PDF or plain text).")
            % {"name": safe_filename(item.name)},
            field="attachments",
        )
    return content_type


def accept_attachments(
    files: Iterable[Any], *, keep_refused_as_notes: bool = False
) -> tuple[list[tuple[AttachmentInput, str]], list[str]]:
    """Check every file before anything is stored, so a bad one leaves nothing half-written: the
    files accepted with their content types, and a note for each refused one where the caller keeps
    what it received (an email) instead of refusing it all (a form, the API)."""
    accepted: list[tuple[AttachmentInput, str]] = []
    notes: list[str] = []
    for item in as_attachment_inputs(files):
        try:
            if len(accepted) >= MAX_ATTACHMENTS_PER_MESSAGE and not keep_refused_as_notes:
                raise ServiceError(
                    _("At most %(count)d attachments per message.") % {"count": MAX_ATTACHMENTS_PER_MESSAGE},
                    field="attachments",
                )
            if len(accepted) >= MAX_ATTACHMENTS_PER_MESSAGE:
                raise ServiceError(
                    _("%(name)s: at most %(count)d attachments per message.")
                    % {"name": safe_filename(item.name), "count": MAX_ATTACHMENTS_PER_MESSAGE}
                )
            accepted.append((item, _check_file(item)))
        except ServiceError as error:
            if not keep_refused_as_notes:
                raise
            logger.info("attachment %r not kept: %s", safe_filename(item.name), error.message)
            notes.append(_("Attachment not kept: %(reason)s") % {"reason": error.message})
    return accepted, notes


def _store_attachments(message: Message, files: list[tuple[AttachmentInput, str]]) -> None:
    for item, content_type in files:
        attachment = Attachment(
            ticket=message.ticket,
            message=message,
            token=secrets.token_hex(16),
            original_name=stored_name(redact(item.name), content_type),
            content_type=content_type,
            size=len(item.content),
            sha256=hashlib.sha256(item.content).hexdigest(),
        )
        attachment.file.save(attachment.token, ContentFile(item.content), save=False)
        attachment.save()


def _clean_body(body: str) -> str:
    body = redact((body or "").replace("\r\n", "\n").strip())
    if not body:
        raise ServiceError(_("The message is empty."), field="body")
    if len(body) > MAX_BODY_CHARS:
        raise ServiceError(_("The message is too long."), field="body")
    return body


def append_search_text(ticket: Ticket, *parts: str) -> None:
    """Add text to what the ticket is found by, in one UPDATE so concurrent messages all count."""
    addition = "\n" + "\n".join(p for p in parts if p)
    combined = Concat(F("search_text"), Value(addition))
    kept = Concat(Left(combined, SEARCH_HEAD), Right(Substr(combined, SEARCH_HEAD + 1), SEARCH_TAIL))
    Ticket.objects.filter(pk=ticket.pk).update(search_text=kept)
    if settings.DATABASE_IS_POSTGRES:
        Ticket.objects.filter(pk=ticket.pk).update(search_vector=SearchVector("search_text", config="simple"))
    ticket.search_text = Ticket.objects.values_list("search_text", flat=True).get(pk=ticket.pk)


def message_write(
    ticket: Ticket, kind: str, body: str, author: Any, files: list[tuple[AttachmentInput, str]], **extra: Any
) -> Message:
    """Write a message with its checked files (`accept_attachments`): the one place messages are written.
    The caller tells the live pages (`message_store` does both; the intake tells them of a new ticket
    and its first message at once)."""
    message = Message.objects.create(ticket=ticket, kind=kind, body=_clean_body(body), author=author, **extra)
    _store_attachments(message, files)
    Ticket.objects.filter(pk=ticket.pk).update(last_activity_at=message.created_at)
    ticket.last_activity_at = message.created_at
    append_search_text(ticket, message.body)
    return message


def message_changes(ticket: Ticket, message: Message) -> list[Change]:
    """What the live pages hear of a new message: the ticket's thread and its team's queue row."""
    return ticket_changes(ticket.pk, [ticket.team_id], "message", message=message.pk, message_kind=str(message.kind))


def message_store(
    ticket: Ticket, kind: str, body: str, author: Any, files: list[tuple[AttachmentInput, str]], **extra: Any
) -> Message:
    """Write a message (`message_write`) and tell the live pages."""
    message = message_write(ticket, kind, body, author, files, **extra)
    message_announce(ticket, message)
    return message


def message_announce(ticket: Ticket, message: Message) -> None:
    publish_many(message_changes(ticket, message))


def message_add(ticket: Ticket, kind: str, body: str, author: Any, attachments: Iterable[Any], **extra: Any) -> Message:
    """`message_store` with files not checked yet: a bad one refuses the message."""
    return message_store(ticket, kind, body, author, accept_attachments(attachments)[0], **extra)


@transaction.atomic
def message_attach_files(*, message: Message, files: Iterable[Any]) -> list[str]:
    """Files that reached us after their message was stored (a messaging app's media, fetched from the
    provider later) added to it; the reasons for any refused file are returned, nothing else changes."""
    accepted, notes = accept_attachments(files, keep_refused_as_notes=True)
    _store_attachments(message, accepted)
    return notes


@transaction.atomic
def message_add_note(*, ticket: Ticket, author: Any, body: str, attachments: Iterable[Any] = ()) -> Message:
    """An internal note: seen by staff only, never emailed. An agent's note shows they looked at a
    proactive ticket."""
    ensure_can_work(author, ticket)
    message = message_add(ticket, MessageKind.NOTE, body, author, attachments)
    if author is not None:
        sla_reviewed(ticket=ticket, at=message.created_at)
    return message


@transaction.atomic
def message_add_system(*, ticket: Ticket, body: str, channel: str = Channel.EMAIL) -> Message:
    """Our own message to the customer, sent automatically by the caller through `channel` (e.g. a
    proactive delivery notice by email, a queue position in a messaging app): public, by nobody,
    neither the customer's nor an agent's, so it starts and meets no clock."""
    return message_add(ticket, MessageKind.SYSTEM, body, None, (), channel=channel, is_automatic=True)
