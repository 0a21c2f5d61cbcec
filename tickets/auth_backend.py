"""Django's model backend and DRF's token authentication, with fewer queries on every signed-in request."""

from __future__ import annotations

from functools import lru_cache
from typing import Any, cast

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Model, OneToOneField
from rest_framework import authentication
from rest_framework.authtoken.models import Token

from tickets.models import AgentProfile, Team


class HelpdeskBackend(ModelBackend):
    """Same rules as ModelBackend, in fewer and cheaper queries on every signed-in request: the user
    and their agent profile with its team's name (read by nearly every page) come from two statements
    written once, and their own and their groups' permissions from one. The ORM compiled these lookups anew on each
    request, which took longer than running them."""

    def get_user(self, user_id: Any) -> Any:
        user_model = get_user_model()
        try:
            pk = user_model._meta.get_field("id").to_python(user_id)
        except ValidationError:
            return None
        user = next(iter(user_model._default_manager.raw(_row_sql(user_model, "id"), [pk])), None)
        if user is None or not self.user_can_authenticate(user):
            return None
        return _with_profile(user)

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            if user_obj.is_superuser:
                rows = Permission.objects.values_list("content_type__app_label", "codename")
            else:
                with connection.cursor() as cursor:
                    cursor.execute(_permissions_sql(), [user_obj.pk, user_obj.pk])
                    rows = cursor.fetchall()
            user_obj._perm_cache = {f"{app_label}.{codename}" for app_label, codename in rows}
        return user_obj._perm_cache


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's token authentication, reading the token's user as HelpdeskBackend reads a signed-in user:
    through a statement written once, with the agent profile alongside. Every API call passes here."""

    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        user_model = get_user_model()
        user = next(iter(user_model._default_manager.raw(_token_user_sql(user_model), [key])), None)
        if user is None or not user.is_active:
            return super().authenticate_credentials(key)  # refused by DRF, in its words
        return _with_profile(user), Token(key=key, user=user)


def _with_profile(user: Any) -> Any:
    """The user with their agent profile read and cached (user.agent_profile; None when they have none)."""
    profile = next(iter(AgentProfile._default_manager.raw(_profile_sql(), [user.pk])), None)
    link = cast(OneToOneField, AgentProfile._meta.get_field("user"))
    link.remote_field.set_cached_value(user, profile)
    if profile is not None:
        link.set_cached_value(profile, user)
    return user


@lru_cache(maxsize=1)
def _token_user_sql(model: type[Model]) -> str:
    """The row of the user holding the API token given as %s."""
    q = connection.ops.quote_name
    columns = ", ".join(f"u.{q(field.column)}" for field in model._meta.concrete_fields)
    return (
        f"SELECT {columns} FROM {q(model._meta.db_table)} u JOIN {q(Token._meta.db_table)} t "  # noqa: S608
        f"ON t.{q('user_id')} = u.{q(model._meta.pk.column)} WHERE t.{q('key')} = %s"
    )


@lru_cache(maxsize=4)
def _row_sql(model: type[Model], column: str) -> str:
    """SELECT every column of `model`'s row(s) WHERE `column` = %s."""
    q = connection.ops.quote_name
    columns = ", ".join(q(field.column) for field in model._meta.concrete_fields)
    return f"SELECT {columns} FROM {q(model._meta.db_table)} WHERE {q(column)} = %s"  # noqa: S608 - model names


@lru_cache(maxsize=1)
def _profile_sql() -> str:
    """The agent profile of a user, with its team's name (the top bar of every page shows it)."""
    q = connection.ops.quote_name
    columns = ", ".join(f"p.{q(field.column)}" for field in AgentProfile._meta.concrete_fields)
    return (
        f"SELECT {columns}, t.{q('name')} AS _team_name FROM {q(AgentProfile._meta.db_table)} p "  # noqa: S608
        f"LEFT JOIN {q(Team._meta.db_table)} t ON t.{q('id')} = p.{q('team_id')} WHERE p.{q('user_id')} = %s"
    )


@lru_cache(maxsize=1)
def _permissions_sql() -> str:
    """A user's own and their groups' permissions as (app label, codename): written once, not compiled
    by the ORM on every request (that took longer than running it)."""
    user_model = get_user_model()
    own = user_model._meta.get_field("user_permissions").remote_field.through._meta  # type: ignore[union-attr]
    in_group = user_model._meta.get_field("groups").remote_field.through._meta  # type: ignore[union-attr]
    of_group = Group._meta.get_field("permissions").remote_field.through._meta  # type: ignore[union-attr]
    q = connection.ops.quote_name
    return (
        f"SELECT ct.app_label, p.codename FROM {q(Permission._meta.db_table)} p "  # noqa: S608 - table names only
        f"JOIN {q(ContentType._meta.db_table)} ct ON ct.id = p.content_type_id WHERE p.id IN ("
        f"SELECT permission_id FROM {q(own.db_table)} WHERE user_id = %s UNION "
        f"SELECT gp.permission_id FROM {q(of_group.db_table)} gp "
        f"JOIN {q(in_group.db_table)} ug ON ug.group_id = gp.group_id WHERE ug.user_id = %s)"
    )
