"""A small fixed-window rate limiter on Django's cache (Redis, shared by every process).

It fails OPEN: when the cache cannot be reached, requests are allowed and a warning is
logged. A limiter that locks customers out because Redis restarted would do more harm
than the spam it stops; other defences (honeypot, CSRF, validation) still apply.
"""

from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    count: int
    retry_after: int  # seconds until the current window ends


def hit(scope: str, identity: str, *, limit: int, window: int) -> Verdict:
    """Count one attempt of `identity` (an IP, an email address) within `scope`.

    Allowed while at most `limit` attempts fell in the current window of `window` seconds.
    """
    now = time.time()
    bucket = int(now // window)
    retry_after = max(1, int((bucket + 1) * window - now))
    digest = hashlib.sha256(identity.strip().lower().encode()).hexdigest()[:32]
    key = f"ratelimit:{scope}:{window}:{bucket}:{digest}"
    try:
        # add() is a no-op when the key exists; incr() is atomic in Redis.
        cache.add(key, 0, timeout=window + 5)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add() and incr()
            cache.set(key, 1, timeout=window + 5)
            count = 1
    except Exception as error:  # cache unreachable: fail open
        logger.warning("rate limit %s not checked, cache unavailable: %s", scope, error)
        return Verdict(allowed=True, count=0, retry_after=0)
    return Verdict(allowed=count <= limit, count=count, retry_after=retry_after)


def client_ip(request: HttpRequest) -> str:
    """The client's address. Behind N trusted proxies (RATELIMIT_TRUSTED_PROXIES = N) it is
    the N-th address from the right of X-Forwarded-For; a client cannot forge that one."""
    proxies: int = settings.RATELIMIT_TRUSTED_PROXIES
    remote = request.META.get("REMOTE_ADDR", "") or "unknown"
    if proxies <= 0:
        return remote
    forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if p.strip()]
    if len(forwarded) >= proxies:
        return forwarded[-proxies]
    return remote
