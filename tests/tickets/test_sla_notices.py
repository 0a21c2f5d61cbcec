"""In-app SLA notices: one per person and kind in a sweep, about the ticket when there is one, else how
many there are, in the person's language, linking to the queue sorted by deadline. The supervisors' breach
email lists the most overdue tickets, then how many more there are, linking to the same queue."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from tickets import services
from tickets.models import OutboundEmail, Ticket
from tickets.services import sla_escalation
from workspace.models import Notification

from .test_sla import T0, _ticket

pytestmark = pytest.mark.django_db

LATE = timedelta(minutes=11)  # past a complaint's 10-minute first-response target


def _arrive(actors, categories, count: int, *, assignee=None) -> list[Ticket]:
    tickets = []
    for _ in range(count):
        ticket = _ticket(actors, categories.logistics)
        if assignee is not None:
            services.ticket_assign(ticket=ticket, assignee=assignee, actor=assignee)
        tickets.append(ticket)
    return tickets


def _notices(user, kind: str) -> list[Notification]:
    return list(Notification.objects.filter(user=user, key__startswith=f"{kind}:").order_by("pk"))


def _set_language(user, language: str) -> None:
    user.agent_profile.ui_language = language
    user.agent_profile.save()


def _queue(view: str) -> str:
    return f"{reverse('tickets:queue')}?view={view}&sort=due"


def _off_shift(*users) -> None:
    for user in users:
        user.agent_profile.on_shift = False
        user.agent_profile.save()


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "3 tickets missed their SLA target."),
        ("de", "3 Tickets haben ihr SLA-Ziel verfehlt."),
        ("fr", "3 tickets ont manqué leur objectif de SLA."),
        ("es", "3 tickets no cumplieron su objetivo de SLA."),
        ("zh-hans", "3 张工单未达到 SLA 目标。"),
        ("ja", "3 件のチケットが SLA 目標を達成できませんでした。"),
    ],
)
def test_a_supervisor_gets_one_notice_for_the_teams_breaches_in_a_sweep(actors, categories, language, expected):
    _set_language(actors.supervisor, language)
    with time_machine.travel(T0, tick=False):
        tickets = _arrive(actors, categories, 3)
    with time_machine.travel(T0 + LATE, tick=False):
        assert services.sla_sweep().breached == [t.pk for t in tickets]
    [notice] = _notices(actors.supervisor, "sla-breach")
    assert notice.text == expected
    assert notice.url == _queue("team")


def test_the_link_opens_the_teams_queue_with_the_breached_tickets_first(client, actors, categories):
    with time_machine.travel(T0 - timedelta(hours=1), tick=False):
        [waiting] = _arrive(actors, categories, 1, assignee=actors.l1)
        services.message_add_reply(ticket=waiting, author=actors.l1, body="On it")  # its first response is met
    with time_machine.travel(T0, tick=False):
        tickets = _arrive(actors, categories, 2)
    with time_machine.travel(T0 + LATE, tick=False):
        services.sla_sweep()
        [notice] = _notices(actors.supervisor, "sla-breach")
        client.force_login(actors.supervisor)
        page = client.get(notice.url).context["page"]
    assert page.sort == "due"
    assert [t.pk for t in page.tickets][:2] == [t.pk for t in tickets] and waiting.pk in [t.pk for t in page.tickets]


def test_each_new_assignee_gets_one_notice_in_their_language(actors, categories):
    _off_shift(actors.l3, actors.supervisor)  # l1 and l2 share the tickets
    _set_language(actors.l1, "de")
    _set_language(actors.l2, "fr")
    with time_machine.travel(T0, tick=False):
        tickets = _arrive(actors, categories, 4)
    Ticket.objects.filter(pk__in=[t.pk for t in tickets]).update(language="en")  # both speak it
    with time_machine.travel(T0 + LATE, tick=False):
        result = services.sla_sweep()
    assert sorted(result.reassigned.values()) == sorted([actors.l1.pk, actors.l2.pk] * 2)
    [to_l1] = _notices(actors.l1, "sla-reassigned")
    [to_l2] = _notices(actors.l2, "sla-reassigned")
    assert to_l1.text == "2 Tickets, die ihr SLA-Ziel verfehlt haben, wurden Ihnen zugewiesen."
    assert to_l2.text == "2 tickets qui ont manqué leur objectif de SLA vous ont été confiés."
    assert to_l1.url == to_l2.url == _queue("mine")


def test_with_one_ticket_the_notice_is_about_that_ticket(actors, categories):
    _off_shift(actors.l2, actors.l3, actors.supervisor)
    with time_machine.travel(T0, tick=False):
        [ticket] = _arrive(actors, categories, 1)
    with time_machine.travel(T0 + LATE, tick=False):
        services.sla_sweep()
    [given] = _notices(actors.l1, "sla-reassigned")
    [breach] = _notices(actors.supervisor, "sla-breach")
    assert given.text == f"{ticket.reference} was given to you: it missed its SLA target."
    assert breach.text == f"{ticket.reference} missed its SLA target."
    assert given.url == breach.url == reverse("tickets:detail", args=[ticket.pk])


def test_one_notice_per_person_per_sweep_and_none_again(actors, categories):
    for hour in (0, 1):
        with time_machine.travel(T0 + timedelta(hours=hour), tick=False):
            _arrive(actors, categories, 2)
        for late in (LATE, LATE + timedelta(minutes=1)):  # the next sweep finds nothing new
            with time_machine.travel(T0 + timedelta(hours=hour) + late, tick=False):
                services.sla_sweep()
    texts = [n.text for n in _notices(actors.supervisor, "sla-breach")]
    assert texts == ["2 tickets missed their SLA target."] * 2
    keys = Notification.objects.filter(key__startswith="sla-").values_list("user_id", "key")
    assert len(set(keys)) == len(keys)


def test_notices_of_one_sweep_are_kept_once_if_written_again(actors, categories):
    from tickets.services.sla_escalation import notify_warnings

    with time_machine.travel(T0, tick=False):
        tickets = _arrive(actors, categories, 2, assignee=actors.l1)
    now = T0 + timedelta(minutes=8)
    for _ in range(2):
        notify_warnings([t.pk for t in tickets], now)
    assert [n.text for n in _notices(actors.l1, "sla-warn")] == ["2 tickets are close to their SLA deadline."]


def test_warnings_are_one_notice_per_assignee_and_per_supervisor(actors, categories):
    _set_language(actors.l2, "es")
    with time_machine.travel(T0, tick=False):
        _arrive(actors, categories, 3, assignee=actors.l2)
        [alone] = _arrive(actors, categories, 1, assignee=actors.l1)
        _arrive(actors, categories, 2)  # unassigned: the supervisors are told
    with time_machine.travel(T0 + timedelta(minutes=8), tick=False):
        assert len(services.sla_sweep().warned) == 6
    [to_l2] = _notices(actors.l2, "sla-warn")
    assert (to_l2.text, to_l2.url) == ("3 tickets están cerca de su plazo de SLA.", _queue("mine"))
    [to_l1] = _notices(actors.l1, "sla-warn")
    assert to_l1.text == f"{alone.reference} is close to its SLA deadline."
    [to_supervisor] = _notices(actors.supervisor, "sla-warn")
    assert (to_supervisor.text, to_supervisor.url) == (
        "2 tickets are close to their SLA deadline.",
        _queue("unassigned"),
    )


def _breach_email(user) -> OutboundEmail:
    return OutboundEmail.objects.get(to=user.email, key__startswith="sla-breaches:")


@pytest.mark.parametrize(
    ("language", "subject", "more"),
    [
        ("en", "4 tickets missed their SLA targets", "…and 2 more"),
        ("fr", "4 tickets ont manqué leurs objectifs de SLA", "…et 2 autres"),
    ],
)
def test_the_breach_email_lists_the_most_overdue_then_how_many_more(
    settings, monkeypatch, actors, categories, language, subject, more
):
    monkeypatch.setattr(sla_escalation, "BREACH_EMAIL_TICKETS", 2)
    settings.SITE_URL = "https://help.example.com"
    _set_language(actors.supervisor, language)
    tickets = []
    for minute in (3, 0, 2, 1):  # the second to arrive is the most overdue, then the fourth
        with time_machine.travel(T0 + timedelta(minutes=minute), tick=False):
            tickets += _arrive(actors, categories, 1)
    with time_machine.travel(T0 + LATE + timedelta(minutes=3), tick=False):
        assert services.sla_sweep().breached == sorted(t.pk for t in tickets)
    email = _breach_email(actors.supervisor)
    queue = "https://help.example.com" + _queue("team")
    listed = [line for line in email.body_text.splitlines() if line.startswith("- ")]
    assert [line.split()[1] for line in listed] == [tickets[1].reference, tickets[3].reference]
    assert email.subject == subject
    assert email.body_text.strip().splitlines()[-1] == f"{more} ({queue})"
    assert f'<a href="{queue.replace("&", "&amp;")}">{more}</a>' in email.body_html
    assert tickets[0].reference not in email.body_html and tickets[1].reference in email.body_html


def test_a_breach_email_that_lists_every_ticket_says_nothing_more(actors, categories):
    with time_machine.travel(T0, tick=False):
        tickets = _arrive(actors, categories, 3)
    with time_machine.travel(T0 + LATE, tick=False):
        services.sla_sweep()
    email = _breach_email(actors.supervisor)
    assert all(t.reference in email.body_text and t.reference in email.body_html for t in tickets)
    assert "more" not in email.body_text and "…" not in email.body_html
    assert email.subject == "3 tickets missed their SLA targets"
