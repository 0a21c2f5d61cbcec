"""Supervisors' decisions: who may decide, finality, the append-only log, and what approval does."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core import mail
from django.db import DatabaseError, connection, transaction

from helpdesk.errors import Conflict, NotAllowed, ServiceError
from policies import services
from policies.models import CompensationGrant, DecisionLog, RecordIsFinal, RequestState
from tests.factories import make_staff
from tickets.models import MessageKind, OutboundEmail, TicketEvent
from workspace.models import Notification

from .conftest import ask

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock", "rates")]


def decide(request, actor, decision="approved", comment="Customer waited three weeks"):
    return services.compensation_request_decide(request=request, actor=actor, decision=decision, comment=comment)


@pytest.fixture
def waiting(actors, make_ticket):
    """An L1 agent's USD 80 (EUR 64) refund, above their limit: waiting."""
    request = ask(actors.l1, make_ticket(), amount="64.00")
    assert request.state == RequestState.PENDING
    return request


def test_a_supervisor_approves_with_a_reason_and_it_is_logged(actors, waiting):
    approved = decide(waiting, actors.supervisor)
    assert approved.state == RequestState.APPROVED
    log = DecisionLog.objects.get(request=waiting)
    assert (log.decision, log.actor, log.comment, log.automatic) == (
        "approved",
        actors.supervisor,
        "Customer waited three weeks",
        False,
    )
    assert (log.rate, log.amount_usd, log.currency, log.amount) == (
        Decimal("0.8"),
        Decimal("80.00"),
        "EUR",
        Decimal("64.00"),
    )
    assert CompensationGrant.objects.filter(request=waiting).count() == 1
    assert Notification.objects.filter(user=actors.l1, key=f"policies:decided:{waiting.pk}").exists()


def test_a_decision_needs_a_reason(actors, waiting):
    with pytest.raises(ServiceError) as caught:
        decide(waiting, actors.supervisor, comment="  ")
    assert caught.value.field == "comment"


def test_a_supervisor_never_decides_their_own_request(actors, make_ticket, second_supervisor):
    # given the supervisor's own request above their L3 limit
    own = ask(actors.supervisor, make_ticket(), amount="100.00")  # USD 125
    assert own.state == RequestState.PENDING
    # when they try to approve (or reject) it themselves: refused
    for decision in ("approved", "rejected"):
        with pytest.raises(NotAllowed):
            decide(own, actors.supervisor, decision=decision)
    # then another supervisor decides it
    assert decide(own, second_supervisor).state == RequestState.APPROVED


@pytest.mark.parametrize("who", ["l1", "l2", "l3"])
def test_an_agent_decides_nothing(actors, waiting, who):
    for decision in ("approved", "rejected"):
        with pytest.raises(NotAllowed):
            decide(waiting, getattr(actors, who), decision=decision)
    waiting.refresh_from_db()
    assert waiting.state == RequestState.PENDING and not DecisionLog.objects.exists()


def test_a_decided_request_cannot_be_decided_again(actors, waiting, second_supervisor):
    decide(waiting, actors.supervisor, decision="rejected", comment="Not our fault")
    for decision in ("approved", "rejected"):
        with pytest.raises(Conflict):
            decide(waiting, second_supervisor, decision=decision)
    assert DecisionLog.objects.filter(request=waiting).count() == 1
    assert not CompensationGrant.objects.exists()


def test_a_supervisor_of_another_team_decides_only_after_escalation(actors, waiting, teams):
    from helpdesk import roles
    from helpdesk.errors import NotFound

    stranger = make_staff(team=teams.america, tier="L3", group=roles.SUPERVISOR_GROUP, username="us-super")
    with pytest.raises(NotFound):
        decide(waiting, stranger)
    type(waiting).objects.filter(pk=waiting.pk).update(escalated_at=waiting.created_at)
    assert decide(waiting, stranger).state == RequestState.APPROVED


def test_decided_rows_are_final_in_the_orm(actors, waiting):
    decide(waiting, actors.supervisor)
    waiting.refresh_from_db()
    waiting.decision_comment = "rewritten"
    with pytest.raises(RecordIsFinal):
        waiting.save()
    with pytest.raises(RecordIsFinal):
        waiting.delete()
    log = DecisionLog.objects.get()
    log.comment = "rewritten"
    with pytest.raises(RecordIsFinal):
        log.save()
    with pytest.raises(RecordIsFinal):
        DecisionLog.objects.all().delete()
    with pytest.raises(RecordIsFinal):
        CompensationGrant.objects.get().delete()


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE policies_decisionlog SET comment = 'rewritten'",
        "DELETE FROM policies_decisionlog",
        "UPDATE policies_compensationgrant SET amount = 0",
        "DELETE FROM policies_compensationgrant",
        "UPDATE policies_compensationrequest SET amount = 0 WHERE state <> 'pending'",
    ],
)
def test_decided_rows_are_final_even_in_sql(actors, waiting, statement):
    decide(waiting, actors.supervisor)
    with pytest.raises(DatabaseError, match="final"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    assert DecisionLog.objects.get().comment == "Customer waited three weeks"


def test_approval_emails_the_customer_in_the_tickets_language(actors, waiting, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        decide(waiting, actors.supervisor)
    outbound = OutboundEmail.objects.get(key=f"policies-approved:{waiting.pk}")
    assert outbound.to == "lena@example.de"
    assert "64,00\xa0€" in outbound.body_text  # formatted for German readers
    assert waiting.ticket.reference in outbound.subject
    assert [m.to for m in mail.outbox] == [["lena@example.de"]]


def test_approval_records_an_event_and_the_chosen_note(actors, waiting):
    decide(waiting, actors.supervisor)
    events = TicketEvent.objects.filter(ticket=waiting.ticket).values_list("kind", flat=True)
    assert list(events) == ["compensation_requested", "compensation_approved"]
    note = waiting.ticket.messages.get()
    assert note.kind == MessageKind.NOTE and "Compensation approved" in note.body and note.author == actors.l1


def test_a_public_reply_goes_to_the_customer_when_the_agent_chose_it(actors, make_ticket):
    request = ask(
        actors.l1,
        make_ticket(),
        amount="64.00",
        message_mode="reply",
        message="Es tut uns leid! Sie erhalten 64 € zurück.",
    )
    decide(request, actors.supervisor)
    reply = request.ticket.messages.get()
    assert reply.kind == MessageKind.REPLY and reply.body.startswith("Es tut uns leid")


def test_a_coupon_gets_a_unique_code_in_the_email(actors, make_ticket, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = ask(
            actors.l1,
            make_ticket(total="100"),
            kind="coupon",
            coupon_type="percent",
            coupon_percent="5",
            coupon_valid_until="2026-12-31",
            reason="",
        )
        second = ask(
            actors.l1,
            make_ticket(total="100"),
            kind="coupon",
            coupon_type="amount",
            amount="10",
            coupon_valid_until="2026-12-31",
            reason="",
        )
    codes = list(CompensationGrant.objects.values_list("coupon_code", flat=True))
    assert len(set(codes)) == 2 and all(str(code).startswith("HD-") for code in codes)
    email = OutboundEmail.objects.get(key=f"policies-approved:{first.pk}")
    assert first.grant.coupon_code in email.body_text and "5 %" in email.body_text
    assert "10,00\xa0€" in OutboundEmail.objects.get(key=f"policies-approved:{second.pk}").body_text


def test_rejection_tells_the_agent_not_the_customer(actors, waiting):
    decide(waiting, actors.supervisor, decision="rejected", comment="Parcel was delivered on time")
    assert not OutboundEmail.objects.filter(key__startswith="policies-approved").exists()
    notice = Notification.objects.get(user=actors.l1)
    assert "rejected" in notice.text and "Parcel was delivered on time" in notice.text
    assert TicketEvent.objects.filter(ticket=waiting.ticket, kind="compensation_rejected").exists()


def test_the_decided_request_handed_back_is_the_stored_final_row(actors, waiting):
    decided = decide(waiting, actors.supervisor, decision="rejected")
    assert (decided.state, decided.decided_by, decided.decision_comment) == (
        RequestState.REJECTED,
        actors.supervisor,
        "Customer waited three weeks",
    )
    assert decided.decided_at is not None and decided.sla_due_at is None
    decided.decision_comment = "rewritten"
    with pytest.raises(RecordIsFinal):  # the service's copy is as final as a fresh read
        decided.save()
    with pytest.raises(Conflict):
        decide(decided, actors.supervisor)


def test_a_request_names_what_it_takes(actors, make_ticket):
    import inspect

    parameters = inspect.signature(services.compensation_request_create).parameters.values()
    assert all(p.kind == p.KEYWORD_ONLY for p in parameters)
    with pytest.raises(TypeError):
        services.compensation_request_create(ticket=make_ticket(), actor=actors.l1, kind="gift", colour="red")


def test_a_requester_that_tells_the_customer_itself_gets_no_second_email_for_an_immediate_grant(
    actors, make_ticket, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        at_once = ask(actors.l1, make_ticket(), amount="8.00", requester_tells_customer=True)
    assert at_once.state == RequestState.APPROVED and at_once.requester_tells_customer
    assert CompensationGrant.objects.filter(request=at_once).exists()
    assert not OutboundEmail.objects.filter(key=f"policies-approved:{at_once.pk}").exists()
    assert mail.outbox == []

    # above the requester's limit a supervisor decides later: that grant is emailed as always
    later = ask(actors.l1, make_ticket(), amount="64.00", requester_tells_customer=True)
    with django_capture_on_commit_callbacks(execute=True):
        decide(later, actors.supervisor)
    assert OutboundEmail.objects.filter(key=f"policies-approved:{later.pk}").exists()
