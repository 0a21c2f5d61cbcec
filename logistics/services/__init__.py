"""Every write of the logistics app. The webhook endpoint stores (intake); a task processes
(tracking); rules find exceptions (detection); exceptions are acted on once (alerts)."""

from .alerts import exception_act, exceptions_act_due
from .carriers import carrier_guess, carriers_matching
from .detection import exceptions_evaluate, exceptions_sweep
from .intake import Intake, delivery_receive
from .maintenance import deliveries_purge
from .matching import deliveries_match_order, deliveries_match_sweep, deliveries_match_unmatched
from .processing import (
    deliveries_drain,
    deliveries_process_again,
    deliveries_process_batch,
    deliveries_process_waiting,
    delivery_process,
    processing_wake,
)
from .rules import rule_for, rules_cache_clear
from .shipments import shipment_add, shipment_correct
from .tracking import shipment_apply_update, shipment_set_status

__all__ = [
    "Intake",
    "carrier_guess",
    "carriers_matching",
    "deliveries_drain",
    "deliveries_match_order",
    "deliveries_match_sweep",
    "deliveries_match_unmatched",
    "deliveries_process_again",
    "deliveries_process_batch",
    "deliveries_process_waiting",
    "deliveries_purge",
    "delivery_process",
    "delivery_receive",
    "exception_act",
    "exceptions_act_due",
    "exceptions_evaluate",
    "exceptions_sweep",
    "processing_wake",
    "rule_for",
    "rules_cache_clear",
    "shipment_add",
    "shipment_apply_update",
    "shipment_correct",
    "shipment_set_status",
]
