"""The assistant gathers a damaged item's facts (a photo from the app counts) and hands over; the
agent's card shows what it learnt; after a handover it never speaks again in that conversation,
whatever task runs twice or late; the supervisors' figures."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from selfservice.assistant.service import assistant_answer
from selfservice.models import AssistantSession, HandoverReason
from tickets.models import Message, MessageKind, Status, Ticket
from tickets.services import message_add_reply, ticket_set_status

from .chat import Chat, code_from_mail

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock", "accounts")]


@pytest.fixture(autouse=True)
def _assistant_on(settings):
    settings.ASSISTANT_CHANNELS = ["whatsapp", "line", "telegram"]
    settings.MESSAGING_QUEUE_MESSAGES = False


def complaint(post, fake, provider="telegram", language="en") -> Chat:
    chat = Chat(post, fake, provider, language=language)
    chat.say("The vase arrived broken")
    chat.say("SO-1001")
    chat.send_photo()
    return chat


def test_a_damaged_item_gathers_its_facts_with_a_photo_then_hands_over(post, fake, categories):
    chat = Chat(post, fake)

    chat.say("The vase arrived broken")
    assert "Order number" in chat.last()
    chat.say("SO-1001")
    assert "photo" in chat.last()
    chat.send_photo()

    ticket = Ticket.objects.get()
    assert ticket.category == categories.product and ticket.facts == {"order_number": "SO-1001"}
    assert ticket.attachments.filter(content_type="image/png").exists()
    state = AssistantSession.objects.get()
    assert state.handover_reason == HandoverReason.COMPLAINT and state.handed_over_at is not None
    assert state.facts == {"order_number": "SO-1001", "photos": 1}
    assert "A person will answer you" in chat.last()
    assert ticket.events.filter(kind="facts").exists() and ticket.events.filter(kind="assistant_handed_over").exists()


def test_a_photo_sent_first_counts_in_german(post, fake, categories):
    chat = Chat(post, fake, "telegram", language="de")
    chat.send_photo(caption="Die Vase ist kaputt angekommen")
    assert "Bitte nennen Sie mir: Order number" in chat.last()  # the photo is taken: the order number is asked
    chat.say("SO-1001")
    assert AssistantSession.objects.get().handover_reason == HandoverReason.COMPLAINT


def test_the_agent_sees_the_card(client, post, fake, categories, actors, order, parcel):
    chat = Chat(post, fake)
    chat.say("where is my order?")
    chat.say("SO-1001")
    chat.say("lena@example.de")
    chat.say(code_from_mail())
    chat.say("Also the vase arrived broken")
    chat.send_photo()  # the order number came from the verified order

    ticket = Ticket.objects.get()
    client.force_login(actors.admin)
    page = client.get(ticket.get_absolute_url()).content.decode()

    assert 'id="panel-assistant"' in page
    assert "Damaged or wrong item" in page and "Where is my order" in page
    assert "SO-1001" in page and "Delivery news of order SO-1001" in page
    assert "Order number: SO-1001" in page and "Photos: 1" in page
    assert "A complaint, its facts gathered" in page and "Handed over to a person at" in page
    client.cookies.load({"django_language": "de"})
    german = client.get(ticket.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Assistent" in german


def test_silent_after_handover_even_when_a_task_runs_twice_or_late(post, fake, categories):
    chat = complaint(post, fake)
    said = len(chat.replies())
    ticket = Ticket.objects.get()

    chat.say("Hello? Anyone?")
    last = Message.objects.filter(ticket=ticket, kind=MessageKind.CUSTOMER).latest("id")
    assert assistant_answer(ticket_id=ticket.pk, message_id=last.pk) is False  # run again
    first = Message.objects.filter(ticket=ticket, kind=MessageKind.CUSTOMER).earliest("id")
    assert assistant_answer(ticket_id=ticket.pk, message_id=first.pk) is False  # an old one, late

    assert len(chat.replies()) == said
    assert Message.objects.filter(ticket=ticket, kind=MessageKind.SYSTEM).count() == said


def test_a_task_run_twice_answers_once(post, fake):
    chat = Chat(post, fake)
    chat.say("hello")
    ticket = Ticket.objects.get()
    message = Message.objects.get(ticket=ticket, kind=MessageKind.CUSTOMER)

    assert assistant_answer(ticket_id=ticket.pk, message_id=message.pk) is False

    assert len(chat.replies()) == 1
    assert ticket.events.filter(kind="assistant_replied").count() == 1


def test_an_agents_reply_silences_the_assistant(post, fake, actors, django_capture_on_commit_callbacks):
    chat = Chat(post, fake)
    chat.say("hello")
    ticket = Ticket.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        message_add_reply(ticket=ticket, body="Hi, I am Anna.", author=actors.admin)
    chat.say("blue sky")

    assert chat.replies() == [chat.replies()[0], "Hi, I am Anna."]
    assert AssistantSession.objects.get().handover_reason == HandoverReason.AGENT_REPLIED


def test_a_person_on_request_in_japanese(post, fake):
    chat = Chat(post, fake, language="ja")
    chat.say("担当者と話したいです")
    assert AssistantSession.objects.get().handover_reason == HandoverReason.REQUESTED
    chat.say("注文はどこですか")
    assert len(chat.replies()) == 1


def test_the_report_counts_resolved_handovers_and_intents(client, post, fake, actors, categories, order, parcel, clock):
    chat = Chat(post, fake)  # resolved: the order's news, then the ticket solved
    for text in ("where is my order?", "SO-1001", "lena@example.de"):
        chat.say(text)
    chat.say(code_from_mail())
    ticket_set_status(ticket=Ticket.objects.get(), status=Status.SOLVED, actor=actors.admin)
    complaint(post, fake, "whatsapp")  # handed over: a complaint
    assert AssistantSession.objects.count() == 2

    client.force_login(actors.supervisor)
    page = client.get(reverse("assistant:report")).content.decode()

    assert '<td class="num" id="assistant-conversations">2</td>' in page
    assert '<td class="num" id="assistant-resolved">1</td>' in page
    assert '<td class="num" id="assistant-handed-over">1</td>' in page
    assert "A complaint, its facts gathered" in page
    assert "Where is my order" in page and "Damaged or wrong item" in page
    client.force_login(actors.l1)
    assert client.get(reverse("assistant:report")).status_code == 403
    client.force_login(actors.supervisor)
    assert "assistant/report/" in client.get(reverse("reports:dashboard")).content.decode()


def test_a_quiet_conversation_counts_as_resolved(client, post, fake, actors, clock):
    from tests.selfservice.factories import HelpArticleFactory

    HelpArticleFactory(slug="returns", topic="returns", title_en="How to return an item")
    Chat(post, fake).say("I want to return the shoes")
    client.force_login(actors.supervisor)
    assert '<td class="num" id="assistant-resolved">0</td>' in client.get(reverse("assistant:report")).content.decode()
    clock.shift(timedelta(hours=25))
    client.force_login(actors.supervisor)
    assert '<td class="num" id="assistant-resolved">1</td>' in client.get(reverse("assistant:report")).content.decode()


def test_the_queue_place_is_told_only_once_a_person_is_due(post, fake, actors, settings):
    settings.MESSAGING_QUEUE_MESSAGES = True
    chat = Chat(post, fake)

    chat.say("hello")
    chat.say("I want to talk to a human")
    assert [("queue" in text) for text in chat.replies()] == [False, False]

    chat.say("Are you there?")
    assert "in the queue" in chat.last()
    assert len(chat.replies()) == 3


def test_an_erasure_scrubs_what_the_customer_typed_and_keeps_the_figures(post, fake, order, parcel):
    from privacy.services.erasure import customer_erase

    chat = Chat(post, fake)
    for text in ("where is my order?", "SO-1001", "lena@example.de"):
        chat.say(text)
    state = AssistantSession.objects.get()
    assert state.email == "lena@example.de" and state.order_number == "SO-1001"

    customer_erase(customer=state.ticket.customer)

    state.refresh_from_db()
    assert (state.email, state.order_number, state.facts) == ("", "", {})
    assert state.intents_asked == ["where_is_my_order"]
