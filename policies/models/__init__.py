from .rates import ExchangeRate
from .requests import (
    COUNTED_STATES,
    PENDING_Q,
    CompensationGrant,
    CompensationRequest,
    CouponType,
    Decision,
    DecisionLog,
    Kind,
    MessageMode,
    Reason,
    RecordIsFinal,
    RequestState,
)
from .tiers import TierAuthority

__all__ = [
    "COUNTED_STATES",
    "PENDING_Q",
    "CompensationGrant",
    "CompensationRequest",
    "CouponType",
    "Decision",
    "DecisionLog",
    "ExchangeRate",
    "Kind",
    "MessageMode",
    "Reason",
    "RecordIsFinal",
    "RequestState",
    "TierAuthority",
]
