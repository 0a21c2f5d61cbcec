"""The request-time auth backend grants exactly what Django's ModelBackend grants, in fewer queries."""

from __future__ import annotations

from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import AnonymousUser, Permission
from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils.functional import SimpleLazyObject

from helpdesk import roles
from tickets.auth_backend import HelpdeskBackend, TokenAuthentication

pytestmark = pytest.mark.django_db


def fresh(user):
    return get_user_model().objects.get(pk=user.pk)


def test_permissions_from_groups_and_direct_grants_match_the_model_backend(actors):
    user = actors.l1
    user.user_permissions.add(Permission.objects.get(codename="view_reports"))

    ours = HelpdeskBackend().get_all_permissions(fresh(user))
    django = ModelBackend().get_all_permissions(fresh(user))

    assert ours == django
    assert {roles.WORK_TICKETS, roles.VIEW_REPORTS} <= ours
    assert roles.SUPERVISE not in ours


def test_a_superuser_holds_every_permission_and_an_inactive_user_none(actors):
    admin, agent = fresh(actors.admin), fresh(actors.l2)
    agent.is_active = False

    assert HelpdeskBackend().get_all_permissions(admin) == ModelBackend().get_all_permissions(fresh(actors.admin))
    assert HelpdeskBackend().get_all_permissions(agent) == set()


def test_the_signed_in_user_comes_with_the_agent_profile_and_permissions_in_one_query(actors):
    backend = HelpdeskBackend()
    with CaptureQueriesContext(connection) as signing_in:
        user = backend.get_user(actors.supervisor.pk)

    with CaptureQueriesContext(connection) as queries:
        team_id = user.agent_profile.team_id
        team_name = user.agent_profile.team_name
        allowed = roles.is_agent(user) and roles.is_supervisor(user)
        languages = user.agent_profile.languages

    assert len(signing_in) == 1 and len(queries) == 0
    assert team_id == actors.supervisor.agent_profile.team_id
    assert team_name == actors.supervisor.agent_profile.team.name
    assert allowed and not roles.is_admin(user)
    assert languages == actors.supervisor.agent_profile.languages and isinstance(languages, list)
    assert backend.get_all_permissions(user) == ModelBackend().get_all_permissions(fresh(actors.supervisor))


def test_a_user_without_an_agent_profile_is_read_in_one_query_too(actors):
    plain = get_user_model().objects.create_user("no-profile", password="x")
    with CaptureQueriesContext(connection) as queries:
        user = HelpdeskBackend().get_user(plain.pk)
        assert getattr(user, "agent_profile", None) is None
        assert not roles.is_agent(user)
    assert len(queries) == 1


def test_a_deactivated_user_is_not_signed_in(actors):
    get_user_model().objects.filter(pk=actors.l3.pk).update(is_active=False)

    assert HelpdeskBackend().get_user(actors.l3.pk) is None


def test_a_user_without_an_agent_profile_and_a_malformed_id(actors):
    user = HelpdeskBackend().get_user(actors.admin.pk)

    with CaptureQueriesContext(connection) as queries:
        profile = getattr(user, "agent_profile", None)

    assert user == actors.admin and profile is None and len(queries) == 0
    assert HelpdeskBackend().get_user("not-a-number") is None
    assert HelpdeskBackend().get_user(10**9) is None


def test_an_api_token_signs_in_its_user_with_the_profile_read_and_refuses_as_drf_does(actors):
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    def call(key: str) -> object:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        return client.get("/api/v1/tickets/")

    key = Token.objects.create(user=actors.l1).key
    assert call(key).status_code == 200
    user, token = TokenAuthentication().authenticate_credentials(key)
    assert (user.pk, token.key, token.user_id) == (actors.l1.pk, key, actors.l1.pk)
    team_id = fresh(actors.l1).agent_profile.team_id
    with CaptureQueriesContext(connection) as queries:
        assert user.agent_profile.team_id == team_id
    assert len(queries) == 0  # read alongside the user

    refused = call(key[:-1] + ("0" if key[-1] != "0" else "1"))
    assert (refused.status_code, refused.json()["detail"]) == (401, "Invalid token.")
    get_user_model().objects.filter(pk=actors.l1.pk).update(is_active=False)
    refused = call(key)
    assert (refused.status_code, refused.json()["detail"]) == (401, "User inactive or deleted.")


def test_a_role_is_asked_of_the_backends_once_per_user_object_and_follows_its_flags(actors):
    user = HelpdeskBackend().get_user(actors.l1.pk)
    with mock.patch.object(
        type(user), "has_perm", autospec=True, side_effect=lambda u, p: p == roles.WORK_TICKETS
    ) as asked:
        assert roles.is_agent(user) and roles.is_agent(user) and not roles.is_supervisor(user)
        assert asked.call_count == 2  # once per permission
        user.is_active = False
        assert not roles.is_agent(user)
        user.is_active, user.is_superuser = True, True
        assert roles.is_supervisor(user) is False and asked.call_count == 3  # asked afresh for a superuser
    assert not roles.holds(AnonymousUser(), roles.WORK_TICKETS)


def test_views_get_the_signed_in_user_itself_not_a_lazy_wrapper(actors):
    from helpdesk.middleware import UserPreferencesMiddleware

    user = HelpdeskBackend().get_user(actors.l1.pk)
    request = RequestFactory().get("/queue/")
    request.user = SimpleLazyObject(lambda: SimpleLazyObject(lambda: user))  # auth's, then two-factor's
    seen = []
    UserPreferencesMiddleware(lambda r: seen.append(r.user) or HttpResponse())(request)
    assert seen == [user] and type(seen[0]) is type(user)
