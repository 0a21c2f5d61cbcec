"""The bell: unread notices for the signed-in agent only, idempotent by key."""

from __future__ import annotations

import pytest
from django.urls import reverse

from workspace.models import Notification
from workspace.notifications import notify

pytestmark = pytest.mark.django_db


def test_notifying_twice_with_the_same_key_keeps_one_notice(actors):
    notify(users=[actors.l1, actors.l2], key="k1", text="HD-000001 is close to its SLA deadline.")
    notify(users=[actors.l1], key="k1", text="HD-000001 is close to its SLA deadline.")
    assert Notification.objects.filter(user=actors.l1).count() == 1
    assert Notification.objects.filter(user=actors.l2).count() == 1


def test_bell_counts_only_my_unread_notices(client, actors):
    notify(users=[actors.l1], key="a", text="one")
    notify(users=[actors.l1], key="b", text="two")
    notify(users=[actors.l2], key="c", text="not mine")
    client.force_login(actors.l1)
    bell = client.get(reverse("notifications_bell"))
    assert bell.status_code == 200
    assert '<span class="count"' in bell.content.decode() and ">2<" in bell.content.decode()
    page = client.get(reverse("notifications")).content.decode()
    assert "one" in page and "two" in page and "not mine" not in page
    client.post(reverse("notifications"))
    assert 'class="count"' not in client.get(reverse("notifications_bell")).content.decode()


def test_bell_is_for_staff_only(client, db):
    response = client.get(reverse("notifications_bell"))
    assert response.status_code == 302
