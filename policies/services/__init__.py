"""Every write of the policies app: requests, decisions, the approval SLA, exchange rates."""

from .decisions import compensation_request_decide
from .rates import clean_amount, exchange_rate_of_day, exchange_rates_import, usd_value
from .requests import authority_of, committed_usd, compensation_request_create
from .sla import approvals_sweep

__all__ = [
    "approvals_sweep",
    "authority_of",
    "clean_amount",
    "committed_usd",
    "compensation_request_create",
    "compensation_request_decide",
    "exchange_rate_of_day",
    "exchange_rates_import",
    "usd_value",
]
