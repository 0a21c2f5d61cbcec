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
    """Same rules as ModelBackend, in one statement on every signed-in request: the user, their agent
    profile with its team's name (read by nearly every page) and their own and their groups'
    permissions, in SQL written once. The ORM compiled these lookups anew on each request, which took
    longer than running them, and each was a round trip of its own."""

    def get_user(self, user_id: Any) -> Any:
        try:
            pk = get_user_model()._meta.get_field("id").to_python(user_id)
        except ValidationError:
            return None
        user = _signed_in(by_token=False, value=pk)
        return user if user is not None and self.user_can_authenticate(user) else None

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            if user_obj.is_superuser:
                rows = Permission.objects.values_list("content_type__app_label", "codename")
                user_obj._perm_cache = {f"{app_label}.{codename}" for app_label, codename in rows}
            else:
                with connection.cursor() as cursor:
                    cursor.execute(_permissions_sql(), [user_obj.pk, user_obj.pk])
                    user_obj._perm_cache = {name for (name,) in cursor.fetchall()}
        return user_obj._perm_cache


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's token authentication, reading the token's user as HelpdeskBackend reads a signed-in user:
    in one statement with their agent profile and permissions. Every API call passes here."""

    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        user = _signed_in(by_token=True, value=key)
        if user is None or not user.is_active:
            return super().authenticate_credentials(key)  # refused by DRF, in its words
        return user, Token(key=key, user=user)


def _signed_in(*, by_token: bool, value: Any) -> Any:
    """The user with this id (or API token), their agent profile cached as user.agent_profile (None
    when they have none) and, unless a superuser (who holds every permission), their permissions."""
    user_model = get_user_model()
    with connection.cursor() as cursor:
        cursor.execute(_signed_in_sql(user_model, by_token), [value])
        row = cursor.fetchone()
    if row is None:
        return None
    users, profiles = len(user_model._meta.concrete_fields), len(AgentProfile._meta.concrete_fields)
    user = _instance(user_model, row[:users])
    if _reads_permissions() and not user.is_superuser:
        user._perm_cache = set(row[-1])
    profile = None
    if row[users] is not None:
        profile = _instance(AgentProfile, row[users : users + profiles])
        profile.__dict__["_team_name"] = row[users + profiles]
    link = cast(OneToOneField, AgentProfile._meta.get_field("user"))
    link.remote_field.set_cached_value(user, profile)
    if profile is not None:
        link.set_cached_value(profile, user)
    return user


def _instance(model: type[Model], values: tuple[Any, ...]) -> Any:
    """A model instance from its concrete columns' values, converted as the ORM converts them."""
    converted = list(values)
    for i, converters, column in _converters(model, connection.alias):
        for convert in converters:
            converted[i] = convert(converted[i], column, connection)
    fields = model._meta.concrete_fields
    return model.from_db(connection.alias, [field.attname for field in fields], converted)


@lru_cache(maxsize=8)
def _converters(model: type[Model], alias: str) -> list[tuple[int, list[Any], Any]]:
    """The backend's and the fields' converters of each of the model's columns that has any."""
    found = []
    for i, field in enumerate(model._meta.concrete_fields):
        column = field.get_col(model._meta.db_table)
        converters = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
        if converters:
            found.append((i, converters, column))
    return found


def _reads_permissions() -> bool:
    """Whether the permissions come in the same statement (as an array: PostgreSQL's); elsewhere (the
    SQLite quick start) they are read when first asked for, as ModelBackend reads them."""
    return connection.vendor == "postgresql"


@lru_cache(maxsize=2)
def _signed_in_sql(model: type[Model], by_token: bool) -> str:
    """Every column of the user (by id, or by API token), of their agent profile, its team's name, and
    their permissions as "app_label.codename" (on PostgreSQL). One %s: the id, or the token."""
    q = connection.ops.quote_name
    user_columns = ", ".join(f"u.{q(field.column)}" for field in model._meta.concrete_fields)
    profile_columns = ", ".join(f"p.{q(field.column)}" for field in AgentProfile._meta.concrete_fields)
    pk = q(model._meta.pk.column)
    token = f"(SELECT t.{q('user_id')} FROM {q(Token._meta.db_table)} t WHERE t.{q('key')} = %s)"  # noqa: S608
    who = token if by_token else "%s"
    permissions = _permissions_sql().replace("user_id = %s", f"user_id = u.{pk}")
    permissions = f", ARRAY({permissions})" if _reads_permissions() else ""
    return (
        f"SELECT {user_columns}, {profile_columns}, tm.{q('name')}{permissions} "  # noqa: S608
        f"FROM {q(model._meta.db_table)} u LEFT JOIN {q(AgentProfile._meta.db_table)} p "
        f"ON p.{q('user_id')} = u.{pk} LEFT JOIN {q(Team._meta.db_table)} tm ON tm.{q('id')} = p.{q('team_id')} "
        f"WHERE u.{pk} = {who}"
    )


@lru_cache(maxsize=1)
def _permissions_sql() -> str:
    """A user's own and their groups' permissions as "app_label.codename": written once, not compiled
    by the ORM on every request (that took longer than running it). Two %s: the user's id."""
    user_model = get_user_model()
    own = user_model._meta.get_field("user_permissions").remote_field.through._meta  # type: ignore[union-attr]
    in_group = user_model._meta.get_field("groups").remote_field.through._meta  # type: ignore[union-attr]
    of_group = Group._meta.get_field("permissions").remote_field.through._meta  # type: ignore[union-attr]
    q = connection.ops.quote_name
    return (
        f"SELECT ct.app_label || '.' || p.codename FROM {q(Permission._meta.db_table)} p "  # noqa: S608
        f"JOIN {q(ContentType._meta.db_table)} ct ON ct.id = p.content_type_id WHERE p.id IN ("
        f"SELECT permission_id FROM {q(own.db_table)} WHERE user_id = %s UNION "
        f"SELECT gp.permission_id FROM {q(of_group.db_table)} gp "
        f"JOIN {q(in_group.db_table)} ug ON ug.group_id = gp.group_id WHERE ug.user_id = %s)"
    )
