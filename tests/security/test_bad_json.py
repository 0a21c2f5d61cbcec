"""Bodies PostgreSQL cannot store or no honest client sends: a NUL or a lone surrogate in a key or a
value, NaN, a number too large for a float, nesting thousands deep, bytes that are not UTF-8. The
API and the tracking webhooks answer 400 with the reason, never 500, and store nothing."""

from __future__ import annotations

import json

import pytest
from rest_framework.test import APIClient

from helpdesk import jsonsafe
from logistics.defaults import seed_defaults
from logistics.models import Carrier, ExceptionRule, WebhookDelivery
from logistics.services import rules_cache_clear
from tests.factories import CustomerFactory
from tests.logistics.helpers import AFTERSHIP_SECRET, SEVENTEENTRACK_KEY, fixture_json, post, sign
from tickets import services
from tickets.models import Channel, Customer, Ticket

from .conftest import api_client, changed_tables, changes_so_far

pytestmark = pytest.mark.django_db

NUL = "\x00"
SURROGATE = "\ud800"


def raw_post(api: APIClient, url: str, body: bytes | str, content_type: str = "application/json"):
    """Post bytes exactly as given: the test client would re-encode a Python value."""
    data = body.encode("utf-8", "surrogatepass") if isinstance(body, str) else body
    return api.generic("POST", url, data, content_type=content_type)


def as_json(value) -> str:
    """JSON text with every non-ASCII character escaped, as clients send NULs and surrogates."""
    return json.dumps(value, ensure_ascii=True)


@pytest.fixture
def platform_api(actors):
    from tests.factories import make_platform

    return api_client(make_platform())


@pytest.fixture
def ticket_with_facts(actors, categories):
    return services.ticket_create(
        customer=actors.customer,
        subject="Parcel stuck",
        body="No news",
        channel=Channel.WEB,
        category=categories.logistics,
    )


@pytest.mark.parametrize(
    "external_ids",
    [
        {"shop" + NUL: "1"},
        {"shop": "1" + NUL},
        {"shop" + SURROGATE: "1"},
        {"shop": SURROGATE + "1"},
    ],
    ids=["NUL in a key", "NUL in a value", "surrogate in a key", "surrogate in a value"],
)
def test_external_ids_that_postgresql_cannot_store_are_a_400_and_nothing_is_stored(platform_api, external_ids):
    before = changes_so_far()
    response = raw_post(
        platform_api, "/api/v1/customers/", as_json({"email": "nul@example.com", "external_ids": external_ids})
    )
    assert response.status_code == 400, response.content
    assert response.json()["detail"]  # the reason, in words
    assert not Customer.objects.filter(email="nul@example.com").exists()
    assert not changed_tables(before, changes_so_far())


@pytest.mark.parametrize(
    "facts",
    [
        {"tracking_number": "LX" + NUL},
        {"tracking" + NUL: "LX1"},
        {"tracking_number": "LX" + SURROGATE},
        {SURROGATE: "LX1"},
        {"tracking_number": {"nested": [NUL]}},
    ],
)
def test_ticket_facts_with_a_nul_or_a_lone_surrogate_are_a_400(actors, ticket_with_facts, facts):
    api = api_client(actors.l1)
    response = raw_post(api, f"/api/v1/tickets/{ticket_with_facts.pk}/facts/", as_json({"facts": facts}))
    assert response.status_code == 400, response.content
    ticket_with_facts.refresh_from_db()
    assert ticket_with_facts.facts == {}


def test_json_nested_a_hundred_thousand_deep_is_a_400_not_a_recursion_error(platform_api):
    body = '{"a":' * 100_000 + "1" + "}" * 100_000
    response = raw_post(platform_api, "/api/v1/tickets/", body)
    assert response.status_code == 400
    assert "nested deeper than 32 levels" in response.json()["detail"]
    assert not Ticket.objects.exists()


def test_the_depth_limit_is_a_setting_and_a_body_within_it_is_read(platform_api, settings, actors, ticket_with_facts):
    settings.JSON_MAX_DEPTH = 4
    api = api_client(actors.l1)
    url = f"/api/v1/tickets/{ticket_with_facts.pk}/facts/"
    within = {"facts": {"tracking_number": "LX1"}}  # 2 levels
    too_deep = {"facts": {"tracking_number": {"a": {"b": {"c": 1}}}}}  # 5 levels
    assert raw_post(api, url, as_json(within)).status_code == 200
    refused = raw_post(api, url, as_json(too_deep))
    assert refused.status_code == 400
    assert "4 levels" in refused.json()["detail"]


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b'{"email": "a@example.com", "name": "\xff\xfe"}', "not valid UTF-8"),
        (b'{"email": "a@example.com", "external_ids": {"x": NaN}}', "finite"),
        (b'{"email": "a@example.com", "external_ids": {"x": 1e400}}', "finite"),
        (b'{"email": "a@example.com", "external_ids": {"x": Infinity}}', "finite"),
        (b'{"email": "a@example.com"', "not valid JSON"),
    ],
)
def test_bytes_that_are_not_utf8_or_json_numbers_that_are_not_finite_are_a_400(platform_api, body, reason):
    response = raw_post(platform_api, "/api/v1/customers/", body)
    assert response.status_code == 400
    assert reason in response.json()["detail"]
    assert not Customer.objects.filter(email="a@example.com").exists()


def test_a_form_post_with_a_nul_in_a_field_name_is_a_400(platform_api):
    # DRF reads "external_ids.<key>" form fields into the dictionary: the key comes from the name.
    response = raw_post(
        platform_api,
        "/api/v1/customers/",
        b"email=form%40example.com&external_ids.sho%00p=1",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400
    assert not Customer.objects.filter(email="form@example.com").exists()


def test_a_multipart_post_with_a_nul_in_a_value_is_a_400(actors):
    CustomerFactory(email="known@example.com")
    api = api_client(actors.l1)
    response = api.post(
        "/api/v1/tickets/",
        {"customer.email": "multi@example.com", "subject": "Hi", "body": "x", "language": "de" + NUL},
        format="multipart",
    )
    assert response.status_code == 400
    assert not Ticket.objects.exists()


# --- The helper others call -----------------------------------------------------------------


def test_the_helper_names_where_the_bad_character_is():
    with pytest.raises(jsonsafe.UnsafeJSON, match=r"facts\.tracking_number\[1\]: The NUL character"):
        jsonsafe.loads(as_json({"facts": {"tracking_number": ["ok", "b" + NUL]}}))
    assert jsonsafe.problem(b'{"fine": ["\\u00e9", 1.5, null]}') is None
    assert "surrogate" in jsonsafe.problem(b'["\\udc00"]')


# --- Tracking webhooks ----------------------------------------------------------------------


@pytest.fixture
def _webhook_secrets(settings):
    settings.AFTERSHIP_WEBHOOK_SECRETS = [AFTERSHIP_SECRET]
    settings.SEVENTEENTRACK_API_KEYS = [SEVENTEENTRACK_KEY]
    seed_defaults(Carrier, ExceptionRule)
    rules_cache_clear()


def _aftership(event_id: str) -> bytes:
    data = fixture_json("aftership_in_transit.json")
    data["event_id"] = event_id
    return as_json(data).encode("ascii")


@pytest.mark.usefixtures("_webhook_secrets")
@pytest.mark.parametrize(
    "body",
    [
        _aftership("evt" + NUL),
        _aftership("evt" + SURROGATE),
        b'{"event":' * 100_000 + b"1" + b"}" * 100_000,
        b'{"event": "tracking_update", "event_id": "\xc3\x28"}',
    ],
    ids=["NUL", "lone surrogate", "nested 100,000 deep", "invalid UTF-8"],
)
def test_a_signed_webhook_body_that_cannot_be_stored_is_a_400_with_the_reason(client, body):
    before = changes_so_far()
    response = post(client, "aftership", body, sign("aftership", body))
    assert response.status_code == 400, response.content
    assert response.json()["error"]
    assert not WebhookDelivery.objects.exists()
    assert not changed_tables(before, changes_so_far())


@pytest.mark.usefixtures("_webhook_secrets")
def test_an_unsigned_bad_body_is_still_a_401_first(client):
    body = _aftership("evt" + NUL)
    assert post(client, "aftership", body, "forged").status_code == 401


# --- The inbound email endpoint (raw RFC 822, not JSON) -------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        b"From: Ana <ana@example.com>\r\nSubject: Hi\x00there\r\nMessage-ID: <nul-1@x>\r\n\r\nA NUL \x00 here\r\n",
        b"From: ana@example.com\r\nSubject: =?utf-8?b?SGkAdGhlcmU=?=\r\nMessage-ID: <nul-2@x>\r\n"
        b"Content-Type: application/json\r\n\r\n" + b'{"a":' * 10_000 + b"1" + b"}" * 10_000,
    ],
    ids=["raw NUL bytes", "encoded NUL and a deeply nested JSON part"],
)
def test_an_email_with_nul_characters_is_stored_without_them_never_a_500(client, settings, teams, raw):
    settings.INBOUND_EMAIL_TOKEN = "inbound-token"
    response = client.generic(
        "POST", "/inbound/email/", raw, content_type="message/rfc822", HTTP_AUTHORIZATION="Bearer inbound-token"
    )
    assert response.status_code == 202
    ticket = Ticket.objects.get()
    assert NUL not in ticket.subject and NUL not in ticket.messages.get().body
