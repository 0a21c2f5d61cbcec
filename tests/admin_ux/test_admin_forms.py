"""The admin for non-programmers: choices instead of typed JSON, zone pickers, shifts with their zone,
and records named by what people read (names, labels), not by ids."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import translation

from tickets.admin import AgentProfileInline, CustomerAdminForm
from tickets.models import AgentProfile, Customer, Shift, Team

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, actors):
    client.force_login(actors.admin)
    return client


def _options(html: str, name: str) -> set[str]:
    """The values offered for a form field, whether as <option>s or as checkboxes."""
    select = re.search(rf'<select[^>]*name="{re.escape(name)}"[^>]*>(.*?)</select>', html, re.S)
    if select:
        return set(re.findall(r'<option value="([^"]*)"', select.group(1)))
    return set(re.findall(rf'<input type="checkbox" name="{re.escape(name)}" value="([^"]*)"', html))


def test_team_countries_are_chosen_from_real_countries_and_saved_as_codes(admin_client):
    html = admin_client.get(reverse("admin:tickets_team_add")).content.decode()
    offered = _options(html, "countries")
    assert {"DE", "FR", "JP"} <= offered and "XA" not in offered and "EZ" not in offered
    assert "Germany" in html
    response = admin_client.post(
        reverse("admin:tickets_team_add"),
        {"name": "DACH", "slug": "dach", "countries": ["DE", "AT", "CH"], "email": ""},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Team.objects.get(slug="dach").countries == ["AT", "CH", "DE"]


def test_a_pseudo_region_is_refused_as_a_team_country(admin_client):
    response = admin_client.post(
        reverse("admin:tickets_team_add"), {"name": "Pseudo", "slug": "pseudo", "countries": ["XA"], "email": ""}
    )
    assert response.status_code == 200
    assert not Team.objects.filter(slug="pseudo").exists()


def test_the_team_list_names_its_countries(admin_client, teams):
    html = admin_client.get(reverse("admin:tickets_team_changelist")).content.decode()
    assert "Germany" in html
    assert '["DE"' not in html and "[&quot;DE" not in html


def test_agent_languages_and_zone_are_picked_not_typed(admin_client, actors, settings):
    html = admin_client.get(reverse("admin:auth_user_change", args=[actors.l1.pk])).content.decode()
    languages = _options(html, "agent_profile-0-languages")
    assert languages == {code for code, _name in settings.LANGUAGES}
    zones = _options(html, "agent_profile-0-time_zone")
    assert {"Europe/Berlin", "Asia/Shanghai", "America/New_York"} <= zones
    assert "Mars/Olympus" not in zones


def test_the_agent_profile_form_saves_a_language_list_and_refuses_an_unknown_zone(actors):
    profile = AgentProfile.objects.get(user=actors.l1)
    form_class = AgentProfileInline.form
    data = {
        "user": actors.l1.pk,
        "team": profile.team_id,
        "tier": "L1",
        "languages": ["de", "ja"],
        "time_zone": "Europe/Berlin",
        "ui_language": "en",
        "on_shift": "on",
    }
    form = form_class(data, instance=profile)
    assert form.is_valid(), form.errors
    saved = form.save()
    assert (saved.languages, saved.time_zone) == (["de", "ja"], "Europe/Berlin")
    form = form_class({**data, "time_zone": "Mars/Olympus"}, instance=profile)
    assert not form.is_valid()
    assert "time_zone" in form.errors
    form = form_class({**data, "languages": ["xx"]}, instance=profile)
    assert not form.is_valid()
    assert "languages" in form.errors


def test_customer_zone_and_country_are_validated(actors):
    base = {
        "name": "Ana",
        "email": "ana@example.pt",
        "phone": "",
        "language": "es",
        "country": "PT",
        "time_zone": "Europe/Lisbon",
        "external_ids": "{}",
    }
    form = CustomerAdminForm(base)
    assert form.is_valid(), form.errors
    assert not CustomerAdminForm({**base, "time_zone": "Europe/Atlantis"}).is_valid()
    assert not CustomerAdminForm({**base, "country": "ZZ"}).is_valid()
    customer = Customer.objects.create(name="Ana", email="ana2@example.pt", time_zone="Europe/Lisbon")
    html = str(CustomerAdminForm(instance=customer)["time_zone"])
    assert '<option value="Europe/Lisbon" selected>' in html


def test_shifts_show_the_support_centres_zone_and_their_agents(admin_client, actors, settings):
    settings.SUPPORT_TIME_ZONE = "Asia/Shanghai"
    shift = Shift.objects.get(name="Morning")
    AgentProfile.objects.get(user=actors.l1).shifts.add(shift)
    html = admin_client.get(reverse("admin:tickets_shift_changelist")).content.decode()
    assert "Asia/Shanghai" in html
    assert actors.l1.get_full_name() in html
    html = admin_client.get(reverse("admin:tickets_shift_change", args=[shift.pk])).content.decode()
    assert "Asia/Shanghai" in html
    # Agents are put on a shift from the shift's page
    response = admin_client.post(
        reverse("admin:tickets_shift_change", args=[shift.pk]),
        {
            "name": "Morning",
            "region": "Asia",
            "starts_at": "09:00",
            "ends_at": "17:00",
            "agents": [actors.l2.agent_profile.pk],
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert list(shift.agents.all()) == [AgentProfile.objects.get(user=actors.l2)]


def test_tier_kinds_are_checkboxes_of_the_kinds(admin_client):
    from policies.models import Kind, TierAuthority

    tier = TierAuthority.objects.get(tier="L1")
    html = admin_client.get(reverse("admin:policies_tierauthority_change", args=[tier.pk])).content.decode()
    assert _options(html, "kinds") == set(Kind.values)
    with translation.override("en"):
        html = admin_client.get(reverse("admin:policies_tierauthority_changelist")).content.decode()
    assert "[&#x27;" not in html and "[&quot;" not in html and "['" not in html
