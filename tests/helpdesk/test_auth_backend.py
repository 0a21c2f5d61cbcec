"""The request-time auth backend grants exactly what Django's ModelBackend grants, in fewer queries."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from helpdesk import roles
from tickets.auth_backend import HelpdeskBackend

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
    user = backend.get_user(actors.supervisor.pk)

    with CaptureQueriesContext(connection) as queries:
        team_id = user.agent_profile.team_id
        allowed = roles.is_agent(user) and roles.is_supervisor(user)

    assert team_id == actors.supervisor.agent_profile.team_id
    assert allowed
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
