"""The chat queue as visitors and agents live it: places by priority and arrival, told as they change
(a place that grows says why), accepting within one's seats, transferring with a note, ending with a
transcript and a rating that lands in the survey data."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse

from chat import services
from chat.models import ChatConversation, ChatSeat, ChatState
from feedback.models import SurveyInvitation, SurveyResponse
from feedback.services import invitations_send_due
from helpdesk.errors import ServiceError
from tickets.models import MessageKind, Priority, Status
from tickets.services import message_add_reply, ticket_set_priority

from .conftest import kinds

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


def queue_events(widget):
    return [e["payload"] for e in widget.events() if e["kind"] == "queue"]


def started(make_widget, n, clock, language="en"):
    widgets = []
    for i in range(n):
        widget = make_widget(language)
        assert widget.start(f"Question {i}").status_code == 201
        widgets.append(widget)
        clock.shift(timedelta(seconds=30))
    return widgets, list(ChatConversation.objects.order_by("pk"))


def test_places_follow_arrival_and_a_more_urgent_chat_goes_ahead_with_its_reason(make_widget, clock, actors):
    (first, second, third), chats = started(make_widget, 3, clock)
    assert services.chat_queue_announce() == 3
    assert [queue_events(w)[-1]["position"] for w in (first, second, third)] == [1, 2, 3]
    assert services.chat_queue_announce() == 0  # nothing changed: nobody is told twice

    ticket_set_priority(ticket=chats[2].ticket, priority=Priority.URGENT, actor=actors.l1)
    services.chat_queue_announce()

    pushed = queue_events(first)[-1]
    assert (pushed["position"], pushed["reason"]) == (2, "priority")
    assert pushed["text"].startswith("A more urgent request was placed ahead of you.")
    assert queue_events(third)[-1]["position"] == 1


def test_an_accepted_chat_leaves_the_queue_and_the_others_move_up(make_widget, clock, actors):
    (first, second), chats = started(make_widget, 2, clock)
    services.chat_queue_announce()

    taken = services.chat_accept(agent=actors.l1)
    services.chat_queue_announce()

    assert taken.pk == chats[0].pk and taken.state == ChatState.ACTIVE
    assert taken.ticket.assignee == actors.l1
    assert kinds(first.events())[-1] == "joined"
    assert queue_events(second)[-1]["position"] == 1 and queue_events(second)[-1]["reason"] == ""


def test_an_agent_takes_no_more_chats_than_their_seats(make_widget, clock, actors):
    started(make_widget, 3, clock)
    ChatSeat.objects.create(user=actors.l1, seats=2)
    services.chat_accept(agent=actors.l1)
    services.chat_accept(agent=actors.l1)
    with pytest.raises(ServiceError, match="2 chats"):
        services.chat_accept(agent=actors.l1)
    assert services.chats_open_count(actors.l1) == 2


def test_the_next_chat_is_one_in_a_language_the_agent_speaks(make_widget, clock, actors):
    started(make_widget, 1, clock, language="fr")  # l2 speaks French, l1 does not
    german = make_widget("de")
    german.start("Wo ist mein Paket? Es ist seit einer Woche unterwegs.", email="jonas@example.de", name="Jonas")
    assert services.chat_accept(agent=actors.l1).language == "de"


def test_two_agents_cannot_take_the_same_chat(make_widget, clock, actors):
    _widgets, (chat,) = started(make_widget, 1, clock)
    services.chat_accept(agent=actors.l1, conversation=chat)
    with pytest.raises(ServiceError, match="no longer waiting"):
        services.chat_accept(agent=actors.l2, conversation=chat)


def test_transfer_to_a_colleague_or_back_to_a_teams_queue_with_a_note(make_widget, clock, actors, teams):
    (widget,), (chat,) = started(make_widget, 1, clock)
    services.chat_accept(agent=actors.l1, conversation=chat)
    with pytest.raises(ServiceError):
        services.chat_transfer(actor=actors.l1, conversation=chat, note="", agent=actors.l2)

    services.chat_transfer(actor=actors.l1, conversation=chat, note="Wants a refund, L2 please", agent=actors.l2)
    chat.refresh_from_db()
    assert (chat.agent, chat.ticket.assignee) == (actors.l2, actors.l2)
    assert chat.ticket.messages.filter(kind=MessageKind.NOTE, body__contains="L2 please").exists()
    assert kinds(widget.events())[-1] == "transferred"

    services.chat_transfer(actor=actors.l2, conversation=chat, note="Asia handles this shop", team=teams.asia)
    chat.refresh_from_db()
    assert (chat.state, chat.ticket.team, chat.ticket.assignee) == (ChatState.QUEUED, teams.asia, None)
    services.chat_queue_announce()
    assert queue_events(widget)[-1]["position"] == 1


def test_an_agent_who_replies_without_accepting_takes_the_chat(make_widget, clock, actors):
    (widget,), (chat,) = started(make_widget, 1, clock)
    message_add_reply(ticket=chat.ticket, author=actors.l1, body="Hi, I am here.")
    chat.refresh_from_db()
    assert (chat.state, chat.agent) == (ChatState.ACTIVE, actors.l1)
    assert kinds(widget.events())[-2:] == ["joined", "message"]


def test_the_end_solves_the_ticket_sends_the_transcript_and_the_rating_is_a_survey_answer(
    make_widget, clock, actors, django_capture_on_commit_callbacks
):
    (widget,), (chat,) = started(make_widget, 1, clock, language="de")
    services.chat_accept(agent=actors.l1, conversation=chat)
    message_add_reply(ticket=chat.ticket, author=actors.l1, body="Ihr Paket kommt morgen.")
    assert widget.post("rating", {"rating": 5}).status_code == 400  # not before the end

    with django_capture_on_commit_callbacks(execute=True):
        ended = widget.post("end", {"transcript": True})
    assert ended.json()["conversation"]["state"] == "ended"
    chat.refresh_from_db()
    assert chat.ticket.status == Status.SOLVED
    transcript = mail.outbox[-1]
    assert transcript.to == ["mei@example.com"]
    assert "Ihr Paket kommt morgen." in transcript.body and "Question 0" in transcript.body

    assert widget.post("rating", {"rating": 6}).status_code == 400
    assert widget.post("rating", {"rating": 4, "comment": "Schnell"}).status_code == 204
    assert widget.post("rating", {"rating": 5}).status_code == 204  # changing it keeps one answer
    response = SurveyResponse.objects.get()
    assert (response.rating, response.answers, response.agent) == (5, 2, actors.l1)
    clock.shift(timedelta(days=3))
    sent_before = len(mail.outbox)
    invitations_send_due()
    assert len(mail.outbox) == sent_before  # no emailed survey after a rating in the chat
    assert SurveyInvitation.objects.count() == 1


def test_a_reply_the_visitor_does_not_see_goes_by_email_once(
    make_widget, clock, actors, settings, django_capture_on_commit_callbacks
):
    settings.CHAT_UNSEEN_EMAIL_SECONDS = 120
    (seen_widget, _away_widget), (seen, away) = started(make_widget, 2, clock)
    for chat in (seen, away):
        services.chat_accept(agent=actors.l1, conversation=chat)
        message_add_reply(ticket=chat.ticket, author=actors.l1, body=f"Answer for chat {chat.pk}")
    last_seq = seen_widget.events()[-1]["seq"]
    assert seen_widget.post("read", {"seq": last_seq}).status_code == 204
    mail.outbox.clear()

    clock.shift(timedelta(seconds=60))
    assert services.chat_unseen_replies_email() == 0  # not yet
    clock.shift(timedelta(seconds=90))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.chat_unseen_replies_email() == 1
    assert services.chat_unseen_replies_email() == 0  # once
    assert [m.body.split("\n")[0] for m in mail.outbox] == [f"Answer for chat {away.pk}"]


def test_the_console_shows_the_queue_and_accepts(client, make_widget, clock, actors):
    started(make_widget, 2, clock)
    client.force_login(actors.l1)
    page = client.get(reverse("chat:console"))
    assert page.status_code == 200
    assert page.content.decode().count('data-chat="') == 2

    accepted = client.post(reverse("chat:accept"))
    chat = ChatConversation.objects.get(state=ChatState.ACTIVE)
    assert accepted.status_code == 302 and accepted["Location"] == chat.ticket.get_absolute_url()
    ticket_page = client.get(chat.ticket.get_absolute_url())
    assert 'id="panel-chat"' in ticket_page.content.decode()
    client.force_login(actors.other_team_agent)
    assert client.post(reverse("chat:end", args=[chat.pk])).status_code == 404


def test_a_customer_a_segment_ranks_higher_goes_first(make_widget, clock, actors):
    """A VIP segment's place in the chat queue (an admin's rule) puts its members ahead, with the
    reason told to those who move back."""
    from django.utils import timezone

    from insights.models import Segment, SegmentMembership
    from insights.services.segments import cares_refresh
    from tickets.models import Customer

    (first,), _chats = started(make_widget, 1, clock)
    vip = Customer.objects.create(name="Vera", email="vip@example.com", language="en")
    segment = Segment.objects.create(name="VIP", slug="vip", rule={"all": []}, chat_rank=10)
    SegmentMembership.objects.create(segment=segment, customer=vip, since=timezone.now())
    cares_refresh(customer_ids=[vip.pk])
    services.chat_queue_announce()
    clock.shift(timedelta(minutes=1))

    vip_widget = make_widget()
    vip_widget.start("Hello, where is my order?", email="vip@example.com", name="Vera")
    services.chat_queue_announce()

    assert queue_events(vip_widget)[-1]["position"] == 1
    moved = queue_events(first)[-1]
    assert (moved["position"], moved["reason"]) == (2, "priority")
