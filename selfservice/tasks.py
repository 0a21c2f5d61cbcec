"""Celery tasks: thin, safe to run twice, reading their truth from the database."""

from __future__ import annotations

from celery import shared_task

from .services.auto_answer import where_is_my_order_answer


@shared_task(name="selfservice.tasks.auto_answer_where_is_my_order")
def auto_answer_where_is_my_order(ticket_id: int) -> bool:
    return where_is_my_order_answer(ticket_id=ticket_id)
