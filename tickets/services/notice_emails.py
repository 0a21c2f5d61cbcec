"""Notices a staff member chose to get by email (workspace.notifications), sent through the send log:
one email per person and notice key, so a notice given twice is emailed once, in the person's
interface language and time zone."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation

from workspace.models import NoticeKind
from workspace.notifications import Notice

from .email import EmailToQueue, emails_queue


def _email_key(notice: Notice) -> str:
    key = f"notice:{notice.user_id}:{notice.key}"
    if len(key) > 200:
        key = f"notice:{notice.user_id}:{hashlib.sha256(notice.key.encode()).hexdigest()}"
    return key


def notice_emails_queue(notices: list[Notice]) -> None:
    """Queue the emails of `notices` (two queries: the people, then the send log's)."""
    people = {
        user.pk: user
        for user in get_user_model()
        .objects.filter(pk__in={n.user_id for n in notices}, is_active=True)
        .exclude(email="")
        .select_related("agent_profile")
    }
    preferences_url = settings.SITE_URL + reverse("preferences")
    emails = []
    for notice in notices:
        user = people.get(notice.user_id)
        if user is None:
            continue
        profile = getattr(user, "agent_profile", None)
        language = profile.ui_language if profile is not None else settings.LANGUAGE_CODE
        with translation.override(language):
            kind_label = str(NoticeKind(notice.kind).label) if notice.kind in NoticeKind.values else ""
        url = notice.url if notice.url.startswith("/") and not notice.url.startswith("//") else ""
        emails.append(
            EmailToQueue(
                key=_email_key(notice),
                to=user.email,
                template="workspace/notice",
                context={
                    "text": notice.text,
                    "link": settings.SITE_URL + url if url else "",
                    "kind_label": kind_label,
                    "preferences_url": preferences_url,
                    "LANGUAGE_CODE": language,
                },
                language=language,
                time_zone=profile.time_zone if profile is not None else "",
            )
        )
    if emails:
        emails_queue(emails)
