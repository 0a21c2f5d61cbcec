"""A waiting app user learns their place in the queue and the expected wait, in their language, when
their wait begins and again when it changes a lot; agents see how many conversations wait per channel."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from messaging import tasks
from messaging.models import OutboundMessage, QueueMessage
from tickets.models import Message, Metric, Priority, SlaClock, Status, Ticket
from tickets.services import Arrival, Sender, intake_receive, message_add_reply, ticket_set_status
from tickets.waiting import queue_estimates, waiting_by_channel

from . import payloads as p
from .scenarios import SCENARIOS, post_text
from .test_window import GERMAN

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

JAPANESE = "注文した商品がまだ届きません。いつ届きますか？確認をお願いします。"
SLUGS = {"whatsapp": "shop-wa", "line": "shop-line", "telegram": "shop-bot"}


def arrive(team, n: int, *, priority: int = Priority.NORMAL, channel: str = "whatsapp", text: str = "Hello?"):
    """A conversation of app user n with the shop's account, straight through the intake (no webhook)."""
    if channel == "email":
        sender = Sender(email=f"user{n}@example.com", name=f"User {n}")
    else:
        sender = Sender(phone=f"+4915100000{n:02d}", app_ids={channel: f"user{n}"}, name=f"User {n}")
    return intake_receive(
        Arrival(
            channel=channel,
            sender=sender,
            conversation_key=f"{channel}:{SLUGS[channel]}:user{n}" if channel != "email" else "",
            subject=f"Conversation {n}",
            body=text,
            language="en",
            team=team,
            priority=priority,
        )
    ).ticket


def answered(ticket, agent, after: timedelta, clock) -> None:
    clock.shift(after)
    message_add_reply(ticket=ticket, author=agent, body="Hello, I am here.")


def places(estimates, *tickets):
    return [(estimates[t.pk].position, estimates[t.pk].minutes) for t in tickets]


def test_places_and_waits_follow_priority_arrival_and_the_agents_on_shift(accounts, actors, teams, clock, settings):
    settings.QUEUE_SEATS_PER_AGENT = 2
    settings.QUEUE_DEFAULT_REPLY_MINUTES = 10  # for a team with no recent first reply
    # Europe: l1, l2, l3 and the supervisor are on shift; two go on a break, leaving two agents (4 seats).
    for user in (actors.l2, actors.l3):
        user.agent_profile.on_shift = False
        user.agent_profile.save()
    answered_one = arrive(teams.europe, 3)
    answered(answered_one, actors.l1, timedelta(minutes=3), clock)  # the team's recent first reply: 3 minutes
    a = arrive(teams.europe, 1)
    clock.shift(timedelta(minutes=1))
    b = arrive(teams.europe, 2)
    clock.shift(timedelta(minutes=1))
    c = arrive(teams.europe, 4, priority=Priority.HIGH)
    d, e, f = (arrive(teams.europe, n) for n in (5, 6, 7))
    by_email = arrive(teams.europe, 8, channel="email")
    america = arrive(teams.america, 9)
    asia = arrive(teams.asia, 10, channel="telegram")  # nobody of Asia is on shift

    estimates = queue_estimates()

    assert answered_one.pk not in estimates and by_email.pk not in estimates
    # C first (high), then by arrival; 2 agents x 2 seats, 3 minutes a round: places 1-4 wait 3, 5-6 wait 6.
    assert places(estimates, c, a, b, d, e, f) == [(1, 3), (2, 3), (3, 3), (4, 3), (5, 6), (6, 6)]
    # another team's queue: its one agent is on shift, and with no recent first reply the default applies
    assert places(estimates, america) == [(1, 10)]
    assert places(estimates, asia) == [(1, None)]  # a place, but no wait to promise
    assert estimates[asia.pk].agent_available is False


def test_the_wait_follows_the_median_time_to_a_first_reply_of_the_teams_recent_conversations(
    accounts, actors, teams, clock, settings
):
    settings.QUEUE_SEATS_PER_AGENT = 1
    earlier = [arrive(teams.europe, n) for n in (1, 2, 3, 4)]
    for ticket, minutes in zip(earlier, (2, 2, 6, 0), strict=True):  # first replies after 2, 4 and 10 minutes
        answered(ticket, actors.l1, timedelta(minutes=minutes), clock)
    now = timezone.now()  # the fourth took an hour, but over a day ago: not recent
    Ticket.objects.filter(pk=earlier[3].pk).update(
        first_customer_message_at=now - timedelta(hours=26), first_response_at=now - timedelta(hours=25)
    )
    email = arrive(teams.europe, 16, channel="email")  # an email's slow first reply does not count
    answered(email, actors.l1, timedelta(minutes=1), clock)
    Ticket.objects.filter(pk=email.pk).update(first_customer_message_at=email.created_at - timedelta(hours=5))
    waiting = [arrive(teams.europe, n) for n in (11, 12, 13, 14, 15)]

    estimates = queue_estimates()

    # median of 2, 4 and 10 minutes = 4 minutes a round; four agents on shift, one seat each
    assert places(estimates, *waiting) == [(1, 4), (2, 4), (3, 4), (4, 4), (5, 8)]


def test_a_customer_writing_after_the_reply_waits_again_from_their_new_message(accounts, actors, teams, clock):
    ticket = arrive(teams.europe, 1)
    answered(ticket, actors.l1, timedelta(minutes=2), clock)
    assert ticket.pk not in queue_estimates()
    clock.shift(timedelta(minutes=5))
    again = timezone.now()

    arrive(teams.europe, 1, text="One more question")
    arrive(teams.europe, 1, text="and another")

    estimate = queue_estimates()[ticket.pk]
    assert estimate.waiting_since == again and estimate.position == 1


def test_the_estimates_take_the_same_number_of_queries_for_two_or_twelve_conversations(accounts, actors, teams):
    for n in range(2):
        arrive(teams.europe, n)
    with CaptureQueriesContext(connection) as few:
        assert len(queue_estimates()) == 2
    for n in range(2, 12):
        arrive([teams.europe, teams.america][n % 2], n)
    with CaptureQueriesContext(connection) as many:
        assert len(queue_estimates()) == 12

    assert len(few) == len(many) == 4  # the waiting with their places, agents on shift (2), recent replies


# --- The messages the customer gets ----------------------------------------------------------------


def test_a_new_whatsapp_conversation_is_told_its_place_in_german_in_the_documented_shape(
    post, accounts, actors, fake, queue_messages
):
    body = p.wa_body(messages=[p.wa_text("wamid.in1", GERMAN)])

    post("whatsapp", "shop-wa", body, p.wa_sign(body))

    ticket = Ticket.objects.get()
    assert (ticket.language, ticket.team.slug) == ("de", "europe")
    (sent,) = fake.state.sent("/messages")
    assert sent.body == {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": p.WA_ID,
        "type": "text",
        "text": {"preview_url": False, "body": "Sie sind Nummer 1 in der Warteschlange – etwa 3 Minuten."},
    }
    notice = ticket.messages.get(kind="system")
    assert notice.is_automatic and notice.author is None and notice.channel == "whatsapp"
    assert OutboundMessage.objects.get(message=notice).status == "sent"


def test_a_line_user_with_no_agent_on_shift_is_told_so_in_japanese(post, accounts, actors, fake, queue_messages):
    # Nobody speaks Japanese: the conversation goes to the default team (Asia), where nobody is on shift.
    post_text(post, SCENARIOS["line"], 1, JAPANESE)

    ticket = Ticket.objects.get()
    assert (ticket.language, ticket.team.slug) == ("ja", "asia")
    (sent,) = fake.state.sent("/v2/bot/message/push")
    assert sent.body == {
        "to": p.LINE_USER,
        "messages": [{"type": "text", "text": "現在対応できる担当者がおりません。担当者が戻り次第お返事いたします。"}],
    }


def test_the_automatic_message_does_not_stop_the_first_response_clock(post, accounts, actors, fake, queue_messages):
    post_text(post, SCENARIOS["telegram"], 1, "Where is my parcel?")

    ticket = Ticket.objects.get()
    assert len(fake.state.sent("/sendMessage")) == 1
    clock = SlaClock.objects.get(ticket=ticket, metric=Metric.FIRST_RESPONSE)
    assert clock.met_at is None and ticket.first_response_at is None
    assert ticket.pk in queue_estimates()  # still waiting for a person


def test_one_message_per_wait_and_again_when_the_customer_waits_after_an_answer(
    post, accounts, actors, fake, clock, queue_messages, django_capture_on_commit_callbacks
):
    s = SCENARIOS["telegram"]
    post_text(post, s, 1, "Hello")
    post_text(post, s, 2, "Is anyone there?")  # the same wait: told once
    assert len(fake.state.sent("/sendMessage")) == 1
    ticket = Ticket.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        message_add_reply(ticket=ticket, author=actors.l1, body="Yes, how can I help?")
    assert len(fake.state.sent("/sendMessage")) == 2

    post_text(post, s, 3, "My parcel is late")  # a conversation in full flow: the agent is right there
    assert len(fake.state.sent("/sendMessage")) == 2

    with django_capture_on_commit_callbacks(execute=True):
        message_add_reply(ticket=ticket, author=actors.l1, body="It arrives tomorrow.")
        ticket_set_status(ticket=ticket, status=Status.SOLVED, actor=actors.l1)
    clock.shift(timedelta(hours=2))
    post_text(post, s, 4, "It did not arrive")  # a solved conversation waits again: told again

    texts = [r.body["text"] for r in fake.state.sent("/sendMessage")]
    # its own first reply, at once (the clock stands still), is the team's recent time: the least, a minute
    assert len(texts) == 4 and texts[-1] == "You are number 1 in the queue — about 1 minute."
    assert Ticket.objects.get().status == Status.OPEN


def _queue_of_five(post, accounts, actors, settings):
    """Five Telegram-like conversations ahead of a Telegram user in Europe, one agent with one seat."""
    settings.QUEUE_SEATS_PER_AGENT = 1
    for user in (actors.l2, actors.l3, actors.supervisor):
        user.agent_profile.on_shift = False
        user.agent_profile.save()
    ahead = [arrive(actors.l1.agent_profile.team, n) for n in range(5)]
    body = p.tg_body(901, p.tg_message(1, text="Where is my parcel? It should have arrived last week."))
    post("telegram", "shop-bot", body, p.TG_SECRET)
    return ahead, Ticket.objects.get(channel="telegram")


def test_the_sweep_tells_again_only_on_a_big_change_and_never_twice(
    post, accounts, actors, fake, clock, settings, queue_messages, django_capture_on_commit_callbacks
):
    ahead, ticket = _queue_of_five(post, accounts, actors, settings)
    told = QueueMessage.objects.get(ticket=ticket)
    assert (told.position, told.minutes) == (6, 18)
    assert fake.state.sent("/sendMessage")[-1].body["text"] == "You are number 6 in the queue — about 18 minutes."

    clock.shift(timedelta(minutes=5))
    with django_capture_on_commit_callbacks(execute=True):
        # 6 -> 5 and, first replies now taking 5 minutes, 18 -> 25 minutes: small changes
        message_add_reply(ticket=ahead[0], author=actors.l1, body="Hi")
        assert tasks.queue_messages() == 0
    assert len(fake.state.sent("/sendMessage")) == 1

    with django_capture_on_commit_callbacks(execute=True):
        for other in ahead[1:3]:
            message_add_reply(ticket=other, author=actors.l1, body="Hi")  # 6 -> 3: improved by half
        assert tasks.queue_messages() == 1
        assert tasks.queue_messages() == 0  # a second run (or a second beat) tells nothing twice
    assert fake.state.sent("/sendMessage")[-1].body["text"] == "You are number 3 in the queue — about 15 minutes."
    assert OutboundMessage.objects.filter(message__ticket=ticket, status="sent").count() == 2

    with django_capture_on_commit_callbacks(execute=True):
        for other in ahead[3:]:
            message_add_reply(ticket=other, author=actors.l1, body="Hi")  # 3 -> 1, but told a minute ago
        assert tasks.queue_messages() == 0
    clock.shift(timedelta(minutes=3))
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.queue_messages() == 1
    assert fake.state.sent("/sendMessage")[-1].body["text"] == "You are number 1 in the queue — about 5 minutes."
    assert QueueMessage.objects.get(ticket=ticket).times_told == 3


def test_the_sweep_says_nothing_after_an_agent_replied(
    post, accounts, actors, fake, clock, settings, queue_messages, django_capture_on_commit_callbacks
):
    ahead, ticket = _queue_of_five(post, accounts, actors, settings)
    clock.shift(timedelta(minutes=5))
    with django_capture_on_commit_callbacks(execute=True):
        message_add_reply(ticket=ticket, author=actors.l1, body="I am looking into it.")
        for other in ahead:
            message_add_reply(ticket=other, author=actors.l1, body="Hi")

        assert tasks.queue_messages() == 0

    texts = [r.body["text"] for r in fake.state.sent("/sendMessage")]
    assert texts == ["You are number 6 in the queue — about 18 minutes.", "I am looking into it."]


def test_the_sweep_tells_when_an_agent_comes_back(
    post, accounts, actors, fake, clock, queue_messages, django_capture_on_commit_callbacks
):
    post_text(post, SCENARIOS["line"], 1, JAPANESE)  # Asia: nobody on shift
    clock.shift(timedelta(minutes=4))
    from tests.factories import make_staff

    make_staff(team=Ticket.objects.get().team, username="asia-agent", languages=["ja"])

    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.queue_messages() == 1

    texts = [r.body["messages"][0]["text"] for r in fake.state.sent("/v2/bot/message/push")]
    assert texts[-1] == "現在 1 番目にお待ちいただいています。待ち時間は約 3 分です。"


def test_nothing_is_sent_when_the_queue_messages_are_off(post, accounts, actors, fake):
    post_text(post, SCENARIOS["telegram"], 1, "Hello")

    assert fake.state.sent("/sendMessage") == []
    assert not Message.objects.filter(kind="system").exists()


# --- What the agents see ---------------------------------------------------------------------------


def test_the_queue_page_shows_how_many_conversations_wait_per_channel(client, accounts, actors, teams, clock):
    arrive(teams.europe, 1, channel="whatsapp")
    clock.shift(timedelta(minutes=4))
    arrive(teams.europe, 2, channel="whatsapp")
    arrive(teams.europe, 3, channel="line")
    answered(arrive(teams.europe, 4, channel="telegram"), actors.l1, timedelta(0), clock)
    arrive(teams.america, 5, channel="telegram")  # another team's: not the agent's to see
    clock.shift(timedelta(minutes=3))
    client.force_login(actors.l2)

    page = client.get(reverse("tickets:queue"), {"view": "team"}).content.decode()

    assert 'data-channel="whatsapp" data-waiting="2">WhatsApp 2<' in page
    assert 'data-channel="line" data-waiting="1">LINE 1<' in page
    assert 'data-channel="telegram" data-waiting="0">Telegram 0<' in page
    assert "the longest for 7\xa0minutes" in page
    clock.shift(timedelta(minutes=2))  # the line of counts is kept, and follows the clock
    later = client.get(reverse("tickets:queue"), {"view": "team"}).content.decode()
    assert "the longest for 9\xa0minutes" in later
    assert [(row.channel, row.count) for row in waiting_by_channel(actors.admin)] == [
        ("chat", 0),  # the live chat queues its customers too
        ("whatsapp", 2),
        ("line", 1),
        ("telegram", 1),
    ]
