"""Values the API used to drop or coerce with a 2xx: an unsupported language stored as English, a
pseudo-region stored as a country. Now a value is used as sent, mapped explicitly (a regional
variant of a language we write), or refused with a 400 that says what is accepted."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from helpdesk.countries import NOT_COUNTRIES, country_name, is_real_country, real_countries
from helpdesk.language import supported_language
from tests.factories import OrderFactory, make_platform
from tickets import services
from tickets.models import Channel, Customer, Order, Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(actors) -> APIClient:
    client = APIClient()
    client.force_authenticate(make_platform())
    return client


def _customer(api: APIClient, **fields):
    return api.post("/api/v1/customers/", {"email": "new@example.com", **fields}, format="json")


# --- Languages -----------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["xx", "pt-BR", "pt", "zh-Hant", "zh-TW", "zh-HK", "en US", "de-", "klingon"])
def test_a_language_we_do_not_write_is_a_400_listing_the_accepted_ones(api, language):
    response = _customer(api, language=language)
    assert response.status_code == 400
    [message] = response.json()["language"]
    assert "en, zh-hans, de, fr, es, ja" in message
    assert not Customer.objects.filter(email="new@example.com").exists()


@pytest.mark.parametrize(
    ("sent", "stored"),
    [
        ("de", "de"),
        ("DE", "de"),
        ("de-AT", "de"),
        ("de_CH", "de"),
        ("en-US", "en"),
        ("fr-CA", "fr"),
        ("es-419", "es"),
        ("ja-JP", "ja"),
        ("zh-hans", "zh-hans"),
        ("zh_Hans", "zh-hans"),
        ("zh-CN", "zh-hans"),
        ("zh-Hans-SG", "zh-hans"),
        ("zh", "zh-hans"),
    ],
)
def test_a_regional_variant_of_a_supported_language_is_that_language(api, sent, stored):
    response = _customer(api, language=sent)
    assert response.status_code == 201, response.json()
    assert response.json()["language"] == stored


def test_a_ticket_in_an_unsupported_language_is_refused_and_nothing_is_stored(api, actors):
    response = api.post(
        "/api/v1/tickets/",
        {"customer_id": actors.customer.pk, "subject": "Olá", "body": "Meu pedido", "language": "pt-BR"},
        format="json",
    )
    assert response.status_code == 400 and "language" in response.json()
    inline = api.post(
        "/api/v1/tickets/",
        {"customer": {"email": "ana@example.br", "language": "xx"}, "subject": "Olá", "body": "Meu pedido"},
        format="json",
    )
    assert inline.status_code == 400 and "language" in inline.json()["customer"]
    assert not Ticket.objects.exists() and not Customer.objects.filter(email="ana@example.br").exists()


def test_changing_a_tickets_language_to_one_we_do_not_write_is_refused(actors):
    ticket = services.ticket_create(customer=actors.customer, subject="s", body="b", channel=Channel.WEB)
    agent = APIClient()
    agent.force_authenticate(actors.l1)
    refused = agent.patch(f"/api/v1/tickets/{ticket.pk}/", {"language": "xx"}, format="json")
    mapped = agent.patch(f"/api/v1/tickets/{ticket.pk}/", {"language": "fr-BE"}, format="json")
    assert refused.status_code == 400 and "language" in refused.json()
    assert mapped.status_code == 200 and mapped.json()["language"] == "fr"
    assert agent.get("/api/v1/tickets/", {"language": "xx"}).status_code == 400


def test_the_language_mapping_is_explicit():
    assert supported_language("pt-BR") is None
    assert supported_language("") is None
    assert supported_language("de-AT") == "de"
    assert supported_language("zh-Hant-TW") is None


# --- Countries -----------------------------------------------------------------------------


@pytest.mark.parametrize("country", ["ZZ", "EU", "XX", "XA", "EZ", "UN", "QO", "1x", "D", "DEU"])
def test_a_pseudo_region_or_unknown_code_is_not_a_country(api, actors, country):
    customer = _customer(api, country=country)
    order = api.post(
        "/api/v1/orders/",
        {
            "customer": actors.customer.pk,
            "external_number": "SO-9",
            "currency": "EUR",
            "total": "9.90",
            "placed_at": "2026-10-01T10:00:00Z",
            "ship_to_country": country,
        },
        format="json",
    )
    listing = api.get("/api/v1/customers/", {"country": country})
    assert (customer.status_code, order.status_code, listing.status_code) == (400, 400, 400)
    assert "country" in customer.json() and "ship_to_country" in order.json()
    assert not Customer.objects.filter(email="new@example.com").exists() and not Order.objects.exists()


def test_a_real_country_is_accepted_in_any_case_and_stored_in_capitals(api, actors):
    assert _customer(api, country="at").json()["country"] == "AT"
    OrderFactory(customer=actors.customer, ship_to_country="DE")
    assert api.get("/api/v1/customers/", {"country": "at"}).status_code == 200


def test_the_real_countries_are_the_249_of_iso_3166_1():
    codes = {code for code, _name in real_countries("en")}
    assert len(codes) == 249
    assert {"DE", "US", "JP", "CN", "AQ", "TW", "PS"} <= codes
    assert not codes & NOT_COUNTRIES
    assert is_real_country("DE") and not is_real_country("ZZ") and not is_real_country("de")
    names = dict(real_countries("de"))
    assert names["DE"] == "Deutschland" and country_name("JP", "ja") == "日本"
    assert [name for _code, name in real_countries("en")] == sorted(name for _code, name in real_countries("en"))


@pytest.mark.parametrize(("country", "code"), [("ZZ", 400), ("EU", 400), ("xa", 400), ("at", 200)])
def test_a_country_fact_must_be_a_real_country(actors, categories, country, code):
    ticket = services.ticket_create(
        customer=actors.customer, subject="s", body="b", channel=Channel.WEB, category=categories.logistics
    )
    agent = APIClient()
    agent.force_authenticate(actors.l1)
    response = agent.post(
        f"/api/v1/tickets/{ticket.pk}/facts/", {"facts": {"destination_country": country}}, format="json"
    )
    assert response.status_code == code, response.json()
    ticket.refresh_from_db()
    assert ticket.facts.get("destination_country") == ("AT" if code == 200 else None)
