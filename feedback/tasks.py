"""Celery tasks: thin, idempotent, reading their truth from the database."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(name="feedback.tasks.send_due_invitations")
def send_due_invitations() -> int:
    return len(services.invitations_send_due())


@shared_task(name="feedback.tasks.record_missing_cases")
def record_missing_cases() -> dict[str, int]:
    invitations = services.invitations_create_missing()
    cases = services.cases_record_missing()
    return {"invitations": invitations, "cases": len(cases)}


@shared_task(name="feedback.tasks.record_case")
def record_case(ticket_id: int) -> bool:
    return services.case_record(ticket_id=ticket_id) is not None
