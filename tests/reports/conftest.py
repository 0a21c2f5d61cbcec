"""A small helpdesk with known figures, on a frozen clock.

Now is 2026-03-20 12:00 UTC (20:00 in Asia/Shanghai, the support centre's zone); the default period
is 2026-02-19 to 2026-03-20. Events happen at 03:00-05:00 UTC, i.e. 11:00-13:00 in Shanghai, so
each falls on the same calendar day in both zones unless told otherwise.

Tickets (team Europe unless said; first response and solve given after creation):

    ref  created     team     agent  category   country channel  first resp  solved   status
    T1   03-02 03:00 Europe   l1     product    DE      web      2 min       4 h      closed
    T2   03-02 04:00 Europe   l1     product    DE      email    4 min       10 h     solved
    T3   03-03 03:00 Europe   l2     logistics  FR      email    6 min       20 h(*)  solved
    T4   03-03 05:00 Europe   l1     logistics  FR      phone    12 min      -        open
    T5   03-04 03:00 Europe   -      other      DE      web      -           -        new
    T6   03-02 03:00 America  other  other      US      api      30 min      2 h      solved
    T7   01-10 03:00 Europe   l1     product    DE      web      100 min     50 h     closed (before the period)
    T8   03-20 06:00 Europe   l1     product    DE      web      -           -        pending
    T9   03-18 12:00 Europe   l2     other      DE      chat     -           -        open
    T10  01-10 03:00 Europe   -      other      DE      web      -           -        new
    T11  03-10 03:00 America  -      other      US      web      -           -        open

    (*) solved 03-03 23:00 UTC, which is 03-04 07:00 in Shanghai: a solve of 03-04.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest

from feedback.models import InvitationState, SurveyInvitation, SurveyResponse
from logistics.models import ShipmentException
from policies.models import CompensationRequest, Decision, DecisionLog, RequestState
from reports.services import summary_refresh
from tests.factories import CustomerFactory, OrderFactory, TicketFactory, make_staff
from tests.logistics.factories import ShipmentFactory
from tickets.models import Metric, SlaBreach, SlaClock, Ticket, Tier

NOW = datetime(2026, 3, 20, 12, 0, tzinfo=UTC)


def at(month: int, day: int, hour: int = 3, minute: int = 0, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


@pytest.fixture
def clock_start() -> datetime:
    return NOW


def make_ticket(
    *,
    created: datetime,
    team: Any,
    category: Any,
    country: str = "DE",
    channel: str = "web",
    assignee: Any = None,
    first_response: timedelta | None = None,
    solved: timedelta | None = None,
    status: str = "open",
    order: Any = None,
) -> Ticket:
    customer = CustomerFactory(country=country)
    ticket = TicketFactory(
        team=team, category=category, customer=customer, channel=channel, assignee=assignee, status=status, order=order
    )
    Ticket.objects.filter(pk=ticket.pk).update(
        created_at=created,
        first_customer_message_at=created,
        first_response_at=created + first_response if first_response else None,
        solved_at=created + solved if solved else None,
        last_activity_at=created,
    )
    ticket.refresh_from_db()
    return ticket


def make_clock(
    ticket: Ticket,
    metric: str,
    target_minutes: int,
    met_after: timedelta | None = None,
    breached_after: timedelta | None = None,
    paused_seconds: int = 0,
) -> SlaClock:
    start = ticket.created_at
    clock = SlaClock.objects.create(
        ticket=ticket,
        metric=metric,
        target_minutes=target_minutes,
        started_at=start,
        paused_seconds=paused_seconds,
        due_at=start + timedelta(minutes=target_minutes, seconds=paused_seconds),
        met_at=start + met_after if met_after is not None else None,
        breached_at=start + breached_after if breached_after is not None else None,
    )
    if breached_after is not None:
        SlaBreach.objects.create(
            clock=clock, ticket=ticket, metric=metric, due_at=clock.due_at, recorded_at=clock.breached_at
        )
    return clock


def make_survey(ticket: Ticket, sent_at: datetime, rating: int | None, *, agent: Any, team: Any, country: str) -> None:
    invitation = SurveyInvitation.objects.create(
        ticket=ticket,
        solved_at=sent_at - timedelta(days=1),
        due_at=sent_at,
        sent_at=sent_at,
        state=InvitationState.SENT,
        agent=agent,
        team=team,
        category=ticket.category,
        language="en",
        country=country,
    )
    if rating is not None:
        SurveyResponse.objects.create(
            invitation=invitation, ticket=ticket, rating=rating, agent=agent, team=team, language="en", country=country
        )


def make_compensation(
    ticket: Ticket,
    kind: str,
    usd: str,
    *,
    by: Any,
    tier: str,
    created: datetime,
    decided: datetime | None = None,
    state: str = RequestState.APPROVED,
    automatic: bool = True,
    decider: Any = None,
    rate: str = "1",
) -> CompensationRequest:
    """A request as the services leave it: amount in the order's currency at `rate` units per USD."""
    amount_usd = Decimal(usd)
    currency = ticket.order.currency if ticket.order_id else "USD"
    request = CompensationRequest.objects.create(
        ticket=ticket,
        order=ticket.order,
        customer=ticket.customer,
        requested_by=by,
        requester_tier=tier,
        kind=kind,
        reason="late",
        currency=currency,
        amount=amount_usd * Decimal(rate),
        rate=Decimal(rate),
        rate_date=created.date(),
        amount_usd=amount_usd,
        state=state,
        created_at=created,
        decided_by=(by if automatic else decider) if decided else None,
        decided_at=decided,
    )
    if decided is not None:
        DecisionLog.objects.create(
            request=request,
            decision=Decision.APPROVED if state == RequestState.APPROVED else Decision.REJECTED,
            automatic=automatic,
            actor=by if automatic else decider,
            currency=currency,
            amount=request.amount,
            rate=request.rate,
            rate_date=request.rate_date,
            amount_usd=amount_usd,
            created_at=decided,
        )
    return request


def make_exception(ticket: Ticket | None, carrier: str, country: str, detected: datetime, resolved: bool = False):
    order = ticket.order if ticket is not None and ticket.order_id else OrderFactory()
    shipment = ShipmentFactory(order=order, destination_country=country)
    return ShipmentException.objects.create(
        shipment=shipment,
        kind="stalled",
        carrier_name=carrier,
        destination_country=country,
        detected_at=detected,
        resolved_at=detected + timedelta(days=1) if resolved else None,
        ticket=ticket,
    )


@pytest.fixture
def helpdesk(clock, actors, teams, categories):
    """The tickets of the module docstring, their SLA clocks, surveys, compensation and parcels."""
    europe, america = teams.europe, teams.america
    product, logistics, other = categories.product, categories.logistics, categories.other
    l1, l2, l3, foreign = actors.l1, actors.l2, actors.l3, actors.other_team_agent
    america_supervisor = make_staff(team=america, tier=Tier.L3, group="Supervisors", username="usa_super")
    minutes, hours = (lambda n: timedelta(minutes=n)), (lambda n: timedelta(hours=n))

    o1 = OrderFactory(currency="EUR", total=Decimal("100.00"))
    o2 = OrderFactory(currency="USD", total=Decimal("200.00"))
    o3 = OrderFactory(currency="GBP", total=Decimal("150.00"))
    t = SimpleNamespace()
    t.t1 = make_ticket(created=at(3, 2, 3), team=europe, category=product, assignee=l1, first_response=minutes(2),
                       solved=hours(4), status="closed", order=o1)  # fmt: skip
    t.t2 = make_ticket(created=at(3, 2, 4), team=europe, category=product, channel="email", assignee=l1,
                       first_response=minutes(4), solved=hours(10), status="solved", order=o2)  # fmt: skip
    t.t3 = make_ticket(created=at(3, 3, 3), team=europe, category=logistics, country="FR", channel="email", assignee=l2,
                       first_response=minutes(6), solved=hours(20), status="solved", order=o3)  # fmt: skip
    t.t4 = make_ticket(created=at(3, 3, 5), team=europe, category=logistics, country="FR", channel="phone", assignee=l1,
                       first_response=minutes(12), status="open")  # fmt: skip
    t.t5 = make_ticket(created=at(3, 4, 3), team=europe, category=other, status="new")
    t.t6 = make_ticket(created=at(3, 2, 3), team=america, category=other, country="US", channel="api", assignee=foreign,
                       first_response=minutes(30), solved=hours(2), status="solved")  # fmt: skip
    t.t7 = make_ticket(created=at(1, 10, 3), team=europe, category=product, assignee=l1, first_response=minutes(100),
                       solved=hours(50), status="closed")  # fmt: skip
    t.t8 = make_ticket(created=at(3, 20, 6), team=europe, category=product, assignee=l1, status="pending")
    t.t9 = make_ticket(created=at(3, 18, 12), team=europe, category=other, channel="chat", assignee=l2, status="open")
    t.t10 = make_ticket(created=at(1, 10, 3), team=europe, category=other, status="new")
    t.t11 = make_ticket(created=at(3, 10, 3), team=america, category=other, country="US", status="open")

    fr, res = Metric.FIRST_RESPONSE, Metric.RESOLUTION
    make_clock(t.t1, fr, 10, met_after=minutes(2))  # in time
    make_clock(t.t1, res, 2880, met_after=hours(4))  # in time
    make_clock(t.t2, fr, 3, met_after=minutes(4))  # late, though no breach was recorded
    make_clock(t.t2, res, 480, met_after=hours(10), paused_seconds=3 * 3600)  # 8 h + 3 h paused: in time
    make_clock(t.t3, fr, 5, met_after=minutes(6), breached_after=minutes(5))  # breached
    make_clock(t.t3, res, 960, met_after=hours(20), breached_after=hours(16))  # breached (03-04 in Shanghai)
    make_clock(t.t4, fr, 10, met_after=minutes(12))  # late
    make_clock(t.t4, res, 2880)  # still running: not counted
    make_clock(t.t5, fr, 3, breached_after=minutes(3))  # breached, never answered
    make_clock(t.t6, fr, 10, met_after=minutes(30))  # late
    make_clock(t.t6, res, 2880, met_after=hours(2))  # in time
    make_clock(t.t7, fr, 10, breached_after=minutes(10))  # before the period

    make_survey(t.t1, at(3, 3, 4), 5, agent=l1, team=europe, country="DE")
    make_survey(t.t2, at(3, 3, 5), 2, agent=l1, team=europe, country="DE")
    make_survey(t.t3, at(3, 5, 4), None, agent=l2, team=europe, country="FR")
    make_survey(t.t6, at(3, 3, 4), 4, agent=foreign, team=america, country="US")
    make_survey(t.t7, at(1, 12, 4), 1, agent=l1, team=europe, country="DE")

    sup = actors.supervisor
    make_compensation(
        t.t1, "partial_refund", "40.00", by=l1, tier="L1", created=at(3, 2, 5), decided=at(3, 2, 5), rate="0.8"
    )
    make_compensation(t.t2, "return_exchange", "15.00", by=l2, tier="L2", created=at(3, 2, 5), decided=at(3, 2, 5))
    make_compensation(t.t3, "full_refund", "120.00", by=l2, tier="L2", created=at(3, 4, 3), decided=at(3, 4, 3, 20),
                      automatic=False, decider=sup, rate="0.75")  # fmt: skip
    make_compensation(t.t1, "coupon", "10.00", by=l1, tier="L1", created=at(3, 3, 3), decided=at(3, 3, 3), rate="0.8")
    make_compensation(t.t4, "return_exchange", "5.00", by=l3, tier="L3", created=at(3, 5, 3), decided=at(3, 5, 4),
                      state=RequestState.REJECTED, automatic=False, decider=sup)  # fmt: skip
    make_compensation(t.t9, "gift", "20.00", by=l1, tier="L1", created=at(3, 20, 11), state=RequestState.PENDING)
    make_compensation(t.t8, "partial_refund", "30.00", by=l2, tier="L2", created=at(3, 20, 11, 50),
                      state=RequestState.PENDING)  # fmt: skip
    make_compensation(t.t6, "partial_refund", "50.00", by=foreign, tier="L2", created=at(3, 2, 3, 30),
                      decided=at(3, 2, 4, 10), automatic=False, decider=america_supervisor)  # fmt: skip
    make_compensation(t.t6, "return_exchange", "8.00", by=foreign, tier="L2", created=at(3, 2, 4, 20),
                      decided=at(3, 2, 4, 20))  # fmt: skip
    make_compensation(t.t7, "gift", "99.00", by=l1, tier="L1", created=at(1, 11), decided=at(1, 11))  # before

    make_exception(t.t1, "DHL", "DE", at(3, 5))
    make_exception(t.t2, "DHL", "DE", at(3, 6), resolved=True)
    make_exception(t.t3, "La Poste", "FR", at(3, 7))
    make_exception(t.t6, "USPS", "US", at(3, 7))
    make_exception(t.t1, "DHL", "DE", at(1, 15))  # before the period
    make_exception(None, "DHL", "DE", at(3, 8))  # no ticket: administrators only

    summary_refresh(full=True)
    return SimpleNamespace(tickets=t, america_supervisor=america_supervisor, orders=(o1, o2, o3))
