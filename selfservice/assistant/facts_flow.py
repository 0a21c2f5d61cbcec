"""A damaged or wrong item (a complaint): the complaint's category, then its required facts asked
one at a time, each written to the ticket through `ticket_record_facts` (the one path facts take);
a photo counts when the customer sends one in the conversation. Once nothing is missing, a person
takes over.

The fact asked is always the first one still missing, so nothing else needs remembering; a photo
still being fetched from the app is noted in the conversation until it is on the ticket."""

from __future__ import annotations

import re

from django.conf import settings
from django.db import transaction

from helpdesk.errors import ServiceError
from tickets.models import Category, CategoryField, CategoryKind, FactType
from tickets.services import missing_facts, ticket_record_facts, ticket_set_category

from ..models import AssistantStep, HandoverReason
from . import texts
from .turn import Turn

_PLACEHOLDER_RE = re.compile(r"\[[^\]]*\]")  # what an app message without text reads as: "[image]"
_MONEY_RE = re.compile(r"([0-9]+(?:[.,][0-9]+)?)\s*([A-Za-z]{3})|([A-Za-z]{3})\s*([0-9]+(?:[.,][0-9]+)?)")


def _category(turn: Turn) -> Category | None:
    current = turn.ticket.category
    if current is not None and current.kind == CategoryKind.COMPLAINT:
        return current
    return Category.objects.filter(slug=settings.ASSISTANT_COMPLAINT_CATEGORY, is_active=True).first()


def _missing(turn: Turn) -> list[CategoryField]:
    return [f for f in missing_facts(turn.ticket) if f.key not in turn.session.facts]


def _gathered(turn: Turn, field: CategoryField, value: object) -> None:
    turn.session.facts = {**turn.session.facts, field.key: value}


def _ask_next(turn: Turn) -> None:
    left = _missing(turn)
    if not left:
        turn.hand_over(HandoverReason.COMPLAINT)
        return
    field = left[0]
    ask = texts.ask_photo if field.field_type == FactType.IMAGE else texts.ask_fact
    turn.say(ask(str(field.label)), topic=f"ask_fact:{field.key}")


def _take_photos(turn: Turn) -> None:
    """A photo in this message answers every photo fact of the complaint not yet answered."""
    if not turn.photo:
        return
    count = turn.message.attachments.filter(content_type__startswith="image/").count() or 1
    fields = CategoryField.objects.filter(category_id=turn.ticket.category_id or 0, field_type=FactType.IMAGE)
    for field in fields.filter(required=True):
        if field.key not in turn.session.facts:
            _gathered(turn, field, count)


def start(turn: Turn) -> None:
    category = _category(turn)
    if category is None:  # no complaint category to file it under: a person takes it as it is
        turn.hand_over(HandoverReason.COMPLAINT)
        return
    if turn.ticket.category_id != category.pk:
        ticket_set_category(ticket=turn.ticket, category=category, actor=None)
    turn.session.step = AssistantStep.FACT
    turn.say(texts.complaint_intro())
    _take_photos(turn)
    order = turn.session.order
    for field in _missing(turn):
        if field.key == "order_number" and field.field_type == FactType.TEXT and order is not None:
            _record(turn, field, order.external_number)
    _ask_next(turn)


def _money(text: str) -> dict[str, str] | str:
    found = _MONEY_RE.search(text)
    if not found:
        return text
    amount, currency = (found.group(1), found.group(2)) if found.group(1) else (found.group(4), found.group(3))
    return {"amount": amount.replace(",", "."), "currency": currency.upper()}


def _record(turn: Turn, field: CategoryField, value: object) -> str:
    """Write one fact through the tickets service; its refusal as text, or ''."""
    try:
        with transaction.atomic():
            ticket_record_facts(ticket=turn.ticket, facts={field.key: value}, actor=None)
    except ServiceError as error:
        return error.message
    _gathered(turn, field, turn.ticket.facts.get(field.key, value))
    return ""


def on_fact(turn: Turn) -> None:
    _take_photos(turn)
    left = _missing(turn)
    if not left:
        turn.hand_over(HandoverReason.COMPLAINT)
        return
    field = left[0]
    label = str(field.label)
    text = " ".join(_PLACEHOLDER_RE.sub(" ", turn.text).split())[:200]
    if field.field_type == FactType.IMAGE:
        if field.key not in turn.session.facts:
            turn.misunderstood(texts.ask_photo(label), topic=f"ask_fact:{field.key}")
            return
    elif text:
        refusal = _record(turn, field, _money(text) if field.field_type == FactType.MONEY else text)
        if refusal:
            turn.misunderstood(texts.fact_refused(refusal, label), topic=f"ask_fact:{field.key}")
            return
    elif not turn.photo:
        turn.misunderstood(texts.ask_fact(label), topic=f"ask_fact:{field.key}")
        return
    _ask_next(turn)
