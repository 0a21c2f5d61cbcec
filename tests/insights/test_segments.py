"""Segments are rules an admin writes; members follow the profiles; a VIP's new ticket gets a higher
priority, a tighter first-response target and a senior agent."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from helpdesk.errors import ServiceError
from insights.models import Segment, SegmentMembership
from insights.rules import validate_rule
from insights.services.profiles import profiles_refresh
from insights.services.segments import cares_refresh, segment_memberships_refresh, segment_save, segments_delete
from tests.factories import CustomerFactory, OrderFactory
from tickets.models import Channel, Customer, Metric, Priority, SlaClock
from tickets.services import NO_CARE, Care, care_for, customer_merge, customers_care_set, ticket_create

pytestmark = pytest.mark.django_db

VIP_RULE = [{"field": "spend_12m_usd", "op": ">=", "value": 1000}]


@pytest.mark.parametrize(
    "rule",
    [
        [],
        VIP_RULE,
        [{"field": "rating_avg", "op": "<", "value": "2.5"}, {"field": "complaints_recent", "op": ">=", "value": 2}],
        [{"field": "customer_since", "op": "within_days", "value": 30}],
        [{"field": "last_contact_at", "op": "is_empty", "value": True}],
    ],
)
def test_valid_rules_are_accepted(rule):
    assert validate_rule(rule) == rule


@pytest.mark.parametrize(
    ("rule", "says"),
    [
        ({"field": "orders"}, "list of conditions"),
        ([{"field": "password", "op": ">", "value": 1}], "unknown field password"),
        ([{"field": "orders", "op": "within_days", "value": 1}], "does not apply to a number"),
        ([{"field": "orders", "op": ">", "value": "lots"}], "must be a number"),
        ([{"field": "orders", "op": ">", "value": True}], "must be a number"),
        ([{"field": "last_order_at", "op": ">", "value": 3}], "does not apply to a date"),
        ([{"field": "last_order_at", "op": "within_days", "value": -3}], "whole number of days"),
        ([{"field": "orders", "op": ">"}], "exactly"),
    ],
)
def test_invalid_rules_are_refused_with_a_clear_message(rule, says):
    with pytest.raises(ServiceError) as refused:
        validate_rule(rule)
    assert says in refused.value.message
    assert refused.value.field == "rule"


@pytest.fixture
def vip_setup(clock, actors, teams):
    teams.europe.auto_assign = True
    teams.europe.save()
    vip = CustomerFactory(name="Victoria", email="vip@example.com", language="en", country="DE")
    plain = CustomerFactory(name="Paul", email="paul@example.com", language="en", country="DE")
    OrderFactory(customer=vip, currency="USD", total=Decimal("1500"), placed_at=clock_now() - timedelta(days=20))
    OrderFactory(customer=plain, currency="USD", total=Decimal("80"), placed_at=clock_now() - timedelta(days=20))
    profiles_refresh()
    segment = segment_save(
        segment=Segment(
            name="VIP",
            slug="vip",
            rule=VIP_RULE,
            priority_bump=1,
            first_response_minutes=2,
            route_min_tier="L3",
            chat_rank=10,
        )
    )
    return segment, vip, plain


def clock_now() -> datetime:
    from django.utils import timezone

    return timezone.now()


def test_members_are_those_whose_figures_match(vip_setup):
    segment, vip, plain = vip_setup

    assert list(SegmentMembership.objects.filter(segment=segment).values_list("customer_id", flat=True)) == [vip.pk]
    assert care_for(vip.pk).queue_rank == 10
    assert care_for(plain.pk).queue_rank == 0


def test_a_customer_leaves_the_segment_when_the_figures_no_longer_match(vip_setup):
    segment, _vip, _plain = vip_setup
    segment.rule = [{"field": "spend_12m_usd", "op": ">=", "value": 5000}]
    segment.save()

    segment_memberships_refresh()

    assert not SegmentMembership.objects.filter(segment=segment).exists()


def test_a_vips_new_ticket_gets_higher_priority_a_tighter_target_and_a_senior_agent(vip_setup, actors):
    _segment, vip, _plain = vip_setup

    ticket = ticket_create(customer=vip, subject="Where is it?", body="My parcel", channel=Channel.WEB)

    assert ticket.priority == Priority.HIGH
    first_response = SlaClock.objects.get(ticket=ticket, metric=Metric.FIRST_RESPONSE)
    assert first_response.target_minutes == 2
    ticket.refresh_from_db()
    assert ticket.assignee.agent_profile.tier == "L3"


def test_another_customers_ticket_keeps_the_usual_handling(vip_setup, actors):
    _segment, _vip, plain = vip_setup

    ticket = ticket_create(customer=plain, subject="Where is it?", body="My parcel", channel=Channel.WEB)

    assert ticket.priority == Priority.NORMAL
    assert SlaClock.objects.get(ticket=ticket, metric=Metric.FIRST_RESPONSE).target_minutes == 3
    ticket.refresh_from_db()
    assert ticket.assignee.agent_profile.tier == "L1"  # the least recently given, as for everyone


def test_an_inactive_segment_changes_nothing(vip_setup):
    segment, vip, _plain = vip_setup
    segment.is_active = False
    segment_save(segment=segment)

    ticket = ticket_create(customer=vip, subject="Hello", body="Hi", channel=Channel.WEB)

    assert ticket.priority == Priority.NORMAL
    assert not SegmentMembership.objects.filter(segment=segment).exists()


def test_the_segment_shows_on_the_ticket_page(vip_setup, actors, client):
    _segment, vip, _plain = vip_setup
    ticket = ticket_create(customer=vip, subject="Hello", body="Hi", channel=Channel.WEB)
    client.force_login(actors.l1)

    page = client.get(ticket.get_absolute_url()).content.decode()

    assert 'segment-badge">VIP<' in page


def test_the_admin_refuses_an_invalid_rule(actors, client):
    client.force_login(actors.admin)

    response = client.post(
        "/admin/insights/segment/add/",
        {
            "name": "Broken",
            "slug": "broken",
            "rule": '[{"field": "nope", "op": ">", "value": 1}]',
            "is_active": "on",
            "position": 0,
            "priority_bump": 0,
            "chat_rank": 0,
        },
    )

    assert response.status_code == 200
    assert "unknown field nope" in response.content.decode()
    assert not Segment.objects.exists()


def test_dates_in_rules_count_days_back_from_now(clock, actors):
    clock.move_to(datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    profiles_refresh(customer_ids=[actors.customer.pk])
    new = segment_save(
        segment=Segment(name="New", slug="new", rule=[{"field": "customer_since", "op": "within_days", "value": 30}])
    )
    assert SegmentMembership.objects.filter(segment=new, customer=actors.customer).exists()

    clock.move_to(datetime(2026, 4, 15, 8, 0, tzinfo=UTC))
    segment_memberships_refresh()

    assert not SegmentMembership.objects.filter(segment=new).exists()


def test_a_segment_stored_with_a_broken_rule_does_not_stop_the_others(vip_setup):
    vip_segment, vip, _plain = vip_setup
    Segment.objects.create(name="Broken", slug="broken", rule=[{"field": "nope", "op": ">", "value": 1}])
    SegmentMembership.objects.all().delete()

    segment_memberships_refresh()

    assert list(SegmentMembership.objects.values_list("segment_id", "customer_id")) == [(vip_segment.pk, vip.pk)]


def stored_care(customer):
    return (
        Customer.objects.filter(pk=customer.pk)
        .values_list("care_priority_bump", "care_first_response_minutes", "care_min_tier", "care_queue_rank")
        .get()
    )


def test_the_care_a_segment_asks_for_is_stored_with_its_members_and_follows_the_segment(vip_setup):
    segment, vip, plain = vip_setup
    assert stored_care(vip) == (1, 2, "L3", 10)
    assert stored_care(plain) == (0, None, "", 0)

    segment.priority_bump = 2
    segment.first_response_minutes = None
    segment_save(segment=segment)
    assert stored_care(vip) == (2, None, "L3", 10)

    segments_delete(segments=[segment])
    assert care_for(vip.pk) == NO_CARE and stored_care(vip) == (0, None, "", 0)


def test_a_second_segment_combines_and_the_nightly_refresh_mends_a_stale_care(vip_setup):
    _segment, vip, plain = vip_setup
    segment_save(
        segment=Segment(
            name="Buyers",
            slug="buyers",
            rule=[{"field": "spend_12m_usd", "op": ">=", "value": 50}],
            first_response_minutes=1,
            chat_rank=3,
        )
    )
    assert stored_care(vip) == (1, 1, "L3", 10)  # the tightest target, the most senior tier, the highest rank
    assert stored_care(plain) == (0, 1, "", 3)

    stranger = CustomerFactory(name="Sam")  # in no segment
    # left stale by a failed write
    customers_care_set({vip.pk: NO_CARE, plain.pk: care_for(vip.pk), stranger.pk: Care(queue_rank=5)})
    segment_memberships_refresh()  # the nightly run
    assert (stored_care(vip), stored_care(plain)) == ((1, 1, "L3", 10), (0, 1, "", 3))
    assert stored_care(stranger) == (0, None, "", 0)
    assert cares_refresh() == 0  # rows already right are not written again


def test_a_merged_customer_keeps_the_care_either_record_had_and_one_membership(vip_setup, actors):
    segment, vip, plain = vip_setup
    other = CustomerFactory(name="Victoria", phone="+4915112345678")
    SegmentMembership.objects.create(segment=segment, customer=other, since=clock_now())
    customers_care_set({plain.pk: Care(first_response_minutes=1), other.pk: care_for(vip.pk)})

    merged = customer_merge(source=vip, target=plain, actor=actors.l1)
    assert stored_care(merged) == (1, 1, "L3", 10)

    customer_merge(source=other, target=merged, actor=actors.l1)  # both in the segment
    assert list(SegmentMembership.objects.filter(segment=segment).values_list("customer_id", flat=True)) == [plain.pk]
