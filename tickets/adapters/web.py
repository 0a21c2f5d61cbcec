"""The public web form: a customer's request becomes an `Arrival`, acknowledged by email."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from helpdesk.language import ticket_language

from ..models import Category, CategoryField, Channel, FactType, Order, Ticket
from ..services import Arrival, ChannelAdapter, customer_get_or_create, intake_receive, ticket_record_facts

ORDER_NUMBER_FACT = "order_number"


class WebChannel(ChannelAdapter):
    name = Channel.WEB
    label = Channel.WEB.label


ADAPTER = WebChannel()


@transaction.atomic
def webform_ticket_create(
    *,
    name: str,
    email: str,
    subject: str,
    body: str,
    category: Category,
    language: str,
    order_number: str = "",
    country: str = "",
    attachments: Iterable[Any] = (),
) -> Ticket:
    """Open a ticket from the public form. The order number links the customer's order when it
    is theirs; otherwise it stays in the message (and in the category's order-number fact), so
    no one has to ask for it again. The country the customer chose routes the ticket, and becomes
    theirs when we knew none. A refused attachment leaves nothing stored."""
    country = (country or "").strip().upper()
    customer = customer_get_or_create(email=email, name=name, language=language, country=country)
    order_number = " ".join((order_number or "").split())[:100]
    order = (
        Order.objects.filter(customer=customer, external_number__iexact=order_number).order_by("-placed_at").first()
        if order_number
        else None
    )
    # The ticket's language (the customer's known one, else the message's, else the page's): the
    # line added to their message is in it, as the confirmation quoting it is.
    language = ticket_language(
        customer_language=customer.language, first_message=f"{subject}\n{body}", fallback=language
    )
    if order_number and order is None:
        with translation.override(language):
            line = _("Order number: %(number)s") % {"number": order_number}
        body = f"{body.strip()}\n\n{line}"
    ticket = intake_receive(
        Arrival(
            channel=Channel.WEB,
            customer=customer,
            subject=subject,
            body=body,
            category=category,
            order=order,
            language=language,
            country=country,
            attachments=attachments,
            acknowledge=True,
        )
    ).ticket
    if (
        order_number
        and CategoryField.objects.filter(category=category, key=ORDER_NUMBER_FACT, field_type=FactType.TEXT).exists()
    ):
        ticket_record_facts(ticket=ticket, facts={ORDER_NUMBER_FACT: order_number}, actor=None)
    return ticket
