"""Settings, all read from the environment (see README for the variables)."""

from __future__ import annotations

import os
import sys
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env: environ.Env = environ.Env()

DEBUG: bool = env.bool("DEBUG", default=False)
# Under pytest: the suite runs on PostgreSQL and Redis, never on the quick-start SQLite file.
TESTING: bool = env.bool("TESTING", default="pytest" in sys.modules)

_DEV_SECRET = "dev-only-insecure-key-not-for-production"  # noqa: S105 - used only with DEBUG
SECRET_KEY: str = env.str("SECRET_KEY", default=_DEV_SECRET if (DEBUG or TESTING) else "")
if not SECRET_KEY:
    raise environ.ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")

ALLOWED_HOSTS: list[str] = env.list(
    "ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if (DEBUG or TESTING) else []
)
CSRF_TRUSTED_ORIGINS: list[str] = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL: str = env.str("SITE_URL", default="http://localhost:8000").rstrip("/")

INSTALLED_APPS = [
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "helpdesk",
    "workspace",
    "tickets",
    "policies",
    "logistics",
    "feedback",
    "returns",
    "messaging",
    "reports",
    "privacy",  # customer data: export, erasure, retention
    "insights",
    "selfservice",  # the public order page and the customer's own requests
    "chat",  # live chat on the shops' websites
    "demo",  # demo data and the commands that load it (seed_demo, post_sample_delivery)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "helpdesk.middleware.RequestSizeLimitMiddleware",  # before anything reads the body
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "workspace.two_factor.TwoFactorRequiredMiddleware",
    "helpdesk.middleware.UserPreferencesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "helpdesk.middleware.SecurityHeadersMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "helpdesk.urls"
WSGI_APPLICATION = "helpdesk.wsgi.application"
ASGI_APPLICATION = "helpdesk.asgi.application"
# The modules whose `websocket_urlpatterns` the ASGI application routes (the project package imports no app).
WEBSOCKET_URLCONFS = ["workspace.live.routing", "chat.routing"]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "helpdesk.context_processors.workspace",
            ],
            "builtins": ["helpdesk.templatetags.helpdesk_fragments"],
        },
    },
]

# Form widgets are rendered with Django's own Jinja2 widget templates: the same HTML as the default
# renderer's, at a fraction of its cost (every form on the ticket page renders through it).
FORM_RENDERER = "helpdesk.form_renderer.FastWidgets"

# --- Database: SQLite for the quick start, PostgreSQL for tests and production.
_DEFAULT_DATABASE_URL = (
    "postgres://postgres@127.0.0.1:5432/helpdesk" if TESTING else f"sqlite:///{BASE_DIR / 'var' / 'helpdesk.sqlite3'}"
)
DATABASES = {"default": env.db_url("DATABASE_URL", default=_DEFAULT_DATABASE_URL)}
_db = DATABASES["default"]
# No persistent connections by default: under ASGI (the web server) each request's synchronous code may
# run in a thread of its own, whose kept connection outlives it until PostgreSQL runs out of them
# (bench/chat.py found it); requests borrow from a pool instead (below). The Celery worker, one thread
# per process, may keep them (docker-compose.yml).
_db["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
_db["CONN_HEALTH_CHECKS"] = True
if _db["ENGINE"].endswith("sqlite3"):
    _db["OPTIONS"] = {"timeout": 30, "transaction_mode": "IMMEDIATE"}
    _db["CONN_MAX_AGE"] = 0
DATABASE_IS_POSTGRES: bool = "postgresql" in _db["ENGINE"]
if _db["ENGINE"] == "django.db.backends.postgresql":
    _db["ENGINE"] = "helpdesk.postgres"  # Django's, reading timestamps faster (helpdesk/postgres/base.py)
# A pool of PostgreSQL connections in each process (psycopg 3): a request borrows a connection and gives
# it back, instead of opening its own, which costs a new PostgreSQL backend each time (helpdesk/dbpool.py
# keeps forked processes apart). Not where connections are kept (CONN_MAX_AGE above 0), which Django
# does not allow together with a pool. A request that finds every connection lent waits up to 10 s.
# The tests run without one unless they ask (tests/helpdesk/test_dbpool.py): many use the database from
# threads of their own that end without giving their connection back, which a pool counts as lent for
# good. As far as the code shows, the product's own paths give theirs back: requests, Celery tasks and
# the live consumers close their connections as they end (the suite does not run them with the pool).
_pool_size = env.int("DATABASE_POOL_SIZE", default=0 if TESTING else 8)
if DATABASE_IS_POSTGRES and _pool_size > 0 and not _db["CONN_MAX_AGE"]:
    _pool = {"min_size": 1, "max_size": _pool_size, "timeout": 10, "max_idle": 300}
    _db.setdefault("OPTIONS", {})["pool"] = _pool
# The reads whose SQL is kept (helpdesk/prepared.py) bind their values on the server, and psycopg
# prepares each on its connection after this many runs: PostgreSQL then plans it once, not on every
# run. Everything else binds on the client and is never prepared. 0 turns it off (for a pooler in
# transaction mode, such as PgBouncer's, which cannot keep a statement prepared on one connection).
_prepare_threshold = env.int("DATABASE_PREPARE_THRESHOLD", default=5)
if DATABASE_IS_POSTGRES:
    _db.setdefault("OPTIONS", {})["prepare_threshold"] = _prepare_threshold or None
if os.environ.get("TEST_DATABASE_NAME"):
    _db["TEST"] = {"NAME": os.environ["TEST_DATABASE_NAME"]}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth and sessions.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses a locked-out username+IP or IP before checking passwords
    "tickets.auth_backend.HelpdeskBackend",  # ModelBackend with fewer queries per request
]
# Failed logins lock the attacking IP, and an account only from that IP: an attacker elsewhere
# cannot keep a supervisor locked out. The lock lifts after the cool-off or a successful login.
AXES_FAILURE_LIMIT: int = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["ip_address", ["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "helpdesk.ratelimit.client_ip"
AXES_VERBOSE = False
# Supervisors and admins confirm their sign-in with a TOTP code (django-otp); agents may too.
TWO_FACTOR_REQUIRED: bool = env.bool("TWO_FACTOR_REQUIRED", default=not DEBUG)
OTP_TOTP_ISSUER = "Helpdesk"
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # the admin never shows anyone's TOTP secret
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

_secure_default = not (DEBUG or TESTING)
SESSION_COOKIE_SECURE: bool = env.bool("SESSION_COOKIE_SECURE", default=_secure_default)
CSRF_COOKIE_SECURE: bool = env.bool("CSRF_COOKIE_SECURE", default=_secure_default)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=12 * 3600)
SESSION_ENGINE = "helpdesk.sessions"  # Django's database sessions, read with a prepared statement
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT: bool = env.bool("SECURE_SSL_REDIRECT", default=_secure_default)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS: int = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG or TESTING else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# --- Languages and time.
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("zh-hans", _("Simplified Chinese")),
    ("de", _("German")),
    ("fr", _("French")),
    ("es", _("Spanish")),
    ("ja", _("Japanese")),
]
AGENT_LANGUAGES = ["en", "zh-hans"]
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"  # storage and the server process; people see their own zone
SUPPORT_TIME_ZONE: str = env.str("SUPPORT_TIME_ZONE", default=env.str("TIME_ZONE", default="Asia/Shanghai"))

# --- Static files and uploads.
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "var" / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not (DEBUG or TESTING)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

# --- Email.
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://" if DEBUG else "smtp://localhost:25")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL: str = env.str("DEFAULT_FROM_EMAIL", default="Support <support@helpdesk.localhost>")
SERVER_EMAIL: str = env.str("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
EMAIL_TIMEOUT = 20
# A claim on an email older than this means its sender died (see tickets.services.email): longer than
# any send can last (the task time limit), so a live sender is never taken for a dead one.
EMAIL_SEND_LEASE_SECONDS: int = env.int("EMAIL_SEND_LEASE_SECONDS", default=600)

# --- Redis and Celery.
REDIS_URL: str = env.str("REDIS_URL", default="redis://127.0.0.1:6379/0")
CELERY_BROKER_URL: str = env.str("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {
    "visibility_timeout": 3600,
    "socket_connect_timeout": 3,
    "socket_timeout": 10,
}
CELERY_BROKER_CONNECTION_TIMEOUT = 3
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = Path(env.str("CELERY_FILESYSTEM_DIR", default=str(BASE_DIR / "var" / "broker")))
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "out"),
        "data_folder_out": str(_broker_dir / "out"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),  # else ./control in the working directory
        "store_processed": False,
    }
# The cache backs rate limits and short-lived figures; Redis shares it between processes.
CACHES = {"default": env.cache_url("CACHE_URL", default=REDIS_URL.replace("redis://", "rediscache://", 1))}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    CACHES["default"]["BACKEND"] = "helpdesk.cache.HelpdeskRedisCache"  # the same, reusing its Redis clients
# The live workspace's doorbells between server processes: Redis pub/sub shared by them all. A
# group_send is one PUBLISH per group; each process that has a page in the group hears it once and hands
# it to its own pages in memory. Nothing is kept: a process restarting or reconnecting to Redis misses
# what was published meanwhile (pages catch up from the database). Pub/sub channels are global across
# Redis databases, so the prefix names the database: the tests' Redis and a dev server's do not mix.
# Only the quick start without Redis (a filesystem broker) keeps the doorbells in memory, for one process.
_redis_url = urlsplit(REDIS_URL)
_redis_db = _redis_url.path.strip("/") or parse_qs(_redis_url.query).get("db", ["0"])[0]
CHANNEL_LAYERS: dict[str, dict[str, object]] = {
    "default": (
        {"BACKEND": "channels.layers.InMemoryChannelLayer"}
        if CELERY_BROKER_URL.startswith("filesystem://")
        else {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL], "prefix": f"helpdesk-live.db{_redis_db}."},
        }
    )
}
# Live streams: events kept this long for pages that reconnect; a page that missed more than
# LIVE_REPLAY_MAX events of one stream reloads instead.
LIVE_EVENTS_KEEP_HOURS: int = env.int("LIVE_EVENTS_KEEP_HOURS", default=24)
LIVE_REPLAY_MAX: int = env.int("LIVE_REPLAY_MAX", default=200)
# Rendered queue pages and ticket lists live this long at most; any ticket change expires them at once.
# Rendered page fragments kept per server process, keyed by what they show (helpdesk/fragments.py).
FRAGMENT_CACHE_ENTRIES: int = env.int("FRAGMENT_CACHE_ENTRIES", default=20000)
CELERY_TASK_ALWAYS_EAGER: bool = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_QUEUE", default="helpdesk")
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    "health-heartbeat": {"task": "workspace.tasks.heartbeat", "schedule": timedelta(minutes=5)},
    "tickets-auto-close": {"task": "tickets.tasks.close_solved_tickets", "schedule": crontab(minute="*/15")},
    "tickets-send-due-emails": {
        "task": "tickets.tasks.send_due_emails",
        "schedule": timedelta(seconds=env.int("EMAIL_SWEEP_SECONDS", default=60)),
    },
    "tickets-fetch-mail": {"task": "tickets.tasks.fetch_mail", "schedule": timedelta(seconds=30)},
    "policies-refresh-exchange-rates": {
        # The ECB publishes around 16:00 CET on working days; later runs retry a failed fetch.
        "task": "policies.tasks.refresh_exchange_rates",
        "schedule": crontab(minute=20, hour="15,19,23"),
    },
    "policies-approvals-sweep": {
        "task": "policies.tasks.sweep_approvals",
        "schedule": timedelta(seconds=env.int("APPROVALS_SWEEP_SECONDS", default=30)),
    },
    "feedback-send-due-invitations": {
        "task": "feedback.tasks.send_due_invitations",
        "schedule": timedelta(seconds=env.int("FEEDBACK_SWEEP_SECONDS", default=60)),
    },
    "feedback-record-missing-cases": {
        "task": "feedback.tasks.record_missing_cases",
        "schedule": crontab(minute="*/15"),
    },
    "reports-refresh-summary": {
        "task": "reports.tasks.refresh_summary",
        "schedule": timedelta(minutes=env.int("REPORTS_REFRESH_MINUTES", default=10)),
    },
    "logistics-process-waiting": {
        "task": "logistics.tasks.process_waiting_deliveries",
        "schedule": timedelta(minutes=1),
    },
    "logistics-exceptions-sweep": {"task": "logistics.tasks.exceptions_sweep", "schedule": timedelta(minutes=10)},
    "logistics-match-unmatched": {
        "task": "logistics.tasks.match_unmatched_sweep",
        "schedule": timedelta(minutes=env.int("LOGISTICS_MATCH_SWEEP_MINUTES", default=15)),
    },
    "privacy-erasure-sweep": {"task": "privacy.tasks.erasure_sweep", "schedule": crontab(minute="*/30")},
    "privacy-retention-sweep": {"task": "privacy.tasks.retention_sweep", "schedule": crontab(hour=4, minute=10)},
    "logistics-purge-deliveries": {"task": "logistics.tasks.purge_deliveries", "schedule": crontab(hour=3, minute=30)},
    "returns-expire-sweep": {"task": "returns.tasks.expire_due_returns", "schedule": timedelta(minutes=30)},
    "messaging-sweep": {
        "task": "messaging.tasks.sweep",
        "schedule": timedelta(seconds=env.int("MESSAGING_SWEEP_SECONDS", default=30)),
    },
    "messaging-queue-messages": {"task": "messaging.tasks.queue_messages", "schedule": timedelta(minutes=1)},
    "chat-sweep": {
        "task": "chat.tasks.sweep",
        "schedule": timedelta(seconds=env.int("CHAT_SWEEP_SECONDS", default=30)),
    },
    "messaging-purge-events": {"task": "messaging.tasks.purge_events", "schedule": crontab(hour=3, minute=45)},
    "workspace-prune-live-events": {"task": "workspace.tasks.prune_live_events", "schedule": crontab(minute=20)},
    "tickets-sla-sweep": {
        "task": "tickets.tasks.sla_sweep",
        "schedule": timedelta(seconds=env.int("SLA_SWEEP_SECONDS", default=30)),
    },
    "insights-refresh-profiles": {
        "task": "insights.tasks.refresh_all_profiles",
        "schedule": crontab(hour=2, minute=15),
    },
    "insights-refresh-scorecards": {
        "task": "insights.tasks.refresh_scorecards",
        "schedule": timedelta(minutes=env.int("SCORECARD_REFRESH_MINUTES", default=30)),
    },
}

# The product's own settings (business numbers, channels, outside services): helpdesk/settings/product.py.
from .product import *  # noqa: E402, F403

# --- REST API.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "tickets.auth_backend.TokenAuthentication",  # DRF's, reading the user in fewer statements
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "helpdesk.api_schema.HelpdeskAutoSchema",
    "DEFAULT_PAGINATION_CLASS": "helpdesk.api.CursorPagination",
    "PAGE_SIZE": 50,
    # Bodies are checked before any serializer sees them (helpdesk.jsonsafe): a 400, never a 500.
    "DEFAULT_PARSER_CLASSES": [
        "helpdesk.api.SafeJSONParser",
        "helpdesk.api.SafeFormParser",
        "helpdesk.api.SafeMultiPartParser",
    ],
}
# How deeply JSON from outside (API bodies, webhooks) may nest; deeper is refused with a 400.
JSON_MAX_DEPTH: int = env.int("JSON_MAX_DEPTH", default=32)
SPECTACULAR_SETTINGS = {
    "TITLE": "Helpdesk API",
    "DESCRIPTION": (
        "Customers, orders and tickets for store platforms and integrations.\n\n"
        "**Who sees what.** A store platform's account (the Integrations group) sees every customer, "
        "order and ticket. Staff see the tickets of their team and those assigned to them, and the "
        "customers and orders of those tickets; anything else answers 404 as if it did not exist.\n\n"
        "**Languages.** `en`, `zh-hans`, `de`, `fr`, `es`, `ja`, in any case, with `-` or `_`. A regional "
        "variant of one of them is that language (`de-AT` is `de`, `en-US` is `en`, `zh-CN` and "
        "`zh-Hans-SG` are `zh-hans`). Any other language, `pt-BR` or `xx`, and Traditional Chinese "
        "(`zh-Hant`, `zh-TW`, `zh-HK`) are refused with a 400 listing the accepted codes: nothing is "
        "stored as another language.\n\n"
        "**Countries.** ISO 3166-1 alpha-2 codes of real countries (249), any case, stored in capitals. "
        "Regions and reserved codes (`EU`, `EZ`, `UN`, `ZZ`, `XA`, `XK`, ...) are refused with a 400.\n\n"
        "**Bodies.** JSON, form or multipart. A body that is not UTF-8, not JSON, nested deeper than "
        f"{JSON_MAX_DEPTH} levels, or holds a NUL character (\\u0000), a lone UTF-16 surrogate, NaN or "
        'Infinity is refused with a 400 `{"detail": "<reason>"}`; '
        'a refused field answers `{"<field>": ["<message>"]}`. '
        "Amounts are decimal strings in the currency's minor unit."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "helpdesk.api_schema.ids_are_positive_bigints",
    ],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
