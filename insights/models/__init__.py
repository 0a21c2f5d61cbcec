from .callbacks import CallbackOutcome, CallbackPlan, CallbackTask, CallbackTrigger
from .profiles import CustomerProfile
from .scorecards import AgentDailyStats
from .segments import Segment, SegmentMembership

__all__ = [
    "AgentDailyStats",
    "CallbackOutcome",
    "CallbackPlan",
    "CallbackTask",
    "CallbackTrigger",
    "CustomerProfile",
    "Segment",
    "SegmentMembership",
]
