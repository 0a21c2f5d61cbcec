"""Every write of the policies app: requests, decisions, the approval SLA, exchange rates."""

from .approval_deadlines import approvals_sweep
from .decisions import compensation_request_decide
from .rates import RateUsed, clean_amount, exchange_rate_for, exchange_rates_import, latest_rate, rate_day, usd_value
from .rates_feed import FeedError, exchange_rates_refresh
from .requests import authority_of, committed_usd, compensation_request_create

__all__ = [
    "FeedError",
    "RateUsed",
    "approvals_sweep",
    "authority_of",
    "clean_amount",
    "committed_usd",
    "compensation_request_create",
    "compensation_request_decide",
    "exchange_rate_for",
    "exchange_rates_import",
    "exchange_rates_refresh",
    "latest_rate",
    "rate_day",
    "usd_value",
]
