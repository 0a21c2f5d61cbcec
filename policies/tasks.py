import logging

from celery import shared_task
from django.conf import settings

from . import services

logger = logging.getLogger(__name__)


@shared_task(name="policies.tasks.sweep_approvals")
def sweep_approvals() -> int:
    """Beat every 30 s: reminders at 20 minutes, escalation at 30. Safe to run twice or in parallel."""
    return services.approvals_sweep()


@shared_task(name="policies.tasks.refresh_exchange_rates")
def refresh_exchange_rates() -> int:
    """Beat, a few times a day: store the configured feed's rates. A failure is logged and stores
    nothing; the next run retries, and requests meanwhile use the latest recent rate."""
    if not settings.EXCHANGE_RATES_URL:
        return 0  # no feed configured: rates come from the admin or the import_rates command
    try:
        created, replaced = services.exchange_rates_refresh()
    except services.FeedError as error:
        logger.warning("exchange rates not refreshed: %s", error.message)
        return 0
    return created + replaced
