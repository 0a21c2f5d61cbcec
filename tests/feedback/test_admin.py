"""Every feedback model is in the admin, and its pages open; the send-side rows are read-only."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from feedback import services
from feedback.models import SurveyInvitation

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows(sent_survey):
    invitation, _token = sent_survey()
    services.survey_respond(invitation=invitation, rating=1, comment="Slow.")
    services.case_record(ticket_id=invitation.ticket_id)
    return invitation


def test_every_feedback_page_of_the_admin_opens(rows, actors, client):
    client.force_login(actors.admin)
    failures = []
    for model in apps.get_app_config("feedback").get_models():
        assert model in admin.site._registry, model
        opts = model._meta
        obj = model._default_manager.order_by("pk").first()
        assert obj is not None, opts.model_name
        for url in (
            reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"),
            reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]),
        ):
            if client.get(url).status_code != 200:
                failures.append(url)
    assert failures == []


def test_invitations_are_read_only_and_never_show_the_token_hash(rows, actors, client):
    client.force_login(actors.admin)
    url = reverse("admin:feedback_surveyinvitation_change", args=[rows.pk])
    page = client.get(url).content.decode()
    assert SurveyInvitation.objects.get(pk=rows.pk).token_hash not in page
    assert 'name="_save"' not in page
    assert client.get(reverse("admin:feedback_surveyinvitation_add")).status_code == 403
