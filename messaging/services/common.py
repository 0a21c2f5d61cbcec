"""Small pieces every messaging service uses: conversation keys, backoff, recording an account's error."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from ..models import ChannelAccount


def conversation_key(account: ChannelAccount, user_id: str) -> str:
    """The conversation of one app user with one account: `<provider>:<account slug>:<user id>`."""
    return f"{account.provider}:{account.slug}:{user_id}"


def conversation_parts(key: str) -> tuple[str, str, str]:
    provider, _sep, rest = key.partition(":")
    slug, _sep, user_id = rest.partition(":")
    return provider, slug, user_id


def account_of(key: str) -> ChannelAccount | None:
    provider, slug, _user = conversation_parts(key)
    return ChannelAccount.objects.filter(provider=provider, slug=slug).first()


def backoff(attempts: int, now: datetime | None = None) -> datetime:
    """When to try again after `attempts` failures: doubling from MESSAGING_RETRY_BASE_SECONDS, capped."""
    seconds = min(
        settings.MESSAGING_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0), settings.MESSAGING_RETRY_MAX_SECONDS
    )
    return (now or timezone.now()) + timedelta(seconds=seconds)


def account_error(account_id: int, error: str) -> None:
    ChannelAccount.objects.filter(pk=account_id).update(last_error=error[:2000], last_error_at=timezone.now())
