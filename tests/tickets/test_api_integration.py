"""A store platform's API account (the Integrations group) reads back the tickets it created."""

from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from helpdesk import roles
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def platform(db):
    from django.contrib.auth.models import Group

    roles.ensure_groups()
    user = UserFactory(username="shop-platform")
    user.groups.add(Group.objects.get(name=roles.INTEGRATION_GROUP))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def test_a_platform_creates_a_ticket_for_any_region_and_reads_it_back(platform, teams, categories):
    created = platform.post(
        "/api/v1/tickets/",
        {
            "customer": {"email": "ann@example.com", "name": "Ann", "country": "US", "language": "en"},
            "subject": "Where is my parcel?",
            "body": "It is late.",
            "category": "other",
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    ticket_id = created.json()["id"]
    assert platform.get(f"/api/v1/tickets/{ticket_id}/").status_code == 200
    assert ticket_id in [t["id"] for t in platform.get("/api/v1/tickets/").json()["results"]]


def test_a_platform_account_cannot_decide_compensation(platform, teams):
    response = platform.get("/approvals/")
    assert response.status_code in (302, 403)
