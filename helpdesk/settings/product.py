"""The product's own settings, read from the environment (see README): the business numbers of each
app, the channels and the outside services' addresses. Part of helpdesk.settings (imported by its
__init__, after the framework's settings it may use)."""

from __future__ import annotations

from datetime import timedelta

from . import DEBUG, env

# --- Returns and exchanges: a return without a reason within this many calendar days of delivery (in
# the customer's time zone); the parcel must be sent back within RETURNS_SEND_BACK_DAYS of approval.
RETURNS_NO_REASON_DAYS: int = env.int("RETURNS_NO_REASON_DAYS", default=7)
RETURNS_SEND_BACK_DAYS: int = env.int("RETURNS_SEND_BACK_DAYS", default=14)
# --- Self-service: a new email asking where an order is, from a customer with a parcel we track and
# no open exception on it, gets one automatic answer with the parcel's status and the order page.
AUTO_ANSWER_WHERE_IS_MY_ORDER: bool = env.bool("AUTO_ANSWER_WHERE_IS_MY_ORDER", default=True)
# The assistant answers customers by rules in these channels (messaging apps); empty turns it off.
# A damaged-item complaint it gathers is filed under the category of this slug.
ASSISTANT_CHANNELS: list[str] = env.list("ASSISTANT_CHANNELS", default=["whatsapp", "line", "telegram"])
ASSISTANT_COMPLAINT_CATEGORY: str = env.str("ASSISTANT_COMPLAINT_CATEGORY", default="product")
# --- Knowing the customer (insights).
# A pending callback task is missed once this many hours have passed since it was due.
CALLBACK_GRACE_HOURS: int = env.int("CALLBACK_GRACE_HOURS", default=24)
# At risk: any low rating (at most AT_RISK_LOW_RATING) or AT_RISK_COMPLAINTS complaints within
# AT_RISK_WINDOW_DAYS, or silence: a customer with AT_RISK_SILENT_MIN_ORDERS orders or more who has
# neither ordered nor written for AT_RISK_SILENCE_DAYS.
AT_RISK_WINDOW_DAYS: int = env.int("AT_RISK_WINDOW_DAYS", default=90)
AT_RISK_LOW_RATING: int = env.int("AT_RISK_LOW_RATING", default=2)
AT_RISK_COMPLAINTS: int = env.int("AT_RISK_COMPLAINTS", default=2)
AT_RISK_SILENCE_DAYS: int = env.int("AT_RISK_SILENCE_DAYS", default=180)
AT_RISK_SILENT_MIN_ORDERS: int = env.int("AT_RISK_SILENT_MIN_ORDERS", default=2)
SCORECARD_WEEKS: int = env.int("SCORECARD_WEEKS", default=8)

# --- Exchange rates (policies): refreshed by the beat from this feed, in the ECB's daily XML format
# (EUR-based; converted to units per USD). Empty: no refresh, rates come from the admin or import_rates.
EXCHANGE_RATES_URL: str = env.str(
    "EXCHANGE_RATES_URL", default="https://www.ecb.europa.eu/stats/eurofxref/eurofxref-daily.xml"
)
EXCHANGE_RATES_TIMEOUT = 20  # seconds per fetch
# A request uses the rate of the support centre's day, else the latest at most this many days older.
EXCHANGE_RATE_MAX_AGE_DAYS: int = env.int("EXCHANGE_RATE_MAX_AGE_DAYS", default=7)

# --- Messaging apps (WhatsApp Cloud API, LINE, Telegram). Each account may name its own base URL
# (admin); these are the providers' own.
MESSAGING_WHATSAPP_BASE_URL: str = env.str("MESSAGING_WHATSAPP_BASE_URL", default="https://graph.facebook.com")
MESSAGING_WHATSAPP_API_VERSION: str = env.str("MESSAGING_WHATSAPP_API_VERSION", default="v21.0")
MESSAGING_WHATSAPP_WINDOW_HOURS = 24  # WhatsApp's customer-service window
MESSAGING_LINE_BASE_URL: str = env.str("MESSAGING_LINE_BASE_URL", default="https://api.line.me")
MESSAGING_LINE_CONTENT_BASE_URL: str = env.str("MESSAGING_LINE_CONTENT_BASE_URL", default="https://api-data.line.me")
MESSAGING_TELEGRAM_BASE_URL: str = env.str("MESSAGING_TELEGRAM_BASE_URL", default="https://api.telegram.org")
MESSAGING_HTTP_TIMEOUT = 15  # seconds per call to a provider
MESSAGING_MAX_ATTEMPTS: int = env.int("MESSAGING_MAX_ATTEMPTS", default=6)  # sends, media fetches, event processing
MESSAGING_RETRY_BASE_SECONDS: int = env.int("MESSAGING_RETRY_BASE_SECONDS", default=15)  # then doubling
MESSAGING_RETRY_MAX_SECONDS = 3600
MESSAGING_WEBHOOK_MAX_BYTES: int = env.int("MESSAGING_WEBHOOK_MAX_BYTES", default=1024 * 1024)
MESSAGING_MAX_MEDIA_BYTES = 20 * 1024 * 1024
MESSAGING_EVENT_RETENTION_DAYS: int = env.int("MESSAGING_EVENT_RETENTION_DAYS", default=30)  # raw bodies kept
# A waiting app user is told their place in the queue and the expected wait, and told again when it
# changes a lot, at most once every MESSAGING_QUEUE_UPDATE_MINUTES. Nobody is told while an agent is
# in the middle of the conversation (replied less than MESSAGING_QUEUE_QUIET_MINUTES ago).
MESSAGING_QUEUE_MESSAGES: bool = env.bool("MESSAGING_QUEUE_MESSAGES", default=True)
MESSAGING_QUEUE_UPDATE_MINUTES: int = env.int("MESSAGING_QUEUE_UPDATE_MINUTES", default=3)
MESSAGING_QUEUE_QUIET_MINUTES: int = env.int("MESSAGING_QUEUE_QUIET_MINUTES", default=10)

# --- Inbound email and the public web form.
INBOUND_EMAIL_TOKEN: str = env.str("INBOUND_EMAIL_TOKEN", default="")  # empty: the HTTP endpoint refuses all
MAILDIR_PATH: str = env.str("MAILDIR_PATH", default="")  # wins over IMAP_URL when both are set
IMAP_URL: str = env.str("IMAP_URL", default="")  # imaps://user:pass@host/INBOX
INBOUND_EMAIL_MAX_BYTES = 25 * 1024 * 1024
# The most one request may send: ten attachments of 10 MB and the rest of a form. Larger ones are
# refused (413) before their body is read (helpdesk.middleware.RequestSizeLimitMiddleware).
MAX_REQUEST_BYTES: int = env.int("MAX_REQUEST_BYTES", default=102 * 1024 * 1024)
# HTTP requests each web server process runs at once (helpdesk.asgi_limits.RequestGate; 0: no limit).
HTTP_REQUESTS_AT_ONCE: int = env.int("HTTP_REQUESTS_AT_ONCE", default=1)
INBOUND_FETCH_LIMIT = 200
WEBFORM_RATE_LIMIT: int = env.int("WEBFORM_RATE_LIMIT", default=5)  # per IP and per email address
WEBFORM_RATE_WINDOW = 3600
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024  # one attached file, from any channel

# --- Surveys and care follow-ups (feedback). Durations: a timedelta or a number of seconds.
SURVEY_DELAY = timedelta(hours=24)  # after the solve (then moved to a civil hour)
SURVEY_VALID_FOR = timedelta(days=14)  # a link works this long after the email was sent
SURVEY_ARCHIVE_AFTER = timedelta(days=30)  # a ticket closed longer ago takes no more answers
SURVEY_RETRY_AFTER = timedelta(minutes=10)
SURVEY_CATCH_UP = timedelta(days=2)  # the safety-net sweep invites for solves this recent, no older
SURVEY_CIVIL_HOURS = (9, 20)  # local hours [start, end) in which customers may be emailed
SURVEY_RATE_LIMIT = 30  # survey page requests per IP address ...
SURVEY_RATE_WINDOW = 300  # ... in this many seconds
# Customer data (privacy/): an erasure waits this long after the request, so it can be cancelled.
PRIVACY_ERASURE_GRACE = timedelta(days=env.int("PRIVACY_ERASURE_GRACE_DAYS", default=14))
PRIVACY_BATCH_SIZE = 500  # rows per UPDATE or DELETE of the erasure and retention sweeps
PRIVACY_MAX_BATCHES = 20  # per kind of record and sweep run; the next run continues
# Days each kind of record is kept, unless a retention policy in the admin says otherwise.
PRIVACY_RETENTION_DAYS = {
    "closed_tickets": 3 * 365,
    "chat_transcripts": 365,
    "attachments": 2 * 365,
    "webhook_bodies": 30,
    "email_copies": 180,
    "audit_rows": 2 * 365,
}
CARE_DUE_AFTER = timedelta(hours=24)  # call back a low rating within this (business days only)
CASE_SWEEP_LOOKBACK = timedelta(days=14)  # the case sweep looks at tickets solved within this

# --- Compensation decision log page: rows per page.
DECISION_LOG_PAGE_SIZE: int = env.int("DECISION_LOG_PAGE_SIZE", default=50)
RATELIMIT_TRUSTED_PROXIES: int = env.int("RATELIMIT_TRUSTED_PROXIES", default=0)

# --- Parcel tracking webhooks. Two secrets at once during a rotation; none: every delivery gets 401.
# With DEBUG (the quick start) the public test secrets of docs/samples/README.md are accepted, so
# the sample deliveries can be posted (manage.py post_sample_delivery); never in production.
DEMO_AFTERSHIP_WEBHOOK_SECRET = "test_aftership_webhook_secret"  # noqa: S105 - public test value
DEMO_SEVENTEENTRACK_API_KEY = "TEST17TRACKAPIKEY0000000000000000"
AFTERSHIP_WEBHOOK_SECRETS: list[str] = env.list(
    "AFTERSHIP_WEBHOOK_SECRETS", default=[DEMO_AFTERSHIP_WEBHOOK_SECRET] if DEBUG else []
)
SEVENTEENTRACK_API_KEYS: list[str] = env.list(
    "SEVENTEENTRACK_API_KEYS", default=[DEMO_SEVENTEENTRACK_API_KEY] if DEBUG else []
)
LOGISTICS_WEBHOOK_MAX_BYTES: int = env.int("LOGISTICS_WEBHOOK_MAX_BYTES", default=1024 * 1024)
LOGISTICS_WEBHOOK_RETENTION_DAYS: int = env.int("LOGISTICS_WEBHOOK_RETENTION_DAYS", default=30)
LOGISTICS_PROCESSING_SLOTS: int = env.int("LOGISTICS_PROCESSING_SLOTS", default=2)
LOGISTICS_CATEGORY_SLUG = "logistics"  # the ticket category of proactive tickets
LOGISTICS_AUTOMATION_TIER = "L1"  # whose authority automatic coupon proposals have
LOGISTICS_COUPON_VALID_DAYS = 90  # validity of a proposed coupon
# Create a shipment for an unknown number whose payload names exactly one known order.
LOGISTICS_MATCH_ORDER_REFERENCE = True
# One trouble, one notice: at most one proactive notice per order within this many hours (a material
# change meanwhile is told when it ends).
LOGISTICS_NOTICE_QUIET_HOURS: int = env.int("LOGISTICS_NOTICE_QUIET_HOURS", default=24)
# A proactive ticket (we wrote first) has no first-response clock: an agent looks at it within this.
PROACTIVE_REVIEW_MINUTES: int = env.int("PROACTIVE_REVIEW_MINUTES", default=120)
# The expected wait of a conversation (chat, messaging apps): each agent on shift answers this many
# conversations at once, each taking the median time to a first reply of the team's last
# QUEUE_REPLY_SAMPLE conversations over the last QUEUE_REPLY_SAMPLE_HOURS (else QUEUE_DEFAULT_REPLY_MINUTES).
QUEUE_SEATS_PER_AGENT: int = env.int("QUEUE_SEATS_PER_AGENT", default=3)
QUEUE_REPLY_SAMPLE = 20
QUEUE_REPLY_SAMPLE_HOURS = 24
QUEUE_DEFAULT_REPLY_MINUTES: int = env.int("QUEUE_DEFAULT_REPLY_MINUTES", default=3)
# PostgreSQL's memory for sorting and hashing in one report's aggregation (its transaction only).
REPORTS_WORK_MEM: str = env.str("REPORTS_WORK_MEM", default="64MB")
# Live chat (chat/): the longest message a visitor may send; an agent's reply the visitor has not
# seen in the widget this long after it was sent goes by email (for replies of the last
# CHAT_UNSEEN_EMAIL_DAYS); how many chats a visitor may start per IP an hour and messages they may
# send a minute (per conversation and per IP). An agent's number of chats at once is
# QUEUE_SEATS_PER_AGENT unless their chat seats say otherwise (admin).
CHAT_MAX_MESSAGE_CHARS: int = env.int("CHAT_MAX_MESSAGE_CHARS", default=4000)
CHAT_UNSEEN_EMAIL_SECONDS: int = env.int("CHAT_UNSEEN_EMAIL_SECONDS", default=120)
CHAT_UNSEEN_EMAIL_DAYS = 7
CHAT_STARTS_PER_IP_HOUR: int = env.int("CHAT_STARTS_PER_IP_HOUR", default=10)
CHAT_MESSAGES_PER_MINUTE: int = env.int("CHAT_MESSAGES_PER_MINUTE", default=30)
CHAT_MESSAGES_PER_IP_MINUTE: int = env.int("CHAT_MESSAGES_PER_IP_MINUTE", default=120)
# Bulk actions on the queue: at most this many tickets at once ("all matching" stops there), and
# the last one can be undone for this many minutes.
BULK_MAX_TICKETS: int = env.int("BULK_MAX_TICKETS", default=1000)
BULK_UNDO_MINUTES: int = env.int("BULK_UNDO_MINUTES", default=10)
# Only the tags admins keep (managed) may be put on tickets; otherwise agents may add free tags too.
TAGS_ADMIN_MANAGED_ONLY: bool = env.bool("TAGS_ADMIN_MANAGED_ONLY", default=False)
