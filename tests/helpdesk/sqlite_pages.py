"""Run by test_sqlite_pages.py in a process of its own against a SQLite database (the quick start's):
the demo's agent pages, whose hottest reads are compiled once (helpdesk/prepared.py), open there too.
Exits non-zero on the first failure."""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.getcwd())
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from tickets.models import Ticket  # noqa: E402

call_command("seed_demo", verbosity=0)
client = Client(HTTP_HOST="localhost")
for username in ("anna", "admin"):
    client.force_login(get_user_model().objects.get(username=username))
    for url in ("/queue/", "/queue/?view=mine", "/queue/?view=all"):
        response = client.get(url)
        assert response.status_code == 200, (username, url, response.status_code)
    user = get_user_model().objects.get(username=username)
    profile = getattr(user, "agent_profile", None)  # the admin has none, and sees every ticket
    visible = Ticket.objects.filter(team_id=profile.team_id) if profile else Ticket.objects.all()
    ticket = visible.order_by("pk").first()
    assert ticket is not None
    response = client.get(f"/tickets/{ticket.pk}/")
    assert response.status_code == 200 and ticket.subject in response.content.decode(), (username, ticket.pk)
    assert client.get("/tickets/999999999/").status_code == 404
print("all done")
