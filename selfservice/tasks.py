"""Celery tasks: thin, safe to run twice, reading their truth from the database."""

from __future__ import annotations

from celery import shared_task

from .assistant.service import assistant_answer as assistant_answer_message
from .services.auto_answer import where_is_my_order_answer


@shared_task(name="selfservice.tasks.auto_answer_where_is_my_order")
def auto_answer_where_is_my_order(ticket_id: int) -> bool:
    return where_is_my_order_answer(ticket_id=ticket_id)


@shared_task(name="selfservice.tasks.assistant_answer")
def assistant_answer(ticket_id: int, message_id: int, files: int = 0) -> bool:
    return assistant_answer_message(ticket_id=ticket_id, message_id=message_id, files=files)
