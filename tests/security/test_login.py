"""Sign-in under attack: throttling, uniform answers, session handling, TOTP and the audit trail."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from workspace.models import AuditEntry

pytestmark = pytest.mark.django_db

ATTACKER = "203.0.113.66"
OFFICE = "198.51.100.10"


@pytest.fixture
def axes_on(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 5


def _login(client, username: str, password: str, ip: str = OFFICE):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip)


def _set_password(user, password: str = "right-horse-battery") -> str:
    user.set_password(password)
    user.save()
    return password


def test_an_ip_with_too_many_failures_is_refused_even_with_a_right_password(client, actors, axes_on):
    password = _set_password(actors.l1)
    answers = [_login(client, f"guess{index}", "nope", ATTACKER).status_code for index in range(5)]
    assert answers == [200, 200, 200, 200, 429]
    assert _login(client, "l1", password, ATTACKER).status_code == 429
    assert SESSION_KEY not in client.session


def test_an_attacker_cannot_lock_a_supervisor_out_from_elsewhere(client, actors, axes_on):
    password = _set_password(actors.supervisor)
    for _ in range(6):
        _login(client, "super", "wrong", ATTACKER)
    response = _login(client, "super", password, OFFICE)
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(actors.supervisor.pk)


def test_unknown_user_and_wrong_password_get_the_same_answer(client, actors):
    _set_password(actors.l1)
    unknown = _login(client, "no-such-user", "whatever")
    wrong = _login(client, "l1", "whatever")
    assert unknown.status_code == wrong.status_code == 200
    assert unknown.context["form"].errors == wrong.context["form"].errors


def test_login_gives_a_new_session_id_and_logout_ends_it(client, actors):
    password = _set_password(actors.l1)
    client.get(reverse("login"))
    client.session["probe"] = 1
    before = client.cookies.get("sessionid")
    _login(client, "l1", password)
    after = client.cookies["sessionid"].value
    assert before is None or before.value != after
    old_cookie = after
    client.post(reverse("logout"))
    client.cookies["sessionid"] = old_cookie
    assert client.get(reverse("notifications")).status_code == 302  # back to sign-in


def test_deactivating_a_user_ends_their_sessions(client, actors):
    client.force_login(actors.l1)
    assert client.get(reverse("notifications")).status_code == 200
    actors.l1.is_active = False
    actors.l1.save()
    assert client.get(reverse("notifications")).status_code == 302


@pytest.fixture
def two_factor_on(settings):
    settings.TWO_FACTOR_REQUIRED = True


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_a_supervisor_sets_up_totp_then_every_page_needs_the_code(client, actors, two_factor_on):
    password = _set_password(actors.supervisor)
    response = _login(client, "super", password)
    assert response.status_code == 302
    page = client.get(reverse("policies:queue"))
    assert page.status_code == 302 and page.url.startswith(reverse("two_factor"))
    setup = client.get(page.url)
    assert b"<svg" in setup.content  # the QR code to scan
    device = TOTPDevice.objects.get(user=actors.supervisor, confirmed=False)
    assert client.post(reverse("two_factor"), {"code": "000000"}).status_code == 200
    # A failed code slows the next try down (django-otp throttling); wait that out.
    later = time_machine.travel(timezone.now() + timedelta(seconds=5), tick=False)
    later.start()
    code = _code(device)
    assert client.post(reverse("two_factor"), {"code": code, "next": "/approvals/"}).status_code == 302
    assert client.get(reverse("policies:queue")).status_code == 200
    # A second browser cannot reuse the same code.
    other = type(client)()
    _login(other, "super", password)
    assert other.post(reverse("two_factor"), {"code": code}).status_code == 200
    assert other.get(reverse("policies:queue")).status_code == 302
    later.stop()


def test_agents_are_not_asked_for_a_code(client, actors, two_factor_on):
    client.force_login(actors.l1)
    assert client.get(reverse("notifications")).status_code == 200


def test_the_api_refuses_an_unverified_supervisor_session(client, actors, two_factor_on):
    client.force_login(actors.supervisor)
    assert client.get("/api/v1/tickets/").status_code == 403


def test_logins_failures_and_role_changes_are_audited(client, actors):
    from django.contrib.auth.models import Group

    password = _set_password(actors.l1)
    _login(client, "l1", "bad", ATTACKER)
    _login(client, "l1", password, OFFICE)
    actors.l1.groups.add(Group.objects.get(name="Supervisors"))
    actions = list(AuditEntry.objects.order_by("pk").values_list("action", "ip"))
    assert ("login.failed", ATTACKER) in actions
    assert ("login", OFFICE) in actions
    assert any(action == "user.groups_add" for action, _ip in actions)
    entry = AuditEntry.objects.first()
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()


def test_the_audit_trail_cannot_be_changed_even_in_sql(actors):
    from django.db import DatabaseError, connection, transaction

    from workspace.audit import audit_record

    entry = audit_record(action="export", actor=actors.supervisor)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE helpdesk_auditentry SET action = 'nothing' WHERE id = %s", [entry.pk])
