"""Settings of an optional ingestion-only web tier for the tracking webhooks.

The same project settings and the same endpoints, behind only the middleware a signed
machine-to-machine POST needs: no sessions, CSRF, login, two-factor, locale or messages, which
cost about half a millisecond per request and do nothing for a webhook (measured by
bench/webhooks.py --tier ingest). Run it as its own gunicorn processes and route /webhooks/ there
at the proxy; every other path keeps the full stack:

    DJANGO_SETTINGS_MODULE=logistics.ingest_settings gunicorn helpdesk.wsgi --workers 2 ...
"""

from helpdesk.settings import *  # noqa: F403

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
]
ROOT_URLCONF = "logistics.ingest_urls"
