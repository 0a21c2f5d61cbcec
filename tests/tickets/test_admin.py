"""The Django admin: every page loads, and what must change through the services cannot be edited."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core import mail
from django.db.models import Model
from django.urls import reverse
from django.utils import timezone, translation
from rest_framework.authtoken.models import Token

from tests.factories import OrderFactory
from tickets import services
from tickets.models import (
    AgentProfile,
    CannedReply,
    Category,
    CategoryField,
    Channel,
    InboundEmail,
    Macro,
    Metric,
    OutboundEmail,
    Priority,
    SlaBreach,
    SlaClock,
    Status,
    Tag,
    Ticket,
    TicketEvent,
)
from tickets.services import AttachmentInput
from tickets.services.bulk import bulk_apply
from tickets.services.saved_views import ViewSpec, saved_view_create
from workspace.models import WorkerHeartbeat
from workspace.notifications import notice_preferences_set, notify

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
OUR_APPS = {"tickets", "workspace"}


@pytest.fixture
def staff_admin(client, actors):
    client.force_login(actors.admin)
    return client


@pytest.fixture
def ticket(actors, categories):
    """A ticket with a row in every related table: messages, an attachment, history, emails, SLA."""
    order = OrderFactory.create(customer=actors.customer)
    ticket = services.ticket_create(
        customer=actors.customer,
        subject="Broken lamp",
        body="It arrived broken",
        channel=Channel.WEB,
        category=categories.product,
        order=order,
    )
    services.message_add_note(
        ticket=ticket,
        author=actors.l1,
        body="photo from chat",
        attachments=[AttachmentInput(name="lamp.png", content=PNG)],
    )
    services.message_add_reply(ticket=ticket, author=actors.l1, body="We are sorry")
    clock = SlaClock.objects.filter(ticket=ticket).first() or SlaClock.objects.create(
        ticket=ticket, metric=Metric.RESOLUTION, target_minutes=60, started_at=timezone.now()
    )
    SlaBreach.objects.create(
        clock=clock, ticket=ticket, metric=clock.metric, due_at=timezone.now(), recorded_at=timezone.now()
    )
    InboundEmail.objects.create(
        message_id="<m1@example.com>",
        raw=b"Subject: hi\r\n\r\n<b>body</b>",
        source="imap",
        state=InboundEmail.State.QUARANTINED,
        reason="No sender address",
    )
    CannedReply.objects.create(title="Thanks", body="Thank you, {customer_name}!")
    services.ticket_change_tags(ticket=ticket, actor=actors.l1, add=["fragile"])
    fragile = Macro.objects.create(name="Fragile goods")
    fragile.tags.add(Tag.objects.get(name="fragile"))
    services.macro_apply(ticket=ticket, macro=fragile, actor=actors.l1)
    bulk_apply(actor=actors.l1, ticket_ids=[ticket.pk], kind="priority", value=str(Priority.HIGH))
    WorkerHeartbeat.objects.create(token="t1", hostname="worker-1")
    notify(users=[actors.l1], key="k1", text="SLA warning")
    notice_preferences_set(user=actors.l1, choices={"sla_breach": "both"})
    saved_view_create(owner=actors.l1, name="Mine", spec=ViewSpec(base="mine"))
    Token.objects.create(user=actors.l1)
    return ticket


def our_model_admins():
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label in OUR_APPS or model is get_user_model():
            yield model, model_admin


def test_every_model_of_tickets_and_helpdesk_is_in_the_admin():
    registered = admin.site._registry
    # Edited on their parent's page rather than on their own.
    inline_on: dict[type[Model], type[Model]] = {AgentProfile: get_user_model(), CategoryField: Category}
    missing = []
    for label in OUR_APPS:
        for model in apps.get_app_config(label).get_models():
            if model in inline_on:
                parent_admin = registered[inline_on[model]]
                assert model in [inline.model for inline in parent_admin.inlines]
            elif model not in registered:
                missing.append(model.__name__)
    assert missing == []


def test_every_changelist_and_change_page_loads_for_a_superuser(staff_admin, ticket):
    failures = []
    for model, _model_admin in our_model_admins():
        opts = model._meta
        changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        response = staff_admin.get(changelist)
        if response.status_code != 200:
            failures.append((changelist, response.status_code))
        obj = model._default_manager.order_by("pk").first()
        assert obj is not None, f"no {opts.model_name} row to open"
        change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        response = staff_admin.get(change)
        if response.status_code != 200:
            failures.append((change, response.status_code))
    assert failures == []


def test_api_tokens_are_created_in_the_admin(staff_admin, actors):
    assert staff_admin.get(reverse("admin:authtoken_tokenproxy_add")).status_code == 200
    response = staff_admin.post(reverse("admin:authtoken_tokenproxy_add"), {"user": actors.l2.pk})
    assert response.status_code == 302
    assert Token.objects.filter(user=actors.l2).exists()


def test_ticket_history_can_be_neither_added_edited_nor_deleted_even_by_a_superuser(staff_admin, ticket):
    event = TicketEvent.objects.filter(ticket=ticket).earliest("pk")
    assert staff_admin.get(reverse("admin:tickets_ticketevent_add")).status_code == 403
    assert staff_admin.get(reverse("admin:tickets_ticketevent_delete", args=[event.pk])).status_code == 403
    response = staff_admin.post(
        reverse("admin:tickets_ticketevent_change", args=[event.pk]),
        {"kind": "forged", "old_value": "", "new_value": ""},
    )
    assert response.status_code == 403
    changelist = staff_admin.get(reverse("admin:tickets_ticketevent_changelist"))
    assert b"delete_selected" not in changelist.content
    assert reverse("admin:tickets_ticketevent_add") not in changelist.content.decode()
    event.refresh_from_db()
    assert event.kind != "forged"


@pytest.mark.parametrize("model_name", ["message", "attachment", "outboundemail", "inboundemail", "slabreach"])
def test_system_written_rows_are_read_only(staff_admin, ticket, model_name):
    assert staff_admin.get(reverse(f"admin:tickets_{model_name}_add")).status_code == 403
    model = apps.get_model("tickets", model_name)
    obj = model.objects.first()
    assert staff_admin.get(reverse(f"admin:tickets_{model_name}_delete", args=[obj.pk])).status_code == 403


def _ticket_form(ticket: Ticket, **changes) -> dict:
    data = {
        "priority": ticket.priority,
        "category": ticket.category_id or "",
        "assignee": ticket.assignee_id or "",
        "language": ticket.language,
    }
    return {**data, **changes}


def test_ticket_status_cannot_be_changed_in_the_admin(staff_admin, ticket):
    url = reverse("admin:tickets_ticket_change", args=[ticket.pk])
    page = staff_admin.get(url).content.decode()
    assert 'name="status"' not in page and 'name="solved_at"' not in page and 'name="team"' not in page
    response = staff_admin.post(
        url,
        _ticket_form(
            ticket, status=Status.SOLVED, solved_at="2026-01-01 00:00", first_response_at="", team=ticket.team_id + 1
        ),
    )
    assert response.status_code == 302
    fresh = Ticket.objects.get(pk=ticket.pk)
    assert fresh.status == ticket.status and fresh.solved_at is None and fresh.team_id == ticket.team_id
    assert fresh.first_response_at == ticket.first_response_at


def test_ticket_changes_in_the_admin_go_through_the_services_and_are_recorded(staff_admin, actors, ticket, categories):
    url = reverse("admin:tickets_ticket_change", args=[ticket.pk])
    response = staff_admin.post(
        url, _ticket_form(ticket, priority=Priority.URGENT, assignee=actors.l2.pk, category=categories.other.pk)
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.priority == Priority.URGENT and ticket.assignee == actors.l2
    events = TicketEvent.objects.filter(ticket=ticket, actor=actors.admin)
    assert set(events.values_list("kind", flat=True)) == {"priority", "assignee", "category"}


def test_ticket_admin_refuses_an_assignee_outside_the_team(staff_admin, actors, ticket):
    url = reverse("admin:tickets_ticket_change", args=[ticket.pk])
    response = staff_admin.post(url, _ticket_form(ticket, assignee=actors.other_team_agent.pk))
    assert response.status_code == 200
    assert "Choose an agent of the ticket" in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.assignee is None


def test_tickets_are_not_added_or_deleted_in_the_admin(staff_admin, ticket):
    assert staff_admin.get(reverse("admin:tickets_ticket_add")).status_code == 403
    assert staff_admin.get(reverse("admin:tickets_ticket_delete", args=[ticket.pk])).status_code == 403


def test_ticket_changelist_searches_by_subject_and_customer_email(staff_admin, ticket):
    url = reverse("admin:tickets_ticket_changelist")
    assert ticket.subject in staff_admin.get(url, {"q": "lamp"}).content.decode()
    assert ticket.subject in staff_admin.get(url, {"q": "lena@example"}).content.decode()
    assert ticket.subject not in staff_admin.get(url, {"q": "nothing-like-it"}).content.decode()


def test_retry_now_resets_a_failed_email_to_pending_and_due(staff_admin, ticket):
    failed = OutboundEmail.objects.get(ticket=ticket)  # the reply's email
    OutboundEmail.objects.filter(pk=failed.pk).update(
        state=OutboundEmail.State.FAILED, attempts=5, last_error="SMTP down", due_at=timezone.now() - timedelta(days=1)
    )
    sent = OutboundEmail.objects.create(
        key="other",
        ticket=ticket,
        to="x@example.com",
        subject="s",
        body_text="b",
        email_message_id="<x@h>",
        due_at=timezone.now(),
        state=OutboundEmail.State.SENT,
    )
    response = staff_admin.post(
        reverse("admin:tickets_outboundemail_changelist"),
        {"action": "retry_now", "_selected_action": [failed.pk, sent.pk]},
        follow=True,
    )
    assert "1 email will be sent again." in response.content.decode()
    failed.refresh_from_db()
    sent.refresh_from_db()
    # The send is enqueued after commit (never, inside this test): the row is pending and due.
    assert failed.state == OutboundEmail.State.PENDING and failed.last_error == ""
    assert failed.due_at <= timezone.now() and failed.due_at > timezone.now() - timedelta(minutes=1)
    assert sent.state == OutboundEmail.State.SENT


def test_a_retried_email_is_sent_once_the_action_commits(staff_admin, ticket, django_capture_on_commit_callbacks):
    failed = OutboundEmail.objects.get(ticket=ticket)  # the reply's email
    OutboundEmail.objects.filter(pk=failed.pk).update(state=OutboundEmail.State.FAILED)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        staff_admin.post(
            reverse("admin:tickets_outboundemail_changelist"), {"action": "retry_now", "_selected_action": [failed.pk]}
        )
    failed.refresh_from_db()
    assert failed.state == OutboundEmail.State.SENT
    assert [m.to for m in mail.outbox] == [[failed.to]]


def test_quarantined_inbound_email_is_listed_by_state_with_its_reason(staff_admin, ticket):
    url = reverse("admin:tickets_inboundemail_changelist")
    page = staff_admin.get(url, {"state__exact": "quarantined"}).content.decode()
    assert "No sender address" in page
    assert "No sender address" not in staff_admin.get(url, {"state__exact": "processed"}).content.decode()
    detail = staff_admin.get(
        reverse("admin:tickets_inboundemail_change", args=[InboundEmail.objects.get().pk])
    ).content.decode()
    assert "&lt;b&gt;body&lt;/b&gt;" in detail  # the raw message is shown escaped, never rendered


def test_a_category_with_its_facts_is_set_up_in_several_languages(staff_admin):
    url = reverse("admin:tickets_category_add")
    page = staff_admin.get(url).content.decode()
    scripts = re.findall(r'<script[^>]+src="([^"]+)"', page)
    assert scripts and not [s for s in scripts if s.startswith(("http:", "https:", "//"))]
    response = staff_admin.post(
        url,
        {
            "slug": "customs",
            "name_en": "Customs",
            "name_de": "Zoll",
            "name_zh_hans": "海关",
            "description_en": "",
            "kind": "complaint",
            "position": 5,
            "is_active": "on",
            "fields-TOTAL_FORMS": "1",
            "fields-INITIAL_FORMS": "0",
            "fields-MIN_NUM_FORMS": "0",
            "fields-MAX_NUM_FORMS": "1000",
            "fields-0-key": "declaration_number",
            "fields-0-label_en": "Declaration number",
            "fields-0-label_de": "Zollanmeldungsnummer",
            "fields-0-field_type": "text",
            "fields-0-required": "on",
            "fields-0-position": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    category = Category.objects.get(slug="customs")
    with translation.override("de"):
        assert category.name == "Zoll"
        assert category.fields.get().label == "Zollanmeldungsnummer"
    with translation.override("en"):
        assert category.name == "Customs"


def test_a_new_agent_is_set_up_with_their_helpdesk_profile_on_the_user_page(staff_admin, teams):
    url = reverse("admin:auth_user_change", args=[get_user_model().objects.get(username="l1").pk])
    assert b"helpdesk profile" in staff_admin.get(url).content.lower()
    response = staff_admin.post(
        reverse("admin:auth_user_add"),
        {
            "username": "newagent",
            "password1": "a-Long-pass-phrase-91",
            "password2": "a-Long-pass-phrase-91",
            "usable_password": "true",
            "agent_profile-TOTAL_FORMS": "1",
            "agent_profile-INITIAL_FORMS": "0",
            "agent_profile-MIN_NUM_FORMS": "0",
            "agent_profile-MAX_NUM_FORMS": "1",
            "agent_profile-0-team": teams.asia.pk,
            "agent_profile-0-tier": "L2",
            "agent_profile-0-languages": ["ja", "en"],  # ticked, not typed as JSON
            "agent_profile-0-time_zone": "Asia/Tokyo",
            "agent_profile-0-ui_language": "en",
            "agent_profile-0-on_shift": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    profile = AgentProfile.objects.get(user__username="newagent")
    assert profile.team == teams.asia and profile.tier == "L2" and profile.languages == ["en", "ja"]


def test_an_order_with_an_over_precise_amount_is_refused_in_the_admin(staff_admin, actors):
    response = staff_admin.post(
        reverse("admin:tickets_order_add"),
        {
            "customer": actors.customer.pk,
            "platform": "web",
            "external_number": "JP-1",
            "currency": "jpy",
            "total": "100.5",
            "ship_to_country": "JP",
            "placed_at_0": "2026-10-01",
            "placed_at_1": "10:00:00",
        },
    )
    assert response.status_code == 200
    assert "at most 0 decimal places" in response.content.decode()
