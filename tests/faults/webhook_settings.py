"""The product's settings plus the webhook secrets of the logistics tests, for a gunicorn the fault
suite starts (the settings read no environment variable for them yet)."""

from helpdesk.settings import *  # noqa: F403

AFTERSHIP_WEBHOOK_SECRETS = ["test_aftership_webhook_secret"]
SEVENTEENTRACK_API_KEYS = ["TEST17TRACKAPIKEY0000000000000000"]
