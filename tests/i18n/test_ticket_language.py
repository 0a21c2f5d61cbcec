"""A ticket's language: the customer's known language, else the language of their first message
(detected offline, only on enough text), else the web form's or the email's language; an agent
or an integration may choose it, and an agent may change it."""

from __future__ import annotations

import uuid
from email.message import EmailMessage

import pytest
from django.urls import reverse

from helpdesk.language import detect_language, ticket_language
from tickets import services
from tickets.adapters import inbound_email_receive
from tickets.models import Category, Channel, Ticket

from .conftest import LANGUAGES, PEOPLE, customer_of, email

SAMPLES = {
    "en": "Hello, my order arrived yesterday but the jacket is the wrong size. How can I exchange it?",
    "zh-hans": "您好，我昨天收到了订单，但是外套的尺码不对。请问怎么换货？",
    "de": "Hallo, meine Bestellung kam gestern an, aber die Jacke hat die falsche Größe. Wie kann ich sie umtauschen?",
    "fr": "Bonjour, ma commande est arrivée hier mais la veste n'est pas à la bonne taille. Comment l'échanger ?",
    "es": "Hola, mi pedido llegó ayer pero la chaqueta no es de mi talla. ¿Cómo puedo cambiarla?",
    "ja": "昨日注文した商品が届きましたが、ジャケットのサイズが違いました。交換するにはどうすればよいですか。",
}


# --- the detector --------------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_of_the_six_languages_is_detected(language):
    assert detect_language(SAMPLES[language]) == language
    assert detect_language(PEOPLE[language].body) == language


def test_traditional_chinese_is_answered_in_simplified_chinese():
    assert detect_language("您好，我上週訂購的外套尺碼不對，請問要怎麼退換貨？謝謝。") == "zh-hans"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Hi",
        "Hallo?",
        "谢谢",
        "SO-12345 HD-000123 https://shop.example.com/orders/12345 help@example.com",
        # a language we do not serve is not forced into one we do
        "Buongiorno, il mio ordine è arrivato ieri ma la giacca è della taglia sbagliata. Come posso cambiarla?",
        "Olá, o meu pedido chegou ontem mas o casaco é do tamanho errado. Como posso trocá-lo?",
    ],
)
def test_too_little_text_or_another_language_gives_no_answer(text):
    assert detect_language(text) is None


def test_the_detector_gives_one_answer_per_text():
    text = "Merci pour votre aide, le colis est bien arrivé."
    assert len({detect_language(text) for _ in range(20)}) == 1


def test_quoted_lines_and_links_do_not_count():
    quoted = "\n".join(f"> {SAMPLES['en']}" for _ in range(5))
    assert detect_language(f"{SAMPLES['de']}\n\n{quoted}") == "de"
    assert detect_language(f"Danke!\n{quoted}") is None


@pytest.mark.parametrize(
    ("customer", "message", "fallback", "chosen", "expected"),
    [
        ("de", SAMPLES["en"], "fr", None, "de"),  # the customer's known language first
        ("en", SAMPLES["ja"], "fr", None, "ja"),  # English is the default: the message says more
        ("", SAMPLES["es"], None, None, "es"),
        ("en", "Danke!", "de", None, "de"),  # too short: the form's or email's language
        ("en", "", "fr", None, "fr"),  # not the customer's own words
        ("en", "Danke!", None, None, "en"),
        ("de", SAMPLES["de"], None, "ja", "ja"),  # an agent's choice wins
        ("", "", "zh_CN", None, "zh-hans"),
        ("", "", "pt-BR", None, "en"),
    ],
)
def test_the_order_of_the_sources(customer, message, fallback, chosen, expected):
    assert (
        ticket_language(customer_language=customer, first_message=message, fallback=fallback, chosen=chosen) == expected
    )


# --- where tickets are made ------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_customer_with_a_known_language_keeps_it_whatever_they_write(teams):
    customer = customer_of("de")
    ticket = services.ticket_create(customer=customer, subject="Size", body=SAMPLES["en"], channel=Channel.EMAIL)
    assert ticket.language == "de"


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_an_email_from_an_unknown_sender_is_answered_in_the_language_it_is_written_in(teams, language):
    message = EmailMessage()
    message["From"] = f"Someone <someone-{language}-{uuid.uuid4().hex[:6]}@example.net>"
    message["To"] = "support@helpdesk.localhost"
    message["Subject"] = PEOPLE[language].subject
    message["Message-ID"] = f"<{uuid.uuid4().hex}@example.net>"
    message.set_content(SAMPLES[language])

    record = inbound_email_receive(raw=message.as_bytes(), source="http")

    ticket = Ticket.objects.get(pk=record.ticket_id)
    assert ticket.language == language
    assert ticket.customer.language == "en"  # nothing said about the customer: their profile stays as it was
    ack = email("ticket-ack:", ticket)
    assert f'<html lang="{language}">' in ack.body_html


@pytest.fixture
def category(db):
    return Category.objects.create(slug=f"delivery-{uuid.uuid4().hex[:6]}", name="Delivery", kind="complaint")


@pytest.mark.django_db
def test_the_web_form_in_english_with_a_japanese_message_opens_a_japanese_ticket(
    client, teams, category, django_capture_on_commit_callbacks
):
    data = {
        "name": "佐藤 健",
        "email": "ken.sato@example.jp",
        "category": category.pk,
        "subject": "サイズ交換",
        "message": SAMPLES["ja"],
        "lang": "en",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/support/?lang=en", data, follow=True)

    assert response.status_code == 200
    ticket = Ticket.objects.get(customer__email="ken.sato@example.jp")
    assert ticket.language == "ja"
    assert "お問い合わせいただきありがとうございます" in email("ticket-ack:", ticket).body_text


@pytest.mark.django_db
def test_the_web_forms_language_is_used_when_the_message_is_too_short_to_tell(
    client, teams, category, django_capture_on_commit_callbacks
):
    customer = customer_of("en", email="short@example.com")
    data = {"name": "Sam", "email": customer.email, "category": category.pk, "subject": "?", "message": "Hilfe!"}
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/support/?lang=de", {**data, "lang": "de"}, follow=True)

    assert Ticket.objects.get(customer=customer).language == "de"


@pytest.mark.django_db
def test_an_agent_creating_a_ticket_chooses_its_language(actors, teams):
    ticket = services.ticket_create(
        customer=actors.customer,  # German
        subject="Called",
        body=SAMPLES["en"],
        channel=Channel.PHONE,
        actor=actors.l1,
        language="fr",
    )
    assert ticket.language == "fr"


@pytest.mark.django_db
def test_a_proactive_ticket_takes_the_customers_language_not_the_systems_text(teams):
    customer = customer_of("en", email="proactive@example.com")
    ticket = services.ticket_create(
        customer=customer,
        subject="Tracking alert",
        body="Sendungswarnung: Paket YT123 nach Deutschland, Status Zoll: seit drei Tagen keine Bewegung.",
        channel=Channel.SYSTEM,
        language=customer.language,
    )
    assert ticket.language == "en"


@pytest.mark.django_db
def test_a_follow_up_keeps_the_language_of_the_ticket_it_follows(actors, teams):
    first = services.ticket_create(customer=actors.customer, subject="A", body=SAMPLES["de"], channel=Channel.EMAIL)
    services.ticket_set_language(ticket=first, language="es", actor=actors.l1)
    services.ticket_set_status(ticket=first, status="solved", actor=actors.l1)
    services.ticket_set_status(ticket=first, status="closed", actor=actors.l1)

    message = services.message_receive_from_customer(ticket=first, body=SAMPLES["fr"], channel=Channel.EMAIL)

    assert message.ticket_id != first.pk and message.ticket.language == "es"


@pytest.mark.django_db
def test_an_agent_changes_the_language_from_the_ticket_page(client, actors, teams):
    ticket = services.ticket_create(customer=actors.customer, subject="A", body=SAMPLES["de"], channel=Channel.EMAIL)
    client.force_login(actors.l1)

    response = client.post(
        reverse("tickets:change", args=[ticket.pk, "language"]), {"language": "ja"}, headers={"HX-Request": "true"}
    )

    assert response.status_code == 200
    ticket.refresh_from_db()
    assert ticket.language == "ja"
