"""Rendered list pages (the agent queue, the ticket list API) kept in the cache until the data
under them changes.

One counter in the cache names the current version of the ticket data. Every change to a ticket,
customer, category, team or staff account through the ORM moves it on, once at once and once more
after the transaction commits, so a page rendered from data about to change is never served as
current. A page is stored per user, address, language and time zone under the counter it was
rendered with, so a change makes every older page unreachable at once. Entries also expire after
PAGE_CACHE_SECONDS, which bounds how long a change made outside the ORM (a database console) stays
unseen.

The cache is an accelerator only: when it cannot be reached, pages are rendered as if it were
empty, and losing it (a Redis flush or restart) loses nothing.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import models, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers

logger = logging.getLogger(__name__)
View = Callable[..., HttpResponse]

GENERATION_KEY = "pagecache:generation"


def seconds() -> int:
    return int(settings.PAGE_CACHE_SECONDS)


def _bump() -> None:
    try:
        try:
            cache.incr(GENERATION_KEY)
        except ValueError:  # no counter yet, or lost with the cache: start somewhere never used before
            cache.add(GENERATION_KEY, secrets.randbits(48), timeout=None)
            cache.incr(GENERATION_KEY)
    except Exception as error:  # cache unreachable: entries expire on their own
        logger.warning("page cache not invalidated, cache unavailable: %s", error)


def data_changed(**_kwargs: Any) -> None:
    """Ticket data changed: pages rendered before now are stale. Also a signal receiver."""
    if seconds() <= 0:
        return
    _bump()
    transaction.on_commit(_bump)


def _generation() -> int | None:
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, secrets.randbits(48), timeout=None)
        value = cache.get(GENERATION_KEY)
    return None if value is None else int(value)


def page_key(request: Any, name: str, *, vary: tuple[str, ...] = (), forms: bool = True) -> str | None:
    """The cache key of this request's page, or None when it must be rendered afresh: caching
    off, no signed-in user, a flash message waiting, or, for a page with forms, no CSRF cookie
    yet (rendering the page sets one)."""
    csrf_secret = request.COOKIES.get(settings.CSRF_COOKIE_NAME, "")
    if seconds() <= 0 or not request.user.is_authenticated or (forms and not csrf_secret):
        return None
    if "messages" in request.COOKIES or "_messages" in getattr(request, "session", {}):
        return None
    try:
        generation = _generation()
    except Exception as error:
        logger.warning("page cache skipped, cache unavailable: %s", error)
        return None
    parts = [
        name,
        str(request.user.pk),
        request.get_full_path(),
        translation.get_language() or "",
        timezone.get_current_timezone_name(),
        csrf_secret,  # the page's forms carry a token made from this secret
        *(request.headers.get(header, "") for header in vary),
    ]
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
    return f"pagecache:{generation}:{digest}"


def get(key: str | None) -> Any:
    if key is None:
        return None
    try:
        return cache.get(key)
    except Exception as error:
        logger.warning("page cache read failed: %s", error)
        return None


def put(key: str | None, value: Any) -> None:
    if key is None:
        return
    try:
        cache.set(key, value, timeout=seconds())
    except Exception as error:
        logger.warning("page cache write failed: %s", error)


def cached_page(name: str, *, vary: tuple[str, ...] = ()) -> Callable[[View], View]:
    """Serve a view's successful GET answers from the cache (see the module's docstring)."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            key = page_key(request, name, vary=vary) if request.method == "GET" else None
            content = get(key)
            if content is not None:
                hit = HttpResponse(content)
                patch_vary_headers(hit, vary)
                return hit
            response = view(request, *args, **kwargs)
            if response.status_code == 200 and not response.streaming:
                put(key, response.content)
            return response

        return wrapped

    return decorator


class ChangeTrackedQuerySet(models.QuerySet):
    """A queryset whose bulk writes (which send no signals) also mark cached pages stale. The mark
    follows the write, so outside a transaction the change is already stored when it is made."""

    def update(self, **kwargs: Any) -> int:
        count = super().update(**kwargs)
        data_changed()
        return count

    def bulk_create(self, *args: Any, **kwargs: Any) -> Any:
        created = super().bulk_create(*args, **kwargs)
        data_changed()
        return created

    def bulk_update(self, *args: Any, **kwargs: Any) -> Any:
        updated = super().bulk_update(*args, **kwargs)
        data_changed()
        return updated

    def delete(self) -> Any:
        deleted = super().delete()
        data_changed()
        return deleted
