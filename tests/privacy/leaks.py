"""Where a card number could hide once something was taken in: every text column of the database,
the ticket search index, the captured log and the emails sent."""

from __future__ import annotations

import re
from email import policy
from email.parser import BytesParser

from django.contrib.postgres.search import SearchQuery
from django.core import mail
from django.db import connection

from tickets.models import InboundEmail, Ticket

_TEXT_TYPES = ("text", "character varying", "jsonb", "json", "tsvector")


def _squeezed(text: str) -> str:
    return re.sub(r"[\s\-]", "", text)


def columns_holding(digits: str) -> list[str]:
    """Every text, JSON, search-vector or binary column (table.column) holding the digits, spaces and dashes ignored."""
    found = []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND (data_type = ANY(%s) OR data_type = 'bytea')",
            [list(_TEXT_TYPES)],
        )
        for table, column, data_type in cursor.fetchall():
            if data_type == "bytea":
                sql = f'SELECT count(*) FROM "{table}" WHERE position(%s::bytea in "{column}") > 0'  # noqa: S608
                cursor.execute(sql, [digits.encode()])
            else:
                sql = (
                    f'SELECT count(*) FROM "{table}" '  # noqa: S608
                    f"WHERE regexp_replace(\"{column}\"::text, '[[:space:]''-]', '', 'g') LIKE %s"
                )
                cursor.execute(sql, [f"%{digits}%"])
            if cursor.fetchone()[0]:
                found.append(f"{table}.{column}")
    return found


def _stored_email_texts() -> list[str]:
    """The kept copies of inbound emails, read as a mail client would (encodings undone)."""
    texts = []
    for raw in InboundEmail.objects.values_list("raw", flat=True):
        message = BytesParser(policy=policy.default).parsebytes(bytes(raw))
        texts.append(str(message["Subject"] or ""))
        for part in message.walk():
            if part.get_filename():
                texts.append(part.get_filename())
            if part.get_content_maintype() == "text":
                texts.append(part.get_content())
    return texts


def _sent_email_texts() -> list[str]:
    texts = []
    for email in mail.outbox:
        texts += [email.subject, email.body, *(content for content, _type in getattr(email, "alternatives", []))]
    return texts


def leaks(digits: str, log_text: str) -> list[str]:
    """Where the digits (a card number without separators) are still found; empty when nowhere."""
    found = columns_holding(digits)
    if Ticket.objects.filter(search_vector=SearchQuery(digits, config="simple")).exists():
        found.append("ticket search index")
    if any(digits in _squeezed(text) for text in _stored_email_texts()):
        found.append("stored inbound email")
    if digits in _squeezed(log_text):
        found.append("log")
    if any(digits in _squeezed(text) for text in _sent_email_texts()):
        found.append("sent email")
    return found
