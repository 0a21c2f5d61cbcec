"""Where is my order: the order number, the email on the order, the one-time code sent to that
email (the self-service access codes), and only then the order's parcels and its page.

An unknown order and a wrong email get the same answer as a match ("if this order was placed with
this email, we sent a code"): only a match gets a code, so no guess shows anything. A conversation
may ask for MAX_CODES codes and try MAX_TRIES codes in all before a person takes over."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone

from logistics.choices import Direction
from logistics.selectors import shipments_for_order
from tickets.models import Order

from ..history import AssistantEventKind
from ..models import AssistantStep, HandoverReason
from ..selectors import customer_zone
from ..services.access import clean_number, code_request, code_verify
from ..services.auto_answer import order_page_link
from . import texts
from .turn import Turn
from .words import code_in, email_in, order_number_in

MAX_CODES = 3
MAX_TRIES = 3
PARCELS_TEMPLATE = "selfservice/assistant/parcels.txt"


def start(turn: Turn) -> None:
    if turn.session.order is not None:
        tell_order(turn, turn.session.order)
        return
    turn.session.step = AssistantStep.ORDER_NUMBER
    turn.say(texts.ask_order_number(), topic="ask_order_number")


def on_order_number(turn: Turn) -> None:
    number = order_number_in(turn.text)
    if not number:
        turn.misunderstood(texts.ask_order_number(again=True), topic="ask_order_number")
        return
    turn.session.order_number = clean_number(number)
    turn.session.step = AssistantStep.EMAIL
    turn.say(texts.ask_email(), topic="ask_email")


def on_email(turn: Turn) -> None:
    session = turn.session
    email = email_in(turn.text)
    if not email:
        turn.misunderstood(texts.ask_email(again=True), topic="ask_email")
        return
    if session.codes_sent >= MAX_CODES:
        turn.hand_over(HandoverReason.NOT_VERIFIED)
        return
    session.email = email
    session.codes_sent += 1
    code_request(order_number=session.order_number, email=email, language=turn.language, now=timezone.now())
    session.step = AssistantStep.CODE
    turn.say(texts.code_sent(session.order_number), topic="code_sent")


def on_code(turn: Turn) -> None:
    session = turn.session
    code = code_in(turn.text)
    if not code and order_number_in(turn.text) and session.codes_sent < MAX_CODES:
        on_order_number(turn)  # another order: start its check again
        return
    session.code_attempts += 1
    order = code_verify(order_number=session.order_number, email=session.email, code=code, now=timezone.now())
    if order is None:
        if session.code_attempts >= MAX_TRIES:
            turn.hand_over(HandoverReason.NOT_VERIFIED)
        else:
            turn.say(texts.code_wrong(), topic="code_wrong")
        return
    session.order = order
    session.email = ""  # no longer needed: the order is proven
    turn.event(AssistantEventKind.ORDER_VERIFIED, order.external_number)
    turn.say(texts.order_verified(order.external_number))
    tell_order(turn, order)


def tell_order(turn: Turn, order: Order) -> None:
    """The order's parcels in plain words (status, latest scan, expected delivery, what an open
    exception means) and its page; only ever called for a verified order."""
    parcels = [s for s in shipments_for_order(order.pk) if s.direction == Direction.OUTBOUND]
    if parcels:
        with timezone.override(customer_zone(order.customer.time_zone)):
            news = render_to_string(PARCELS_TEMPLATE, {"shipments": parcels}).strip()
        turn.say(f"{texts.order_news(order.external_number)}\n{news}", topic="order_status")
    else:
        turn.say(texts.nothing_sent_yet(order.external_number), topic="order_status")
    turn.say(texts.order_page(order_page_link(order, turn.language)))
    turn.answered({"kind": "order_status", "order": order.external_number})
    turn.session.step = AssistantStep.MENU
    turn.say(texts.anything_else())
