import os
from datetime import timedelta
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _


def beat_schedule() -> dict[str, dict[str, Any]]:
    """The app's periodic tasks. FEEDBACK_SWEEP_SECONDS (setting, else environment variable)
    shortens the invitation sweep, e.g. for the real-worker test."""
    seconds = getattr(settings, "FEEDBACK_SWEEP_SECONDS", None) or os.environ.get("FEEDBACK_SWEEP_SECONDS") or 60
    return {
        "feedback-send-due-invitations": {
            "task": "feedback.tasks.send_due_invitations",
            "schedule": timedelta(seconds=float(seconds)),
        },
        "feedback-record-missing-cases": {
            "task": "feedback.tasks.record_missing_cases",
            "schedule": timedelta(minutes=15),
        },
    }


class FeedbackConfig(AppConfig):
    name = "feedback"
    verbose_name = _("Surveys and case library")

    def ready(self) -> None:
        from tickets.panels import register_panel
        from tickets.signals import ticket_status_changed

        from .panel import cases_panel
        from .receivers import on_ticket_status_changed

        ticket_status_changed.connect(on_ticket_status_changed, dispatch_uid="feedback.status_changed")
        register_panel("cases", template="feedback/cases_panel.html", context=cases_panel, order=60)
        self._register_periodic_tasks()

    @staticmethod
    def _register_periodic_tasks() -> None:
        """Add the sweeps to beat unless CELERY_BEAT_SCHEDULE already names them (the settings win)."""
        from helpdesk.celery import app

        schedule = dict(app.conf.beat_schedule or {})
        for name, entry in beat_schedule().items():
            schedule.setdefault(name, entry)
        app.conf.beat_schedule = schedule
