from celery import shared_task

from . import services


@shared_task(name="tickets.tasks.send_email", autoretry_for=(ConnectionError,), max_retries=3)
def send_email(outbound_id: int) -> bool:
    return services.email_send(outbound_id=outbound_id)


@shared_task(name="tickets.tasks.send_due_emails")
def send_due_emails() -> int:
    return services.emails_send_due()


@shared_task(name="tickets.tasks.close_solved_tickets")
def close_solved_tickets() -> int:
    return services.tickets_close_solved()


@shared_task(name="tickets.tasks.sla_sweep")
def sla_sweep() -> dict[str, int]:
    result = services.sla_sweep()
    return {"warned": len(result.warned), "breached": len(result.breached)}


from . import inbound_tasks  # noqa: E402, F401  (registers tickets.tasks.fetch_mail)
