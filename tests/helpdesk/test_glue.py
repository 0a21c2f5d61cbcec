"""The shared glue: one home each, and the rules it keeps (defaults only in settings.py)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from django import forms
from django.contrib import admin
from django.test import RequestFactory

from feedback.models import SurveyInvitation
from helpdesk.errors import ServiceError, add_service_error
from helpdesk.htmx import is_htmx, wants_fragment
from helpdesk.links import page_url
from policies.models import CompensationGrant
from tests.factories import TicketFactory

ROOT = Path(__file__).resolve().parents[2]
APPS = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["root_packages"]
# getattr(settings, "NAME", default): a default repeated outside settings.py.
REPEATED_DEFAULT = re.compile(r"getattr\(\s*(?:django_)?settings\s*,\s*[^,()]+,")


def test_no_setting_has_its_default_repeated_outside_settings_py():
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for app in APPS
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts and "settings" not in path.relative_to(ROOT).parts[:2]
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if REPEATED_DEFAULT.search(line)
    ]
    assert offenders == []


@pytest.mark.django_db
def test_a_ticket_says_where_its_page_is_and_links_land_on_a_part_of_it():
    ticket = TicketFactory()

    assert ticket.get_absolute_url() == f"/tickets/{ticket.pk}/"
    assert page_url(ticket) == f"/tickets/{ticket.pk}/"
    assert page_url(ticket, "panel-logistics") == f"/tickets/{ticket.pk}/#panel-logistics"


class _Form(forms.Form):
    message = forms.CharField(required=False)
    target = forms.CharField(required=False)


def test_a_refusal_lands_on_the_field_it_names_or_its_fallback_or_the_whole_form():
    named = _Form(data={})
    add_service_error(named, ServiceError("No such ticket.", field="target"))
    renamed = _Form(data={})
    add_service_error(renamed, ServiceError("Say something.", field="body"), renames={"body": "message"})
    fallback = _Form(data={})
    add_service_error(fallback, ServiceError("Not that one.", field="unknown"), fallback="target")
    whole = _Form(data={})
    add_service_error(whole, ServiceError("Try again later."))

    assert named.errors["target"] == ["No such ticket."]
    assert renamed.errors["message"] == ["Say something."]
    assert fallback.errors["target"] == ["Not that one."]
    assert whole.non_field_errors() == ["Try again later."]


def test_htmx_requests_are_told_apart_from_page_loads():
    factory = RequestFactory()
    plain = factory.get("/")
    fragment = factory.get("/", headers={"HX-Request": "true"})
    boosted = factory.get("/", headers={"HX-Request": "true", "HX-Boosted": "true"})

    assert (is_htmx(plain), wants_fragment(plain)) == (False, False)
    assert (is_htmx(fragment), wants_fragment(fragment)) == (True, True)
    assert (is_htmx(boosted), wants_fragment(boosted)) == (True, False)


@pytest.mark.django_db
def test_records_only_services_write_cannot_be_added_changed_or_deleted_in_the_admin_but_surveys_may_go(
    actors,
):
    request = RequestFactory().get("/admin/")
    request.user = actors.admin
    grants = admin.site._registry[CompensationGrant]
    invitations = admin.site._registry[SurveyInvitation]

    assert not grants.has_add_permission(request)
    assert not grants.has_change_permission(request)
    assert not grants.has_delete_permission(request)
    assert not invitations.has_add_permission(request)
    assert not invitations.has_change_permission(request)
    assert invitations.has_delete_permission(request)
