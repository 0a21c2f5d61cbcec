"""How a customer's standing changes the handling of their new tickets, without tickets knowing why.

An app above tickets (insights: segments) registers a provider in its AppConfig.ready():

    from tickets.services.customer_care import register_care_provider
    register_care_provider(care_for_customer)

`provider(customer_id)` returns a Care, or None. Several providers combine: the largest priority bump,
the tightest first-response target and the most senior tier win. With no provider, nothing changes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..models import Priority, Tier

TIER_RANK: dict[str, int] = {Tier.L1.value: 1, Tier.L2.value: 2, Tier.L3.value: 3}


@dataclass(frozen=True)
class Care:
    priority_bump: int = 0  # steps above the priority the ticket arrived with (capped at Urgent)
    first_response_minutes: int | None = None  # a tighter first-response target, if any
    min_tier: str = ""  # "L2" or "L3": give the ticket to an agent of that tier or above when one is on shift

    def combine(self, other: Care) -> Care:
        minutes = [m for m in (self.first_response_minutes, other.first_response_minutes) if m]
        return Care(
            priority_bump=max(self.priority_bump, other.priority_bump),
            first_response_minutes=min(minutes) if minutes else None,
            min_tier=max((self.min_tier, other.min_tier), key=lambda t: TIER_RANK.get(t, 0)),
        )


NO_CARE = Care()
_PROVIDERS: dict[str, Callable[[int], Care | None]] = {}


def register_care_provider(name: str, provider: Callable[[int], Care | None]) -> None:
    _PROVIDERS[name] = provider


def unregister_care_provider(name: str) -> None:
    _PROVIDERS.pop(name, None)


def care_for(customer_id: int) -> Care:
    care = NO_CARE
    for provider in _PROVIDERS.values():
        found = provider(customer_id)
        if found is not None:
            care = care.combine(found)
    return care


def raised_priority(priority: int, care: Care) -> int:
    return min(int(Priority.URGENT), int(priority) + max(0, care.priority_bump))


def tighter_first_response(minutes: int, care: Care) -> int:
    return min(minutes, care.first_response_minutes) if care.first_response_minutes else minutes


def meets_tier(tier: str, care: Care) -> bool:
    return TIER_RANK.get(tier, 0) >= TIER_RANK.get(care.min_tier, 0)
