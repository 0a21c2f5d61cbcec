"""Celery tasks: each takes ids, calls one service, and is safe to run twice."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(name="logistics.tasks.process_delivery")
def process_delivery(delivery_id: int) -> str:
    return services.delivery_process(delivery_id=delivery_id)


@shared_task(name="logistics.tasks.process_deliveries")
def process_deliveries(slot: int) -> int:
    return services.deliveries_drain(slot=slot)


@shared_task(name="logistics.tasks.process_waiting_deliveries")
def process_waiting_deliveries() -> int:
    return services.deliveries_process_waiting()


@shared_task(name="logistics.tasks.match_unmatched")
def match_unmatched(tracking_number: str) -> int:
    return services.deliveries_match_unmatched(tracking_number=tracking_number)


@shared_task(name="logistics.tasks.match_order")
def match_order(order_id: int) -> int:
    return services.deliveries_match_order(order_id=order_id)


@shared_task(name="logistics.tasks.match_unmatched_sweep")
def match_unmatched_sweep() -> int:
    return services.deliveries_match_sweep()


@shared_task(name="logistics.tasks.act_on_exception")
def act_on_exception(exception_id: int) -> bool:
    return services.exception_act(exception_id=exception_id)


@shared_task(name="logistics.tasks.exceptions_sweep")
def exceptions_sweep() -> dict[str, int]:
    opened = services.exceptions_sweep()
    acted = services.exceptions_act_due()
    return {"opened": opened, "acted": acted}


@shared_task(name="logistics.tasks.purge_deliveries")
def purge_deliveries() -> int:
    return services.deliveries_purge()
