"""Agents choose their interface language (English or Simplified Chinese) and time zone; every
page then speaks it, shows times in that zone with the zone named, and money as that language
writes it."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse

from tests.factories import OrderFactory
from tickets import services
from tickets.models import AgentProfile, Channel

from .conftest import PEOPLE, english_left, english_vocabulary

pytestmark = pytest.mark.django_db

PREFERENCES = reverse("preferences")
OPENED = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)


def profile(user) -> AgentProfile:
    return AgentProfile.objects.get(user=user)


def test_an_agent_chooses_chinese_and_a_time_zone(client, actors):
    client.force_login(actors.l1)
    assert "Interface language" in client.get(PREFERENCES).content.decode()

    response = client.post(PREFERENCES, {"ui_language": "zh-hans", "time_zone": "Europe/Berlin"}, follow=True)

    assert (profile(actors.l1).ui_language, profile(actors.l1).time_zone) == ("zh-hans", "Europe/Berlin")
    page = response.content.decode()
    assert '<html lang="zh-hans">' in page
    assert "您的偏好设置已保存。" in page and "界面语言" in page
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hans"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"ui_language": "en", "time_zone": "Mars/Olympus_Mons"}, "time_zone"),
        ({"ui_language": "en", "time_zone": ""}, "time_zone"),
        ({"ui_language": "de", "time_zone": "Europe/Berlin"}, "ui_language"),  # not an agent language
    ],
)
def test_an_unknown_zone_or_language_is_refused_and_nothing_changes(client, actors, data, field):
    client.force_login(actors.l1)

    response = client.post(PREFERENCES, data)

    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert (profile(actors.l1).ui_language, profile(actors.l1).time_zone) == ("en", "Asia/Shanghai")


def test_each_zone_is_offered_with_its_place_in_the_agents_language(client, actors):
    AgentProfile.objects.filter(user=actors.l1).update(ui_language="zh-hans")
    client.force_login(actors.l1)

    page = client.get(PREFERENCES).content.decode()

    assert '<option value="Asia/Shanghai" selected>Asia/Shanghai · 中国（上海）时间</option>' in page
    assert '<option value="UTC">UTC</option>' in page


def test_every_zone_of_the_zone_database_is_offered():
    import zoneinfo

    from helpdesk.form_choices import time_zone_names

    names = time_zone_names()
    assert {"Asia/Shanghai", "Europe/Berlin", "America/New_York", "UTC"} <= set(names)
    assert set(names) <= zoneinfo.available_timezones()


def test_the_language_switcher_of_the_top_bar_remembers_the_choice(client, actors):
    client.force_login(actors.l1)

    response = client.post(reverse("set_language"), {"language": "zh-hans", "next": reverse("tickets:queue")})

    assert response.status_code == 302 and profile(actors.l1).ui_language == "zh-hans"
    assert "队列" in client.get(reverse("tickets:queue")).content.decode()


@pytest.fixture
def ticket_with_order(actors, teams):
    with time_machine.travel(OPENED, tick=False):
        customer = actors.customer
        order = OrderFactory(customer=customer, currency="JPY", total=Decimal("123456"), placed_at=OPENED)
        return services.ticket_create(
            customer=customer,
            subject="Paket kam nicht an",
            body=PEOPLE["de"].body,
            channel=Channel.EMAIL,
            order=order,
            team=teams.europe,
        )


@pytest.mark.parametrize(
    ("zone", "shown"),
    [("America/New_York", "2026-11-20 04:30"), ("Asia/Tokyo", "2026-11-20 18:30"), ("Europe/Berlin", "10:30")],
)
def test_times_are_shown_in_the_viewers_zone_with_the_zone_named(client, actors, ticket_with_order, zone, shown):
    AgentProfile.objects.filter(user=actors.l1).update(time_zone=zone)
    client.force_login(actors.l1)

    queue = client.get(reverse("tickets:queue")).content.decode()
    ticket_page = client.get(reverse("tickets:detail", args=[ticket_with_order.pk])).content.decode()

    for page in (queue, ticket_page):
        assert shown in page
        assert zone in page  # "times in America/New_York"
    assert "2026-11-20 09:30" not in ticket_page  # not UTC


@pytest.mark.parametrize(("language", "total"), [("en", "¥123,456"), ("zh-hans", "JP¥123,456")])
def test_order_totals_are_formatted_for_the_viewers_language(client, actors, ticket_with_order, language, total):
    AgentProfile.objects.filter(user=actors.l1).update(ui_language=language)
    client.force_login(actors.l1)

    page = client.get(reverse("tickets:detail", args=[ticket_with_order.pk])).content.decode()

    assert total in page
    assert "123456.000" not in page


def carrier_names() -> list[str]:
    try:
        from logistics.models import Carrier
    except ImportError:
        return []
    return list(Carrier.objects.values_list("name", flat=True))


def test_the_agent_workspace_is_complete_in_chinese(client, actors, ticket_with_order):
    """Queue, ticket, new-ticket, notifications and preferences pages: nothing left in English but
    names, codes and what customers wrote."""
    AgentProfile.objects.filter(user=actors.l1).update(ui_language="zh-hans")
    client.force_login(actors.l1)
    ticket = ticket_with_order
    names = [
        ticket.reference,
        ticket.subject,
        ticket.customer.name,
        ticket.customer.email,
        ticket.order.external_number,
        ticket.order.platform,
        ticket.team.name,
        *[user.get_full_name() for user in (actors.l1, actors.l2, actors.l3, actors.supervisor)],
        actors.l1.email,
        "Asia/Shanghai",
        "Europe/Berlin",
        "Europe",
        "North America",
        "Asia",
        PEOPLE["de"].body,
        "CST",  # the zone's abbreviation after each time
        *carrier_names(),
        *services.queueing_channels().values(),  # the apps' own names (conversations waiting per channel)
    ]
    vocabulary = english_vocabulary("templates/", "tickets/", "helpdesk/", "feedback/", "policies/")
    for url in [
        reverse("tickets:queue"),
        reverse("tickets:detail", args=[ticket.pk]),
        reverse("tickets:create"),
        reverse("notifications"),
        PREFERENCES,
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        assert '<html lang="zh-hans">' in page
        # zone identifiers are codes (each option also names the place in Chinese)
        page = re.sub(r'<select name="time_zone".*?</select>', " ", page, flags=re.S)
        leftovers = english_left(page, "zh-hans", vocabulary, names)
        assert leftovers == [], f"{url}: English left {sorted(set(leftovers))}"
