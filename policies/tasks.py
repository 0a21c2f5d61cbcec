from celery import shared_task

from . import services


@shared_task(name="policies.tasks.sweep_approvals")
def sweep_approvals() -> int:
    """Beat every 30 s: reminders at 20 minutes, escalation at 30. Safe to run twice or in parallel."""
    return services.approvals_sweep()
