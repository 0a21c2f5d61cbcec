from celery import shared_task

from . import services
from .adapters import mail_fetch


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


@shared_task(name="tickets.tasks.fetch_mail")
def fetch_mail() -> int:
    """The periodic mailbox read; beat runs it, and it is safe to run twice at once (a message read
    by both is de-duplicated by its Message-ID)."""
    return mail_fetch()
