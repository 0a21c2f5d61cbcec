"""CSRF and safe methods, over every URL the project routes (the resolver is walked, so a new
page is covered the day it is added): a cross-site POST, PUT, PATCH or DELETE riding a signed-in
session is refused and changes nothing; a GET changes nothing, whoever sends it."""

from __future__ import annotations

import re
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from feedback import services as feedback
from policies import services as policies
from tickets import services as tickets
from tickets.models import Channel, Status

from .conftest import Route, changed_tables, changes_so_far, routes, sent_survey_link

pytestmark = pytest.mark.django_db

# Views that take no browser session, so a forged cross-site request has nothing to ride on:
# each authenticates its caller by a secret of its own (bearer token, webhook signature).
CSRF_EXEMPT = {
    "public:inbound_email",
    "logistics:webhook_aftership",
    "logistics:webhook_17track",
    "messaging:webhook",
}
# The chat widget's API: the visitor is known by a bearer token, never by a cookie, and a page of
# another origin than ours or the chat site's is refused (tests/chat/test_widget_api.py). A forged
# request finds no chat (404) or no conversation (401), or the wrong method (405): nothing is stored.
CHAT_WIDGET_API = {
    f"chat:api_{name}"
    for name in ("status", "start", "conversation", "events", "messages", "read", "end", "email_me", "rating", "file")
}
# GETs that write, each for a reason that is no state change an attacker could want.
GET_WRITES: dict[str, set[str]] = {
    # The first visit creates the (unconfirmed) authenticator whose secret the QR code shows; a
    # second visit shows the same one. Nothing is enabled until a code from it is posted.
    "two_factor": {"otp_totp_totpdevice"},
    # Reading data out is itself recorded: the audit row is the trail of the export, not a change.
    "reports:export": {"helpdesk_auditentry"},
    # Opening one's own notice marks it read on the way to the page it points to: the user's own
    # state, as a mail client's (found when the numbering made the test's notice the user's own).
    "notification_open": {"helpdesk_notification"},
}
# The session row is rewritten whenever Django's session machinery decides to (flash messages
# consumed, a language chosen): the user's own state, not the application's.
SESSION_TABLES = {"django_session"}


@pytest.fixture
def world(actors, categories, usd_tiers, own):
    """One of each of our team's rows, so every URL can name a real object."""
    request = policies.compensation_request_create(
        ticket=own, actor=actors.l1, kind="partial_refund", reason="late", amount="80.00", currency="USD"
    )
    solved = tickets.ticket_create(
        customer=actors.customer, subject="Solved", body="Done?", channel=Channel.WEB, category=categories.other
    )
    tickets.message_add_reply(ticket=solved, author=actors.l1, body="Done.")
    tickets.ticket_set_status(ticket=solved, status=Status.SOLVED, actor=actors.l1)
    invitation, link = sent_survey_link(solved)
    response = feedback.survey_respond(invitation=invitation, rating=2)
    feedback.case_record(ticket_id=solved.pk)
    TOTPDevice.objects.create(user=actors.supervisor, name="authenticator", confirmed=True)
    Token.objects.create(user=actors.l2)
    return SimpleNamespace(
        ticket=own, attachment=own.attachments.get(), request=request, solved=solved, link=link, care=response.care
    )


def _value(route: Route, param: str, world: SimpleNamespace) -> str:
    name = route.name
    if param in ("pk", "ticket_pk", "ticket_id"):
        if "care" in name:
            return str(world.care.pk)
        if "compensation" in name or name in ("policies:request", "policies:decide"):
            return str(world.request.pk)
        if "attachment-" in name:
            return str(world.attachment.pk)
        if "customer" in name:
            return str(world.ticket.customer_id)
        if "case_summary" in name:
            return str(world.solved.pk)
        return str(world.ticket.pk)
    if param == "token":
        return world.link if "survey" in name else world.attachment.token
    if param == "name":
        if name == "reports:export":
            from reports.selectors import EXPORTS

            return sorted(EXPORTS)[0]
        return "status"
    if param == "app_label":
        return "tickets"
    return "1"


def _url(route: Route, world: SimpleNamespace) -> str:
    kwargs = {param: _value(route, param, world) for param in route.params}
    for param in ("object_id", "pk"):
        if route.is_admin and param in kwargs:
            model = _admin_model(route)
            row = model.objects.order_by("pk").first() if model is not None else None
            kwargs[param] = str(row.pk) if row is not None else "1"
    try:
        return reverse(route.name, kwargs=kwargs)
    except Exception:  # a pattern reverse() cannot fill (e.g. a regex with a fixed format suffix)
        return "/" + re.sub(r"<[^>]+>|\(\?P<[^>]+>[^)]*\)", "1", route.pattern).lstrip("^").rstrip("$")


def _admin_model(route: Route) -> Any:
    from django.contrib import admin

    for model in admin.site._registry:
        if route.name.startswith(f"admin:{model._meta.app_label}_{model._meta.model_name}_"):
            return model
    return None


def _isolated(send: Any, url: str, data: dict[str, str]) -> Any:
    """One request in a savepoint: a page failing on a database error (answered 500 and reported)
    must not abort the test's transaction for every URL after it."""
    savepoint = transaction.savepoint()
    response = send(url, data)
    if response.status_code >= 500:
        transaction.savepoint_rollback(savepoint)
    else:
        transaction.savepoint_commit(savepoint)
    return response


def test_csrf_exemptions_are_only_the_secret_authenticated_endpoints():
    exempt = {
        route.name
        for route in routes()
        if getattr(route.callback, "csrf_exempt", False) and not route.is_api and not route.is_admin
    }
    assert exempt == CSRF_EXEMPT | CHAT_WIDGET_API


@pytest.mark.parametrize("user", ["supervisor", "admin"])
def test_a_cross_site_request_riding_the_session_is_refused_everywhere(actors, world, user):
    # given a signed-in user whose browser an attacker's page makes send requests without the token
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    client.force_login(getattr(actors, user))
    refused, wrong = 0, []
    for route in routes():
        if route.is_admin != (user == "admin"):
            continue
        url = _url(route, world)
        methods = ["post", "put", "patch", "delete"] if route.is_api else ["post"]
        for method in methods:
            before = changes_so_far()
            response = _isolated(getattr(client, method), url, {"comment": "forged", "body": "forged"})
            expected = {401} if route.name in CSRF_EXEMPT else {403}
            if route.name in CHAT_WIDGET_API:
                expected = {401, 404, 405}
            if response.status_code not in expected or changed_tables(before, changes_so_far(), SESSION_TABLES):
                wrong.append((method.upper(), url, response.status_code))
            refused += 1
    # then every one is refused (or, for the endpoints without sessions, unauthenticated), nothing stored
    assert wrong == []
    assert refused > (200 if user == "admin" else 40)


def test_the_same_requests_with_the_token_go_through(actors, world):
    # the control: the refusals above come from the missing token, nothing else
    client = Client(enforce_csrf_checks=True)
    client.force_login(actors.l1)
    client.get(reverse("tickets:detail", args=[world.ticket.pk]))
    token = client.cookies["csrftoken"].value
    note = client.post(
        reverse("tickets:note", args=[world.ticket.pk]), {"note-body": "ok", "csrfmiddlewaretoken": token}
    )
    api = client.post(
        f"/api/v1/tickets/{world.ticket.pk}/messages/",
        {"kind": "note", "body": "ok"},
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )
    assert (note.status_code, api.status_code) == (302, 201)


def test_an_api_token_is_not_a_cookie_so_it_needs_no_csrf_token(actors, world):
    key = Token.objects.create(user=actors.l1).key
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        f"/api/v1/tickets/{world.ticket.pk}/messages/",
        {"kind": "note", "body": "From the platform"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {key}",
    )
    assert response.status_code == 201


@pytest.mark.parametrize("user", ["supervisor", "admin", "l1", "anonymous"])
def test_no_get_anywhere_changes_a_row(actors, world, user):
    # given every URL of the project, with real objects in it
    client = Client(raise_request_exception=False)
    if user != "anonymous":
        client.force_login(getattr(actors, user))
    errors, writes, visited = [], [], 0
    for route in routes():
        if route.is_admin and user not in ("admin", "supervisor"):
            continue
        url = _url(route, world)
        before = changes_so_far()
        # when a GET (a link, a prefetch, an <img src>) is sent to it
        response = _isolated(client.get, url, {"rating": "1"} if "survey" in route.name else {})
        visited += 1
        # then nothing is written, and no page fails
        written = changed_tables(before, changes_so_far(), SESSION_TABLES | GET_WRITES.get(route.name, set()))
        if written:
            writes.append((url, sorted(written)))
        if response.status_code >= 500:
            errors.append((url, response.status_code))
    assert writes == []
    assert errors == []
    assert visited > 40
