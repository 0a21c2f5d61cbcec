"""Notices to staff: one write path, idempotent by key, delivered as each person chose for its kind
(in the app's bell, by email, both, or not at all).

Email goes through the helpdesk's send log, which lives in `tickets`, above this app: `tickets`
registers the function that queues the emails (`register_notice_mailer`), as it registers its panels."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from helpdesk.bulk import insert_rows
from helpdesk.errors import ServiceError

from .live.streams import publish_many
from .models import Delivery, NoticeKind, NoticePreference, Notification

DEFAULT_DELIVERY = Delivery.APP
IN_APP = (Delivery.APP, Delivery.BOTH)
BY_EMAIL = (Delivery.EMAIL, Delivery.BOTH)
NOTICE_FIELDS = ("user_id", "key", "text", "url", "created_at", "kind")


@dataclass(frozen=True)
class Notice:
    """One notice for one person."""

    user_id: int
    key: str
    text: str
    url: str
    kind: str = NoticeKind.OTHER


NoticeMailer = Callable[[list[Notice]], None]
_MAILERS: list[NoticeMailer] = []


def register_notice_mailer(mailer: NoticeMailer) -> None:
    if mailer not in _MAILERS:
        _MAILERS.append(mailer)


def deliveries(user_ids: Iterable[int], kinds: Iterable[str]) -> dict[tuple[int, str], str]:
    """{(user id, kind): delivery} for the choices made; a missing pair means DEFAULT_DELIVERY. One query."""
    rows = NoticePreference.objects.filter(user_id__in=set(user_ids), kind__in=set(kinds))
    return {(user_id, kind): delivery for user_id, kind, delivery in rows.values_list("user_id", "kind", "delivery")}


def notices_deliver(notices: Sequence[Notice], *, created: datetime | None = None) -> None:
    """Deliver many notices (of any kinds) with a fixed number of queries: the preferences, one
    insert for the bell, and the mailer's for those who want them by email."""
    if not notices:
        return
    chosen = deliveries((n.user_id for n in notices), (n.kind for n in notices))
    created = created or timezone.now()
    in_app, by_email = [], []
    for notice in notices:
        delivery = chosen.get((notice.user_id, notice.kind), DEFAULT_DELIVERY)
        if delivery in IN_APP:
            in_app.append((notice.user_id, notice.key, notice.text[:500], notice.url, created, notice.kind))
        if delivery in BY_EMAIL:
            by_email.append(notice)
    insert_rows(Notification, NOTICE_FIELDS, in_app, ignore_conflicts=True)
    # The bells of those told count again (a repeated key rings for nothing, which costs one count).
    publish_many((f"user:{user_id}", "notice", {}) for user_id in sorted({row[0] for row in in_app}))
    if by_email:
        for mailer in _MAILERS:
            mailer(by_email)


def notify(*, users: Iterable[Any], key: str, text: str, url: str = "", kind: str = NoticeKind.OTHER) -> None:
    """Give each user the notice once: a second call with the same key adds nothing (and sends no
    second email: the mailer's send log is keyed by it too)."""
    notices_deliver([Notice(user_id=user.pk, key=key, text=str(text), url=url, kind=kind) for user in users])


@transaction.atomic
def notice_preferences_set(*, user: Any, choices: dict[str, str]) -> None:
    """Store how the user wants each kind of notice (kinds and deliveries not known are refused)."""
    for kind, delivery in choices.items():
        if kind not in NoticeKind.values or delivery not in Delivery.values:
            raise ServiceError(_("Unknown notification preference."))
    for kind, delivery in choices.items():
        NoticePreference.objects.update_or_create(user_id=user.pk, kind=kind, defaults={"delivery": delivery})
