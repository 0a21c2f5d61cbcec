"""The audit trail: an append-only row for every login, role change, compensation decision and export."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed, post_save, pre_save
from django.dispatch import receiver
from django.http import HttpRequest

from helpdesk.ratelimit import client_ip

from .models import AuditEntry


def audit_record(
    *, action: str, request: HttpRequest | None = None, actor: Any = None, target: Any = None, **detail: Any
) -> AuditEntry:
    if actor is None and request is not None and getattr(request, "user", None) is not None:
        actor = request.user if request.user.is_authenticated else None
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=(actor.get_username() if getattr(actor, "pk", None) else "")[:150],
        ip=client_ip(request) if request is not None else "",
        action=action,
        target_type=type(target).__name__ if target is not None else "",
        target_id=str(getattr(target, "pk", "") or ""),
        detail={k: str(v)[:500] for k, v in detail.items()},
    )


@receiver(user_logged_in)
def _logged_in(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    audit_record(action="login", request=request, actor=user, target=user)


@receiver(user_logged_out)
def _logged_out(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit_record(action="logout", request=request, actor=user, target=user)


@receiver(user_login_failed)
def _login_failed(sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any) -> None:
    audit_record(action="login.failed", request=request, username=str(credentials.get("username", ""))[:150])


User = get_user_model()
_ROLE_FIELDS = ("is_active", "is_staff", "is_superuser")


@receiver(pre_save, sender=User)
def _remember_roles(sender: Any, instance: Any, **kwargs: Any) -> None:
    if instance.pk:
        instance._audit_before = User.objects.filter(pk=instance.pk).values(*_ROLE_FIELDS).first()


@receiver(post_save, sender=User)
def _role_fields_changed(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    before = getattr(instance, "_audit_before", None)
    if not before:
        return
    changed = {f: getattr(instance, f) for f in _ROLE_FIELDS if before[f] != getattr(instance, f)}
    if changed:
        audit_record(action="user.roles_changed", target=instance, **changed)


@receiver(m2m_changed, sender=User.groups.through)
def _groups_changed(sender: Any, instance: Any, action: str, pk_set: set[int] | None, **kwargs: Any) -> None:
    if action in ("post_add", "post_remove", "post_clear") and isinstance(instance, User):
        audit_record(
            action=f"user.groups_{action.removeprefix('post_')}",
            target=instance,
            groups=",".join(str(pk) for pk in sorted(pk_set or [])),
        )
