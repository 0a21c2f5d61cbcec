"""The assistant in the messaging apps: where an order is, only after the one-time code, in the
customer's language; unknown orders and wrong emails answered alike; help articles; a person on
request or after two misunderstandings."""

from __future__ import annotations

import pytest
from django.core import mail

from selfservice.models import AssistantSession, HandoverReason
from tickets.models import Message, MessageKind, Ticket

from .chat import Chat, code_from_mail
from .factories import HelpArticleFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock", "accounts")]


@pytest.fixture(autouse=True)
def _assistant_on(settings):
    settings.ASSISTANT_CHANNELS = ["whatsapp", "line", "telegram"]
    settings.MESSAGING_QUEUE_MESSAGES = False


def session() -> AssistantSession:
    return AssistantSession.objects.get()


def test_where_is_my_order_in_english_through_the_code(post, fake, order, parcel):
    chat = Chat(post, fake, "whatsapp")

    chat.say("Hi, where is my order?")
    assert "order number" in chat.last()
    chat.say("SO-1001")
    assert "email" in chat.last()
    chat.say("It is lena@example.de")
    assert "6-digit code" in chat.last() and "SO-1001" in chat.last()
    assert "JD0001" not in " ".join(chat.replies())

    chat.say(code_from_mail())

    answer = chat.last()
    assert "order SO-1001 is verified" in answer
    assert "Parcel JD0001 (DHL): In transit" in answer
    assert "Leipzig" in answer and "Expected delivery" in answer
    assert "/support/orders/link/" in answer and "lang=en" in answer
    state = session()
    assert state.order == order and state.email == "" and state.handed_over_at is None
    assert state.answered == [{"kind": "order_status", "order": "SO-1001"}]


def test_where_is_my_order_in_german_through_the_code(post, fake, order, parcel):
    chat = Chat(post, fake, "telegram", language="de")

    chat.say("Wo ist meine Bestellung?")
    assert "Bestellnummer aus Ihrer Bestellbestätigung" in chat.last()
    chat.say("SO-1001")
    chat.say("lena@example.de")
    chat.say(code_from_mail())

    answer = chat.last()
    assert "Paket JD0001 (DHL)" in answer and "lang=de" in answer
    assert Ticket.objects.get().language == "de"


def test_the_order_is_never_shown_before_the_right_code(post, fake, order, parcel):
    chat = Chat(post, fake)
    for text in ("Where is my order?", "SO-1001", "lena@example.de", "000000", "111111"):
        chat.say(text)
        assert "JD0001" not in chat.last() and "Leipzig" not in chat.last()
    assert "not right" in chat.last()
    assert session().order is None


def test_an_unknown_order_and_a_wrong_email_answer_as_a_match(post, fake, order, parcel):
    chat = Chat(post, fake)
    chat.say("where is my order")
    answers = []
    for number, email in (("SO-1001", "lena@example.de"), ("SO-9999", "lena@example.de"), ("SO-1001", "x@y.org")):
        chat.say(number)  # while a code is awaited, another order number starts a new check
        chat.say(email)
        answers.append(chat.last().replace(number, "<n>"))

    assert answers[0] == answers[1] == answers[2]
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["lena@example.de"]  # only the match got a code
    assert session().order is None


def test_code_attempts_are_limited_then_a_person_takes_over(post, fake, order, parcel):
    chat = Chat(post, fake)
    for text in ("Where is my order?", "SO-1001", "lena@example.de", "000000", "000001", "000002"):
        chat.say(text)
    assert session().handover_reason == HandoverReason.NOT_VERIFIED
    chat.say(code_from_mail())  # too late: silence
    assert "JD0001" not in " ".join(chat.replies())


def test_a_return_question_gets_the_help_article_and_a_person_offered(post, fake):
    HelpArticleFactory(
        slug="returns", topic="returns", title_en="How to return an item", body_en="Within 7 days.\n\nDetails."
    )
    chat = Chat(post, fake)

    chat.say("I want to return the shoes")

    answer = chat.last()
    assert "How to return an item" in answer and "Within 7 days." in answer and "/support/help/returns/" in answer
    assert "talk to a person" in answer
    assert session().answered == [{"kind": "article", "slug": "returns", "title": "How to return an item"}]


def test_greets_once_with_a_menu_and_a_digit_picks(post, fake):
    chat = Chat(post, fake)
    chat.say("hello")
    assert "1. Where is my order" in chat.last() and "6. Talk to a person" in chat.last()
    chat.say("1")
    assert "order number" in chat.last()
    assert session().intent == "where_is_my_order"


def test_a_person_on_request_in_french(post, fake):
    chat = Chat(post, fake, language="fr")
    chat.say("Bonjour")
    chat.say("Je voudrais parler à un conseiller")
    assert session().handover_reason == HandoverReason.REQUESTED
    assert "Une personne de notre équipe vous répondra ici" in chat.last()
    assert len(chat.replies()) == 2


def test_not_understood_twice_hands_over(post, fake):
    chat = Chat(post, fake)
    chat.say("hello")
    chat.say("blue sky")
    assert "did not understand" in chat.last()
    chat.say("green grass")
    assert session().handover_reason == HandoverReason.NOT_UNDERSTOOD
    chat.say("where is my order?")
    assert len(chat.replies()) == 3


def test_replies_are_system_messages_that_meet_no_first_response_target(post, fake, order, parcel):
    chat = Chat(post, fake)
    chat.say("Where is my order?")
    ticket = Ticket.objects.get()
    reply = Message.objects.get(ticket=ticket, kind=MessageKind.SYSTEM)
    assert reply.is_automatic and reply.author_id is None
    assert ticket.first_response_at is None
    assert ticket.events.filter(kind="assistant_replied").count() == 1


def test_off_when_no_channel_is_configured(post, fake, settings):
    settings.ASSISTANT_CHANNELS = []
    Chat(post, fake).say("Where is my order?")
    assert not AssistantSession.objects.exists()
    assert Chat(post, fake).replies() == []
