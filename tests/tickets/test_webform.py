"""The public support form, as a customer (or a bot) uses it."""

from __future__ import annotations

import re
import uuid

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tests.factories import OrderFactory
from tickets.models import Channel, Customer, Ticket

pytestmark = pytest.mark.django_db

URL = "/support/"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def _own_rate_limit_keys(settings):
    """Each test counts in its own namespace of the real Redis cache (never flushed: it is shared)."""
    settings.CACHES = {"default": {**settings.CACHES["default"], "KEY_PREFIX": f"test-webform-{uuid.uuid4().hex}"}}


def _form(categories, **overrides):
    data = {
        "name": "Lena Schmidt",
        "email": "lena@example.de",
        "order_number": "",
        "category": categories.logistics.pk,
        "subject": "Parcel late",
        "message": "My parcel has not arrived after three weeks.",
    }
    data.update(overrides)
    return data


def _submit(client, data, django_capture_on_commit_callbacks, url=URL, **extra):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(url, data, follow=True, **extra)


def test_form_speaks_the_browsers_language_with_translated_categories(client, categories):
    categories.logistics.name_de = "Versand"
    categories.logistics.save()

    response = client.get(URL, HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9")

    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="de">' in html
    assert "Versand" in html
    assert 'name="lang" value="de"' in html


def test_lang_parameter_overrides_the_browser(client, categories):
    response = client.get(f"{URL}?lang=ja", HTTP_ACCEPT_LANGUAGE="de")

    assert '<html lang="ja">' in response.content.decode()
    assert response["Content-Language"] == "ja"


def test_page_has_no_inline_script_and_hides_the_honeypot_by_class(client, categories):
    response = client.get(URL)

    html = response.content.decode()
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []
    assert "script-src 'self'" in response["Content-Security-Policy"]
    honeypot = re.search(r'<div class="hd-hp"[^>]*>.*?</div>', html, re.S).group(0)
    assert 'name="homepage"' in honeypot
    assert "style=" not in honeypot


def test_submitting_opens_a_ticket_and_confirms_it_in_the_forms_language(
    client, actors, teams, categories, django_capture_on_commit_callbacks
):
    response = _submit(client, _form(categories, lang="es"), django_capture_on_commit_callbacks)

    ticket = Ticket.objects.get()
    assert ticket.customer == actors.customer
    assert ticket.team == teams.europe  # Lena lives in Germany
    assert ticket.language == "de"  # her profile's language wins over the form's (tests/i18n)
    assert ticket.channel == Channel.WEB
    assert ticket.category == categories.logistics
    assert ticket.messages.get().body == "My parcel has not arrived after three weeks."
    assert response.status_code == 200
    assert ticket.reference in response.content.decode()
    assert '<html lang="es">' in response.content.decode()
    assert len(mail.outbox) == 1
    confirmation = mail.outbox[0]
    assert confirmation.to == ["lena@example.de"]
    assert ticket.reference in confirmation.subject
    assert ticket.reference in confirmation.body


def test_a_new_customer_is_created_in_the_language_of_the_form(
    client, teams, categories, django_capture_on_commit_callbacks
):
    data = _form(categories, name="Marie Dupont", email="marie@example.fr", lang="fr")

    _submit(client, data, django_capture_on_commit_callbacks)

    customer = Customer.objects.get(email="marie@example.fr")
    assert customer.name == "Marie Dupont"
    assert customer.language == "fr"
    assert Ticket.objects.get(customer=customer).language == "fr"


def test_the_order_number_links_the_customers_order(client, actors, categories, django_capture_on_commit_callbacks):
    order = OrderFactory(customer=actors.customer, external_number="SO-12345")

    _submit(client, _form(categories, order_number=" so-12345 "), django_capture_on_commit_callbacks)

    assert Ticket.objects.get().order == order


def test_an_unknown_order_number_is_kept_in_the_message_and_facts(
    client, actors, categories, django_capture_on_commit_callbacks
):
    OrderFactory(external_number="SO-99999")  # someone else's order
    data = _form(categories, category=categories.product.pk, order_number="SO-99999")

    _submit(client, data, django_capture_on_commit_callbacks)

    ticket = Ticket.objects.get()
    assert ticket.order is None
    assert "SO-99999" in ticket.messages.get().body
    assert ticket.facts["order_number"] == "SO-99999"


def test_a_filled_honeypot_says_thank_you_and_stores_nothing(
    client, teams, categories, django_capture_on_commit_callbacks
):
    response = _submit(client, _form(categories, homepage="http://spam.example"), django_capture_on_commit_callbacks)

    assert response.status_code == 200
    assert "Thank you" in response.content.decode()
    assert not Ticket.objects.exists()
    assert not Customer.objects.filter(email="lena@example.de").exists()
    assert mail.outbox == []


def test_too_many_requests_from_one_address_are_refused_kindly(
    client, teams, categories, settings, django_capture_on_commit_callbacks
):
    settings.WEBFORM_RATE_LIMIT = 2
    for n in range(2):
        _submit(client, _form(categories, email=f"c{n}@example.com"), django_capture_on_commit_callbacks)

    response = client.post(URL, _form(categories, email="c3@example.com", subject="Third try"))

    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    html = response.content.decode()
    assert "Please wait a moment" in html
    assert 'value="Third try"' in html  # what they typed is still there
    assert Ticket.objects.count() == 2


def test_too_many_requests_for_one_email_address_are_refused_from_any_ip(
    client, teams, categories, settings, django_capture_on_commit_callbacks
):
    settings.WEBFORM_RATE_LIMIT = 1
    _submit(client, _form(categories), django_capture_on_commit_callbacks, REMOTE_ADDR="198.51.100.1")

    response = client.post(URL, _form(categories), REMOTE_ADDR="198.51.100.2")

    assert response.status_code == 429
    assert Ticket.objects.count() == 1


def test_the_form_still_works_when_the_rate_limit_cache_is_down(
    client, teams, categories, settings, django_capture_on_commit_callbacks
):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
    }

    response = _submit(client, _form(categories), django_capture_on_commit_callbacks)

    assert response.status_code == 200
    assert Ticket.objects.count() == 1


def test_bad_input_shows_field_errors_and_keeps_what_was_typed(client, teams, categories):
    data = _form(categories, email="not-an-email", subject="", message="Everything I wrote")

    response = client.post(URL, data)

    assert response.status_code == 400
    form = response.context["form"]
    assert set(form.errors) == {"email", "subject"}
    html = response.content.decode()
    assert 'value="not-an-email"' in html
    assert "Everything I wrote" in html
    assert 'value="Lena Schmidt"' in html
    assert not Ticket.objects.exists()


@pytest.mark.parametrize(
    ("upload", "error"),
    [
        (SimpleUploadedFile("invoice.exe", b"MZ\x90\x00\x03\x00\x00\x00" * 8), "not an accepted file type"),
        (SimpleUploadedFile("huge.png", PNG + b"\x00" * (10 * 1024 * 1024)), "larger than 10 MB"),
    ],
    ids=["executable", "oversized"],
)
def test_a_refused_attachment_is_shown_on_its_field_and_nothing_is_stored(upload, error, client, teams, categories):
    data = _form(categories, email="new@example.com", attachments=[SimpleUploadedFile("ok.png", PNG), upload])

    response = client.post(URL, data)

    assert response.status_code == 400
    assert any(error in message for message in response.context["form"].errors["attachments"])
    assert "please choose them again" in response.content.decode()
    assert not Ticket.objects.exists()
    assert not Customer.objects.filter(email="new@example.com").exists()


def test_attachments_arrive_with_the_ticket(client, teams, categories, django_capture_on_commit_callbacks):
    files = [SimpleUploadedFile("damage.png", PNG), SimpleUploadedFile("receipt.txt", b"Paid 20 EUR")]

    _submit(client, _form(categories, attachments=files), django_capture_on_commit_callbacks)

    names = sorted(Ticket.objects.get().attachments.values_list("original_name", flat=True))
    assert names == ["damage.png", "receipt.txt"]


def test_a_post_without_the_csrf_token_is_refused(teams, categories):
    client = Client(enforce_csrf_checks=True)

    response = client.post(URL, _form(categories))

    assert response.status_code == 403
    assert not Ticket.objects.exists()


def test_the_thank_you_page_does_not_reveal_a_forged_reference(client):
    response = client.get(reverse("public:thanks"), {"r": "HD-000001"})

    assert response.status_code == 200
    assert "HD-000001" not in response.content.decode()
