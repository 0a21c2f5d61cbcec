"""Every record of the other apps that holds a customer's data (see registry.py), declared once.

What erasure keeps, and why: orders, grants, decisions, SLA clocks, shipments and tracking events
carry amounts, dates, statuses and countries that reports and accounting count; none of them holds
a name, an address or the customer's own words. The customer's row itself stays (anonymised), so
every ticket, order and grant still counts where it did.
"""

from __future__ import annotations

from typing import Any

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.search import SearchVector
from django.db import connection
from django.db.models import Q, QuerySet, Value
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext_lazy as _

from chat.models import ChatConversation, ChatLine
from feedback.models import CareFollowUp, CaseRecord, SurveyInvitation, SurveyResponse
from insights.models import CallbackTask, CustomerProfile, SegmentMembership
from logistics.models import (
    ExceptionEpisode,
    Shipment,
    ShipmentException,
    ShipmentStatusChange,
    TrackingEvent,
    WebhookDelivery,
)
from messaging.models import InboundEvent, MediaFetch, OutboundMessage
from policies.models import CompensationGrant, CompensationRequest, DecisionLog
from returns.models import ReturnEvent, ReturnRequest
from selfservice.models import AccessCode, AssistantSession
from tickets.models import Attachment, Customer, InboundEmail, Message, Order, OutboundEmail, Ticket, TicketEvent
from workspace.models import AuditEntry, Notification

from .models import ErasureRequest
from .registry import ERASED, register_holding

FIGURES = _("amounts, dates and statuses only, kept for reports and accounting")


def _ticket_search_reset(tickets: QuerySet[Any]) -> None:
    """An erased ticket is found by its reference only: the words it was found by are gone."""
    tickets.update(search_text="")
    if connection.vendor == "postgresql":
        tickets.update(search_vector=SearchVector(Value(ERASED), config="simple"))


def _case_search_reset(cases: QuerySet[Any]) -> None:
    if connection.vendor == "postgresql":
        cases.update(search_vector=SearchVector("problem", "solution", config="simple"))


def _app_events(customer: Any) -> QuerySet[Any]:
    """The raw messaging-app events that became one of their messages (linked by the message's id)."""
    messages = Message.objects.filter(ticket__customer=customer).values("pk")
    return InboundEvent.objects.filter(message_id__in=messages)


def _sent_emails(customer: Any) -> QuerySet[Any]:
    """What we sent them: about their tickets, and those about no ticket (a one-time code for the
    order page) found by their address."""
    rows = Q(ticket__customer=customer)
    if customer.email:
        rows |= Q(ticket__isnull=True, to__iexact=customer.email)
    return OutboundEmail.objects.filter(rows)


def _inbound_emails(customer: Any) -> QuerySet[Any]:
    """The kept copies of their emails: those that became a message, and those quarantined or
    ignored before they reached a ticket, found by the sender's address in the raw bytes."""
    rows = Q(ticket__customer=customer)
    if customer.email and connection.vendor == "postgresql":
        sql = f"SELECT id FROM {InboundEmail._meta.db_table} WHERE position(%s::bytea in raw) > 0"  # noqa: S608
        rows |= Q(pk__in=RawSQL(sql, [customer.email.encode()]))  # noqa: S611 - a parameter, not text
    return InboundEmail.objects.filter(rows)


def _audit_rows(customer: Any) -> QuerySet[Any]:
    """Audit rows about the customer (an export, an erasure), which name them by id only."""
    return AuditEntry.objects.filter(target_type=type(customer).__name__, target_id=str(customer.pk))


def _notifications(customer: Any) -> QuerySet[Any]:
    """The staff's notices naming the customer, or one of their tickets."""
    named = Q(pk__in=[])
    for word in (customer.name, customer.email, customer.phone):
        if word and len(word) >= 3:
            named |= Q(text__icontains=word)
    refs = [ticket.get_absolute_url() for ticket in Ticket.objects.filter(customer=customer).only("pk")]
    return Notification.objects.filter(named | Q(url__in=refs))


def _admin_log(customer: Any) -> QuerySet[Any]:
    """The admin's history of changes to the customer, which shows their name and email."""
    kind = ContentType.objects.get_for_model(Customer)
    return LogEntry.objects.filter(content_type=kind, object_id=str(customer.pk))


def register_all() -> None:
    register_holding(
        Customer,
        customer="pk",
        scrub={"name": ERASED, "email": "", "phone": "", "external_ids": {}, "time_zone": "UTC"},
    )
    register_holding(Order, customer="customer", kept=FIGURES)
    register_holding(
        Ticket,
        customer="customer",
        ticket="pk",
        scrub={"subject": ERASED, "conversation_key": ""},
        after=_ticket_search_reset,
    )
    register_holding(Message, customer="ticket__customer", ticket="ticket", scrub={"body": ERASED})
    register_holding(Attachment, customer="ticket__customer", ticket="ticket", files=("file",), delete=True)
    register_holding(
        TicketEvent,
        customer="ticket__customer",
        ticket="ticket",
        kept=_("who changed what and when; values are statuses, tiers, references and fact names"),
    )
    register_holding(
        OutboundEmail,
        customer=_sent_emails,
        ticket="ticket",
        scrub={"to": "", "subject": ERASED, "body_text": ERASED, "body_html": "", "last_error": ""},
    )
    register_holding(InboundEmail, customer=_inbound_emails, ticket="ticket", scrub={"raw": b"", "reason": ""})
    # A messaging app's raw event (their words, their number) is emptied; what was sent to them keeps
    # its delivery status without the text or the address; a file's name and reference go.
    register_holding(InboundEvent, customer=_app_events, scrub={"body": b"", "headers": {}, "payload": {}, "error": ""})
    register_holding(
        OutboundMessage,
        customer="message__ticket__customer",
        ticket="message__ticket",
        scrub={"recipient": "", "payload": {}, "error": ""},
    )
    register_holding(
        MediaFetch,
        customer="message__ticket__customer",
        ticket="message__ticket",
        scrub={"filename": "", "media_ref": "", "error": ""},
    )
    # A chat visitor's name goes; the conversation's states and times stay for the reports.
    register_holding(ChatConversation, customer="ticket__customer", ticket="ticket", scrub={"visitor_name": ERASED})
    register_holding(
        ChatLine,
        customer="conversation__ticket__customer",
        ticket="conversation__ticket",
        kept=_("random ids the widget gave its messages"),
    )
    register_holding(
        CompensationRequest,
        customer="customer",
        ticket="ticket",
        scrub={"reason_detail": "", "items": "", "description": "", "message": "", "decision_comment": ""},
        frozen=~Q(state="pending"),
    )
    register_holding(DecisionLog, customer="request__customer", ticket="request__ticket", kept=FIGURES)
    # Figures derived from the records above, recomputed from them; a planned call's note goes.
    register_holding(CustomerProfile, customer="customer", kept=FIGURES)
    register_holding(SegmentMembership, customer="customer", kept=FIGURES)
    register_holding(CallbackTask, customer="customer", ticket="ticket", scrub={"note": ""})
    # A return's words and its label (which carries the customer's address) go; items, amounts,
    # states and dates stay for the returns report.
    register_holding(
        ReturnRequest,
        customer="order__customer",
        ticket="ticket",
        scrub={"reason_detail": "", "inspection_note": "", "label_url": "", "label_file": ""},
        files=("label_file",),
    )
    register_holding(
        ReturnEvent, customer="return_request__order__customer", ticket="return_request__ticket", scrub={"note": ""}
    )
    register_holding(CompensationGrant, customer="customer", ticket="ticket", kept=FIGURES)
    register_holding(Shipment, customer="order__customer", kept=FIGURES)
    # A one-time code to open an order page or the requests: its email goes with it (the code is a hash).
    register_holding(AccessCode, customer="customer", delete=True)
    # The assistant's notes of a conversation: the order number, email and facts the customer typed
    # go; the intents, what was answered and the handover stay for the assistant's report.
    register_holding(
        AssistantSession,
        customer="ticket__customer",
        ticket="ticket",
        scrub={"order_number": "", "email": "", "facts": {}},
    )
    register_holding(TrackingEvent, customer="shipment__order__customer", kept=FIGURES)
    register_holding(ShipmentStatusChange, customer="shipment__order__customer", kept=FIGURES)
    register_holding(ShipmentException, customer="shipment__order__customer", ticket="ticket", kept=FIGURES)
    register_holding(ExceptionEpisode, customer="order__customer", ticket="ticket", kept=FIGURES)
    # The aggregator's raw body names the receiver (name, address, phone): emptied, its figures stay.
    register_holding(WebhookDelivery, customer="shipment__order__customer", scrub={"body": b""})
    register_holding(SurveyInvitation, customer="ticket__customer", ticket="ticket", kept=FIGURES)
    register_holding(SurveyResponse, customer="ticket__customer", ticket="ticket", scrub={"comment": ""})
    register_holding(CareFollowUp, customer="ticket__customer", ticket="ticket", scrub={"note": ""})
    register_holding(
        CaseRecord,
        customer="ticket__customer",
        ticket="ticket",
        scrub={"problem": ERASED},
        after=_case_search_reset,
    )
    register_holding(
        AuditEntry, customer=_audit_rows, kept=_("the trail names the customer by id only and is append-only")
    )
    register_holding(Notification, customer=_notifications, scrub={"text": ERASED})
    register_holding(LogEntry, customer=_admin_log, scrub={"object_repr": ERASED, "change_message": ""})
    register_holding(
        ErasureRequest, customer="customer", kept=_("the customer's own request, kept to show it was carried out")
    )
