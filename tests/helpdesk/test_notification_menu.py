"""The bell's dropdown: the latest notices, each marked read when opened, "mark all read", and how
each kind of notice reaches a person (in the app, by email, both or not at all)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from tickets.models import OutboundEmail
from workspace.models import Delivery, NoticeKind, Notification
from workspace.notifications import notice_preferences_set, notify

pytestmark = pytest.mark.django_db

MENU = reverse("notifications_menu")


def listed(response) -> list[str]:
    return re.findall(r'<a href="/notifications/\d+/open/">([^<]+)</a>', response.content.decode())


def test_the_dropdown_lists_my_latest_ten_notices_newest_first(client, actors, clock):
    for i in range(12):
        notify(users=[actors.l1], key=f"k{i}", text=f"notice {i}", url="/queue/")
        clock.shift(timedelta(minutes=1))
    notify(users=[actors.l2], key="theirs", text="not mine")
    client.force_login(actors.l1)

    response = client.get(MENU)

    assert listed(response) == [f"notice {i}" for i in range(11, 1, -1)]
    assert "Mark all as read" in response.content.decode()


def test_the_bell_opens_as_a_dropdown_loaded_without_leaving_the_page(client, actors):
    notify(users=[actors.l1], key="a", text="one")
    client.force_login(actors.l1)

    bell = client.get(reverse("notifications_bell"), headers={"HX-Request": "true"}).content.decode()

    assert bell.startswith('<details id="bell"') and f'hx-get="{MENU}"' in bell
    assert re.search(r'<span class="count"[^>]*>1</span>', bell)
    assert "<script" not in bell


def test_opening_a_notice_marks_it_read_and_goes_to_its_page(client, actors):
    notify(users=[actors.l1], key="a", text="HD-000001 is close to its SLA deadline.", url="/tickets/1/")
    notify(users=[actors.l1], key="b", text="another")
    notice = Notification.objects.get(key="a")
    client.force_login(actors.l1)

    response = client.get(reverse("notification_open", args=[notice.pk]))

    assert response.status_code == 302 and response["Location"] == "/tickets/1/"
    notice.refresh_from_db()
    assert notice.read_at is not None
    assert Notification.objects.get(key="b").read_at is None
    count = client.get(reverse("notifications_bell"), {"part": "count"}).content.decode()
    assert re.search(r'<span class="count"[^>]*>1</span>', count)


@pytest.mark.parametrize("url", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)", ""])
def test_a_notice_never_leads_off_the_site(client, actors, url):
    Notification.objects.create(user=actors.l1, key="x", text="x", url=url)
    client.force_login(actors.l1)

    response = client.get(reverse("notification_open", args=[Notification.objects.get().pk]))

    assert response["Location"] == reverse("notifications")


def test_someone_elses_notice_cannot_be_opened(client, actors):
    notify(users=[actors.l2], key="a", text="theirs", url="/queue/")
    client.force_login(actors.l1)

    response = client.get(reverse("notification_open", args=[Notification.objects.get().pk]))

    assert response.status_code == 404
    assert Notification.objects.get().read_at is None


def test_mark_all_read_from_the_dropdown_clears_the_count_and_keeps_it_open(client, actors):
    notify(users=[actors.l1], key="a", text="one")
    notify(users=[actors.l1], key="b", text="two")
    notify(users=[actors.l2], key="c", text="theirs")
    client.force_login(actors.l1)

    response = client.post(reverse("notifications"), headers={"HX-Request": "true"})

    bell = response.content.decode()
    assert bell.startswith('<details id="bell"') and " open>" in bell.split("\n")[0]
    assert 'class="count"' not in bell and listed(response) == ["two", "one"]
    assert not Notification.objects.filter(user=actors.l1, read_at__isnull=True).exists()
    assert Notification.objects.get(user=actors.l2).read_at is None


def _emails(user) -> list[OutboundEmail]:
    return list(OutboundEmail.objects.filter(to=user.email, key__startswith="notice:"))


def test_by_default_a_notice_is_shown_in_the_app_and_not_emailed(actors):
    notify(users=[actors.l1], key="d", text="decided", kind=NoticeKind.APPROVAL_DECIDED)

    assert Notification.objects.filter(user=actors.l1).count() == 1
    assert _emails(actors.l1) == []


def test_a_kind_chosen_by_email_is_emailed_once_in_the_agents_language_and_not_shown(actors):
    actors.l1.agent_profile.ui_language = "de"
    actors.l1.agent_profile.save()
    notice_preferences_set(user=actors.l1, choices={NoticeKind.APPROVAL_DECIDED: Delivery.EMAIL})

    for _ in range(2):
        notify(
            users=[actors.l1, actors.l2],
            key="policies:decided:7",
            text="Your compensation on HD-000007 was approved",
            url="/compensation/7/",
            kind=NoticeKind.APPROVAL_DECIDED,
        )
    notify(users=[actors.l1], key="other-kind", text="a care call", kind=NoticeKind.CARE)

    [email] = _emails(actors.l1)
    assert "Your compensation on HD-000007 was approved" in email.body_text
    assert "http://" in email.body_text and "/compensation/7/" in email.body_text
    assert email.subject == "Helpdesk: Meine Entschädigungsanfrage wurde entschieden"
    assert list(Notification.objects.filter(user=actors.l1).values_list("key", flat=True)) == ["other-kind"]
    assert Notification.objects.filter(user=actors.l2).count() == 1 and _emails(actors.l2) == []


def test_both_shows_and_emails_and_none_does_neither(actors):
    notice_preferences_set(user=actors.l1, choices={NoticeKind.CARE: Delivery.BOTH})
    notice_preferences_set(user=actors.l2, choices={NoticeKind.CARE: Delivery.NONE})

    notify(users=[actors.l1, actors.l2], key="care:1", text="call back", kind=NoticeKind.CARE)

    assert Notification.objects.filter(user=actors.l1).count() == 1 and len(_emails(actors.l1)) == 1
    assert not Notification.objects.filter(user=actors.l2).exists() and _emails(actors.l2) == []


def test_the_sla_sweep_follows_each_persons_choice(actors, categories):
    from tests.tickets.test_sla import T0, _ticket
    from tickets import services

    notice_preferences_set(user=actors.l1, choices={NoticeKind.SLA_WARNING: Delivery.EMAIL})
    with time_machine.travel(T0, tick=False):
        ticket = _ticket(actors, categories.logistics)
        services.ticket_assign(ticket=ticket, assignee=actors.l1, actor=actors.l1)
    with time_machine.travel(T0 + timedelta(minutes=8), tick=False):
        services.sla_sweep()

    assert not Notification.objects.filter(user=actors.l1).exists()
    [email] = _emails(actors.l1)
    assert f"{ticket.reference} is close to its SLA deadline." in email.body_text


def test_the_preferences_page_sets_each_kind(client, actors):
    client.force_login(actors.l1)
    page = client.get(reverse("preferences")).content.decode()
    assert 'name="notices-sla_breach"' in page and "In the app and by email" in page

    client.post(
        reverse("preferences"),
        {"ui_language": "en", "time_zone": "Asia/Shanghai", "notices-sla_breach": "both", "notices-care": "none"},
    )

    notify(users=[actors.l1], key="b", text="breach", kind=NoticeKind.SLA_BREACH)
    notify(users=[actors.l1], key="c", text="care", kind=NoticeKind.CARE)
    assert list(Notification.objects.filter(user=actors.l1).values_list("key", flat=True)) == ["b"]
    assert len(_emails(actors.l1)) == 1
    page = client.get(reverse("preferences")).content.decode()
    assert re.search(r'name="notices-care"[^>]*>.*?<option value="none" selected>', page, re.S)
