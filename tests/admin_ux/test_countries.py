"""Real countries only: the reports' country filter offers ISO 3166 countries, never CLDR's
regions and pseudo-locales ("Pseudo-Accents", "Eurozone", "European Union", "Unknown Region")."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from helpdesk.countries import is_real_country, real_countries

PSEUDO = ("XA", "XB", "EZ", "EU", "UN", "QO", "ZZ")


def test_real_countries_are_the_249_iso_3166_codes_with_translated_names():
    with translation.override("en"):
        names = dict(real_countries())
    assert len(names) == 249
    assert names["DE"] == "Germany"
    assert not set(PSEUDO) & set(names)
    with translation.override("de"):
        assert dict(real_countries())["DE"] == "Deutschland"
    with translation.override("zh-hans"):
        assert dict(real_countries())["JP"] == "日本"
    assert is_real_country("FR")
    assert not any(is_real_country(code) for code in PSEUDO)
    assert not is_real_country("")


@pytest.mark.django_db
def test_the_reports_country_filter_lists_real_countries_only(client, actors):
    client.force_login(actors.supervisor)
    response = client.get(reverse("reports:dashboard"))
    assert response.status_code == 200
    offered = dict(response.context["form"].fields["country"].choices)
    assert offered["DE"] == "Germany"
    for code in PSEUDO:
        assert code not in offered
    assert "Pseudo-Accents" not in response.content.decode()
    assert "Eurozone" not in response.content.decode()
    # And a pseudo-region in the address is refused, not applied
    response = client.get(reverse("reports:dashboard"), {"country": "XA"})
    assert "XA" not in dict(response.context["form"].fields["country"].choices)
