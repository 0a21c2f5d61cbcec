"""The web form asks the customer's country, and a ticket goes where someone speaks its language:
the team of the country, else a team whose agents speak it, else the default team, flagged."""

from __future__ import annotations

import re
import uuid

import pytest
from django.urls import reverse
from django.utils import translation

from helpdesk.countries import country_from_accept_language
from tests.factories import CustomerFactory, TeamFactory, make_staff
from tickets import services
from tickets.models import AgentProfile, Channel, Customer, Ticket

pytestmark = pytest.mark.django_db

URL = "/support/"
GERMAN = "Mein Paket ist seit drei Wochen unterwegs und die Sendungsverfolgung zeigt nichts Neues an."
JAPANESE = "荷物がまだ届いていません。三週間も待っています。追跡番号を確認してください。"


@pytest.fixture(autouse=True)
def _english_afterwards():
    """The public pages activate the customer's language in this thread (a server resets it per
    request): leave English behind for the tests that follow."""
    yield
    translation.activate("en")


@pytest.fixture(autouse=True)
def _own_rate_limit_keys(settings):
    settings.CACHES = {"default": {**settings.CACHES["default"], "KEY_PREFIX": f"test-country-{uuid.uuid4().hex}"}}


def _form(categories, **overrides):
    data = {
        "name": "Jonas Weber",
        "email": "jonas@example.de",
        "category": categories.logistics.pk,
        "subject": "Paket verspätet",
        "message": GERMAN,
        "country": "DE",
        "lang": "de",
    }
    data.update(overrides)
    return data


def _selected_country(html: str) -> str | None:
    select = re.search(r'<select name="country".*?</select>', html, re.S)
    assert select is not None, "the form has a country select"
    chosen = re.search(r'<option value="(\w*)"[^>]*selected', select.group(0))
    return chosen.group(1) if chosen else None


def test_the_form_asks_the_country_preselected_from_the_browser(client, categories):
    response = client.get(URL, HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9,en;q=0.5")

    html = response.content.decode()
    assert _selected_country(html) == "DE"
    assert '<option value="DE" selected>Deutschland</option>' in html  # named in the page's language
    for pseudo in ("XA", "XB", "EZ", "EU", "UN", "QO", "ZZ"):
        assert f'<option value="{pseudo}"' not in html


def test_a_browser_without_a_region_preselects_nothing(client, categories):
    html = client.get(URL, HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert _selected_country(html) in (None, "")


@pytest.mark.parametrize(
    ("header", "country"),
    [
        ("de-DE,de;q=0.9", "DE"),
        ("zh-Hans-CN,zh;q=0.8", "CN"),
        ("de", ""),
        ("es-419,fr-FR;q=0.5", "FR"),
        ("en;q=0.2,ja-JP;q=0.9", "JP"),
        ("xx-XA", ""),
        ("", ""),
    ],
)
def test_the_country_of_an_accept_language_header(header, country):
    assert country_from_accept_language(header) == country


@pytest.mark.parametrize("country", ["ZZ", "XA", "EU", "Germany", "de"])
def test_a_missing_or_unreal_country_is_a_field_error_and_nothing_is_stored(country, client, teams, categories):
    response = client.post(URL, _form(categories, country=country))

    assert response.status_code == 400
    assert re.search(r'class="field has-error">\s*<label for="id_country"', response.content.decode())
    assert not Ticket.objects.exists()


def test_a_german_customer_writing_german_lands_in_europe(
    client, actors, teams, categories, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, _form(categories))

    ticket = Ticket.objects.get()
    assert ticket.customer.country == "DE"
    assert ticket.language == "de"
    assert ticket.team == teams.europe  # not the default team (Asia)
    assert not ticket.language_unserved


def test_without_a_country_the_ticket_goes_to_a_team_that_speaks_its_language(
    client, actors, teams, categories, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, _form(categories, country=""), follow=True)

    assert response.status_code == 200
    ticket = Ticket.objects.get()
    assert ticket.customer.country == ""
    assert ticket.team == teams.europe  # the default team (Asia) speaks no German


def test_a_known_customer_without_a_country_gets_the_one_they_chose(
    client, actors, teams, categories, django_capture_on_commit_callbacks
):
    CustomerFactory(email="jonas@example.de", name="Jonas Weber", language="de", country="")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, _form(categories, country="FR"))

    assert Customer.objects.get(email="jonas@example.de").country == "FR"
    assert Ticket.objects.get().team == teams.europe


def test_a_country_no_team_serves_goes_to_a_team_that_speaks_the_language(actors, teams):
    # Switzerland is served by no team; Europe's l1 speaks German, the default team (Asia) nobody.
    customer = CustomerFactory(country="CH", language="de")
    ticket = services.ticket_create(customer=customer, subject="Paket", body=GERMAN, channel=Channel.EMAIL)

    assert ticket.team == teams.europe
    assert not ticket.language_unserved


def test_the_countrys_team_is_passed_over_when_nobody_there_speaks_the_language(actors, teams):
    make_staff(team=teams.asia, username="aiko", languages=["ja", "en"])
    customer = CustomerFactory(country="DE", language="ja")
    ticket = services.ticket_create(customer=customer, subject="荷物", body=JAPANESE, channel=Channel.EMAIL)

    assert ticket.team == teams.asia
    assert not ticket.language_unserved


def test_the_countrys_team_keeps_a_ticket_it_can_read(actors, teams):
    make_staff(team=teams.asia, username="lukas", languages=["de"])  # Asia speaks German too
    ticket = services.ticket_create(
        customer=CustomerFactory(country="DE", language="de"), subject="Paket", body=GERMAN, channel=Channel.EMAIL
    )
    assert ticket.team == teams.europe


def test_an_inactive_or_non_agent_speaker_does_not_count(actors, teams):
    aiko = make_staff(team=teams.america, username="aiko", languages=["ja"])
    aiko.is_active = False
    aiko.save()
    ticket = services.ticket_create(
        customer=CustomerFactory(country="BR", language="ja"), subject="荷物", body=JAPANESE, channel=Channel.EMAIL
    )
    assert ticket.team == teams.asia and ticket.language_unserved


def test_nobody_speaks_it_the_default_team_gets_it_flagged_on_the_queue_and_the_ticket(client, actors, teams):
    # Brazil: no team; Japanese: no agent anywhere.
    customer = CustomerFactory(country="BR", language="ja")
    ticket = services.ticket_create(customer=customer, subject="荷物", body=JAPANESE, channel=Channel.EMAIL)
    assert ticket.team == teams.asia
    assert ticket.language_unserved

    supervisor = make_staff(team=teams.asia, username="asia-lead", languages=["en"])
    client.force_login(supervisor)
    queue = client.get(reverse("tickets:queue")).content.decode()
    row = re.search(rf'<tr data-ticket="{ticket.pk}">.*?</tr>', queue, re.S).group(0)
    assert "No team speaks its language" in row
    page = client.get(reverse("tickets:detail", args=[ticket.pk])).content.decode()
    assert "No team speaks its language" in page

    AgentProfile.objects.filter(user=supervisor).update(ui_language="zh-hans")
    page = client.get(reverse("tickets:detail", args=[ticket.pk])).content.decode()
    assert "No team speaks its language" not in page
    assert "没有团队会说该工单的语言" in page


def test_an_explicit_team_is_kept(actors, teams):
    ticket = services.ticket_create(
        customer=CustomerFactory(country="DE", language="de"),
        subject="Paket",
        body=GERMAN,
        channel=Channel.EMAIL,
        team=TeamFactory(slug="escalations", name="Escalations"),
    )
    assert ticket.team.slug == "escalations"
