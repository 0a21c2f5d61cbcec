"""What an exception does: a proactive logistics ticket (or a note on the open one: never two open
for one order), the customer's email due at once in their language, and a 5 % coupon proposed
through the compensation rules (tier limit, per-order total, supervisor approval)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import translation
from django.utils.translation import gettext, ngettext

from logistics import tasks
from logistics.models import Shipment, ShipmentException
from tickets.models import Channel, MessageKind, OutboundEmail, Priority, Status, Ticket
from tickets.services import emails_send_due, ticket_create

from .helpers import aftership_single, aftership_with, checkpoint, fixture_body

pytestmark = pytest.mark.django_db

CUSTOMS_START = datetime(2026, 10, 4, 7, 0, tzinfo=UTC)
DETECTED = CUSTOMS_START + timedelta(hours=73)


@pytest.fixture
def clock_start() -> datetime:
    return CUSTOMS_START + timedelta(hours=2)


def _customs_held(webhook, clock) -> ShipmentException:
    """Lena's parcel (order EX2000001, to Germany) held in customs 73 hours; the sweep finds it."""
    webhook("aftership", fixture_body("aftership_customs.json"))
    clock.move_to(DETECTED)
    tasks.exceptions_sweep()
    return ShipmentException.objects.get(kind="customs_held")


def _notices():
    return OutboundEmail.objects.filter(key__startswith="logistics-notice:").order_by("pk")


def _lost(webhook, number: str = "YT2627400000000019", event_id: str = "lost") -> ShipmentException:
    body = aftership_single(
        number,
        "yunexpress",
        "2026-10-07T10:00:00+02:00",
        tag="Exception",
        subtag="Exception_013",
        event_id=event_id,
        message="Parcel lost",
    )
    webhook("aftership", body)
    return ShipmentException.objects.filter(kind="lost").latest("pk")


# --- the proactive ticket ------------------------------------------------------------------------


def test_an_exception_opens_a_proactive_logistics_ticket_for_the_order(webhook, shop, clock, teams):
    exception = _customs_held(webhook, clock)

    ticket = exception.ticket
    assert ticket.channel == Channel.SYSTEM
    assert ticket.category.slug == "logistics"
    assert ticket.order == shop.aftership_order
    assert ticket.customer == shop.customer
    assert ticket.language == "de"
    assert ticket.team == teams.europe
    assert ticket.priority == Priority.NORMAL
    with translation.override("de"):  # the subject travels with replies: in the customer's language
        assert ticket.subject == gettext("Delivery of your order %(order)s") % {"order": "EX2000001"}
    assert not ticket.messages.filter(kind=MessageKind.CUSTOMER).exists()  # the customer wrote nothing
    assert "held in customs for 73 h" in ticket.messages.filter(kind=MessageKind.NOTE).first().body
    assert "YT2627400000000019" in ticket.messages.get(kind=MessageKind.SYSTEM).body
    # The facts a logistics ticket needs are already there: nobody asks the customer for them.
    assert ticket.facts == {
        "tracking_number": "YT2627400000000019",
        "destination_country": "DE",
        "ship_date": "2026-10-02",
    }
    assert exception.acted_at == DETECTED


def test_a_second_exception_on_the_order_joins_the_open_ticket_as_a_note(webhook, shop, clock, eur_rate):
    first = _customs_held(webhook, clock)
    second = _lost(webhook, number="YT2627400000000035", event_id="second-parcel-lost")  # another parcel

    assert second.ticket == first.ticket
    assert Ticket.objects.filter(order=shop.aftership_order).count() == 1
    alerts = first.ticket.messages.filter(kind=MessageKind.NOTE, body__startswith="Tracking alert")
    assert [note.body.split(".")[0] for note in alerts] == [
        "Tracking alert: Held in customs too long",
        "Tracking alert: Lost",
    ]


def test_an_open_logistics_ticket_the_customer_opened_is_joined(webhook, shop, clock, categories):
    mine = ticket_create(
        customer=shop.customer,
        subject="Wo ist mein Paket?",
        body="Seit Tagen nichts.",
        channel=Channel.WEB,
        category=categories.logistics,
        order=shop.aftership_order,
    )

    exception = _customs_held(webhook, clock)

    assert exception.ticket == mine
    assert Ticket.objects.filter(order=shop.aftership_order).count() == 1
    assert mine.messages.filter(kind=MessageKind.NOTE).exists()


def test_after_the_ticket_is_solved_a_new_exception_opens_a_linked_follow_up(webhook, shop, clock):
    first = _customs_held(webhook, clock)
    Ticket.objects.filter(pk=first.ticket_id).update(status=Status.SOLVED)

    second = _lost(webhook)

    assert second.ticket != first.ticket
    assert second.ticket.follow_up_of == first.ticket
    assert second.ticket.priority == Priority.HIGH  # the lost-parcel rule's priority


# --- the customer's email within two hours -----------------------------------------------------


def test_the_customer_is_emailed_at_once_in_their_language_with_the_expected_delay(webhook, shop, clock):
    exception = _customs_held(webhook, clock)

    outbound = _notices().get()
    assert outbound.to == "lena@example.de"
    assert outbound.ticket == exception.ticket
    assert outbound.due_at <= exception.detected_at + timedelta(hours=2)
    assert outbound.due_at == DETECTED  # due now, not in two hours
    assert "EX2000001" in outbound.subject
    assert outbound.subject.startswith(f"[{exception.ticket.reference}]")
    assert "YT2627400000000019" in outbound.body_text
    with translation.override("de"):  # the ticket's (Lena's) language, whatever the catalogue holds
        delay = ngettext("We expect a delay of about %(days)s day.", "We expect a delay of about %(days)s days.", 3) % {
            "days": 3
        }
    assert delay in outbound.body_text  # the rule's expected delay
    assert "4. Oktober 2026" in outbound.body_text  # dates in German: held since 4 October
    assert '<html lang="de">' in outbound.body_html

    assert emails_send_due() >= 0
    sent = [m for m in mail.outbox if m.to == ["lena@example.de"] and "EX2000001" in m.subject]
    assert len(sent) == 1


def test_with_the_broker_down_the_sweep_still_tells_the_customer_within_two_hours(webhook, shop, clock, monkeypatch):
    def broker_down(*args, **kwargs):
        raise ConnectionError("redis is down")

    monkeypatch.setattr(tasks.act_on_exception, "apply_async", broker_down)
    body = aftership_with(
        "aftership_customs.json",
        checkpoint("2026-10-04T10:00:00+02:00", "Exception", "Exception_006", "Duties unpaid"),
        tag="Exception",
        subtag="Exception_006",
        event_id="duties",
    )
    webhook("aftership", body)
    exception = ShipmentException.objects.get(kind="duties_held")
    assert exception.acted_at is None
    assert not OutboundEmail.objects.exists()

    clock.shift(timedelta(minutes=10))  # the next beat of the sweep
    assert tasks.exceptions_sweep()["acted"] == 1

    outbound = _notices().get()
    assert outbound.due_at - exception.detected_at <= timedelta(hours=2)
    with translation.override("de"):
        said = gettext(
            "Customs is holding your parcel %(number)s until the import duties are paid. %(carrier_name)s or the "
            "customs office will tell you how to pay them; tell us if you need help."
        ) % {"number": "YT2627400000000019", "carrier_name": "YunExpress"}
    assert said in outbound.body_text


def test_acting_twice_emails_once(webhook, shop, clock):
    from logistics.services import exception_act

    exception = _customs_held(webhook, clock)

    assert exception_act(exception_id=exception.pk) is False
    assert _notices().count() == 1


def test_a_rule_can_keep_quiet_towards_the_customer(webhook, shop, clock):
    from logistics.models import ExceptionRule

    rule = ExceptionRule.objects.get(kind="customs_held", destination_country="", service_type="")
    rule.notify_customer = False
    rule.save()

    exception = _customs_held(webhook, clock)

    assert exception.ticket is not None
    assert not exception.customer_notified
    assert not _notices().exists()


# --- the 5 % coupon, through the compensation rules --------------------------------------------


def _coupon_sentence(code: str = "") -> str:
    with translation.override("de"):
        sentence = gettext("As an apology, here is a %(percent)s %% coupon for your next order: %(code)s")
        return sentence % {"percent": "5", "code": code}


def _requests():
    from policies.models import CompensationRequest

    return CompensationRequest.objects.all()


def test_the_coupon_within_the_automation_tier_limit_is_approved_and_its_code_emailed(webhook, shop, clock, eur_rate):
    exception = _customs_held(webhook, clock)  # order total EUR 200: 5 % is EUR 10 = USD 12.50

    request = _requests().get()
    assert (request.kind, request.coupon_type, request.coupon_percent) == ("coupon", "percent", Decimal("5.00"))
    assert request.amount == Decimal("10.000")
    assert request.state == "approved"
    assert request.requested_by.username.startswith("logistics-automation-")
    assert request.ticket == exception.ticket
    assert (exception.coupon_request_id, exception.coupon_state) == (request.pk, "approved")
    assert request.grant.coupon_code
    ours = _notices().get()
    assert _coupon_sentence(request.grant.coupon_code) in ours.body_text  # the offer in the same message
    assert not OutboundEmail.objects.filter(key=f"policies-approved:{request.pk}").exists()  # not in a second


def test_a_coupon_over_the_limit_waits_for_a_supervisor_and_is_not_promised(webhook, shop, clock, eur_rate):
    from workspace.models import Notification

    shop.aftership_order.total = Decimal("1500.00")  # 5 % = EUR 75 = USD 93.75, above L1's USD 50
    shop.aftership_order.save()

    exception = _customs_held(webhook, clock)

    request = _requests().get()
    assert request.state == "pending"
    assert request.waiting_reasons == ["over_limit"]
    assert exception.coupon_state == "pending"
    assert Notification.objects.filter(key=f"policies:pending:{request.pk}").exists()
    assert _coupon_sentence().split(":")[0] not in _notices().get().body_text


def test_what_was_already_granted_on_the_order_counts_towards_the_limit(webhook, shop, clock, eur_rate, actors):
    from policies.services import compensation_request_create

    earlier = ticket_create(
        customer=shop.customer, subject="Late", body="Late again", channel=Channel.WEB, order=shop.aftership_order
    )
    compensation_request_create(
        ticket=earlier, actor=actors.l1, kind="partial_refund", reason="late", amount="32.00"
    )  # USD 40 of L1's 50 used on this order

    _customs_held(webhook, clock)  # + USD 12.50 would make 52.50

    coupon = _requests().get(kind="coupon")
    assert coupon.state == "pending"
    assert coupon.waiting_reasons == ["over_limit"]


def test_without_a_rate_for_the_day_the_coupon_is_refused_and_the_agents_are_told(webhook, shop, clock):
    exception = _customs_held(webhook, clock)

    assert not _requests().exists()
    assert exception.coupon_state == "refused"
    note = exception.ticket.messages.filter(kind=MessageKind.NOTE).last()
    assert "could not be proposed automatically" in note.body
    assert "exchange rate" in note.body


def test_at_most_one_automatic_coupon_per_order(webhook, shop, clock, eur_rate):
    _customs_held(webhook, clock)
    clock.move_to(datetime(2026, 10, 20, tzinfo=UTC))
    tasks.exceptions_sweep()  # the same parcel now stalled too (a rule that offers a coupon)

    assert ShipmentException.objects.filter(kind="stalled").exists()
    assert _requests().count() == 1


def test_rules_without_a_coupon_propose_none(webhook, shop, clock, eur_rate):
    _lost(webhook)

    assert not _requests().exists()
    assert Shipment.objects.get().open_exception_kinds == ["lost"]


def test_a_failure_inside_the_compensation_app_still_lets_the_customer_be_told(
    webhook, shop, clock, eur_rate, monkeypatch
):
    import policies.services

    def broken(**kwargs):
        raise RuntimeError("compensation app being rebuilt")

    monkeypatch.setattr(policies.services, "compensation_request_create", broken)

    exception = _customs_held(webhook, clock)

    assert exception.coupon_state == "refused"
    assert _notices().exists()
    assert "compensation service failed" in exception.ticket.messages.filter(kind=MessageKind.NOTE).last().body
