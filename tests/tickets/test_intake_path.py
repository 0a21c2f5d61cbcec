"""How many of the product's modules an inbound email passes through, from the mailbox to a running
SLA clock: measured by tracing every call, not counted by hand (docs/architecture.md quotes it)."""

from __future__ import annotations

import mailbox
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings

from tickets.models import Metric, SlaClock, Ticket
from tickets.tasks import fetch_mail

SAMPLES = Path(__file__).parent / "mail_samples"


def first_party_apps() -> set[str]:
    """Every app of ours among INSTALLED_APPS (a package at the repository's top), so none is left out."""
    return {config.name for config in apps.get_app_configs() if Path(config.path).parent == Path(settings.BASE_DIR)}


# Measured with every app of ours traced: 25 before the path was straightened (two of them a whole-page
# cache made stale on every write, since gone), 12 now (docs/architecture.md lists them): the history,
# routing, the acknowledgement and the apps' listeners come after the clock, and care is read with the
# customer instead of asked of the apps above.
MODULES_TO_THE_CLOCK = 12


def modules_until_the_clock(work: Callable[[], object]) -> list[str]:
    """The product's modules (models and the database backend left out) whose functions ran, in order,
    until the clock starts."""
    seen: list[str] = []
    done = False
    product = first_party_apps()

    def profile(frame, event, _arg):
        nonlocal done
        if event != "call" or done:
            return
        name = frame.f_globals.get("__name__", "")
        plumbing = ".models" in name or name.startswith("helpdesk.postgres")
        if name.split(".")[0] in product and not plumbing and name not in seen:
            seen.append(name)
        if name == "tickets.services.sla" and frame.f_code.co_name == "sla_start":
            done = True

    sys.setprofile(profile)
    try:
        work()
    finally:
        sys.setprofile(None)
    return seen


@pytest.mark.django_db
def test_an_inbound_email_reaches_a_running_clock_through_few_modules(tmp_path, settings, actors):
    settings.MAILDIR_PATH = str(tmp_path / "Maildir")
    settings.IMAP_URL = ""
    mailbox.Maildir(settings.MAILDIR_PATH, create=True).add((SAMPLES / "new_message.eml").read_bytes())

    modules = modules_until_the_clock(fetch_mail)

    ticket = Ticket.objects.get()
    assert SlaClock.objects.filter(ticket=ticket, metric=Metric.FIRST_RESPONSE, met_at__isnull=True).exists()
    assert modules[0] == "tickets.tasks" and modules[-1] == "tickets.services.sla"
    assert "tickets.services.intake" in modules
    assert len(modules) <= MODULES_TO_THE_CLOCK, "\n".join(modules)
