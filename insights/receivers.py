"""What a change elsewhere means here. A customer's profile and segments are refreshed by a named task
(so a lost message only waits for the nightly refresh): after each message the intake takes in has
committed (its listener), and after a status change, a grant or a survey answer; a solved ticket gets
the callbacks its customer's segments plan, in a savepoint that never blocks the solve."""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.db.models.signals import post_save

from helpdesk.tasking import enqueue
from tickets.listeners import Arrived, register_message_listener
from tickets.models import Status

logger = logging.getLogger(__name__)

REFRESH_TASK = "insights.tasks.refresh_customer"


def on_status_changed(sender: Any, ticket: Any, old: str, new: str, **kwargs: Any) -> None:
    enqueue(REFRESH_TASK, ticket.customer_id)
    if new != Status.SOLVED:
        return
    from .services.callbacks import callbacks_plan_for_solved

    try:
        with transaction.atomic():
            callbacks_plan_for_solved(ticket=ticket)
    except Exception:
        logger.exception("callbacks not planned for ticket %s", ticket.pk)


def on_arrival(arrived: Arrived) -> None:
    """A customer's message (their last contact, maybe a new ticket), committed."""
    enqueue(REFRESH_TASK, arrived.customer_id)


def on_customer_record_saved(sender: Any, instance: Any, **kwargs: Any) -> None:
    """A grant or a survey answer: the customer's figures change."""
    customer_id = getattr(instance, "customer_id", None)
    if customer_id is None and getattr(instance, "ticket_id", None):
        from tickets.models import Ticket

        customer_id = Ticket.objects.filter(pk=instance.ticket_id).values_list("customer_id", flat=True).first()
    if customer_id is not None:
        enqueue(REFRESH_TASK, customer_id)


def connect() -> None:
    from feedback.models import SurveyResponse
    from policies.models import CompensationGrant
    from tickets.panels import register_panel
    from tickets.signals import ticket_status_changed

    from .panel import customer_panel

    ticket_status_changed.connect(on_status_changed, dispatch_uid="insights.status_changed")
    register_message_listener("insights", on_arrival)
    post_save.connect(on_customer_record_saved, sender=CompensationGrant, dispatch_uid="insights.grant_saved")
    post_save.connect(on_customer_record_saved, sender=SurveyResponse, dispatch_uid="insights.survey_saved")
    register_panel("customer", template="insights/customer_panel.html", context=customer_panel, order=5)
