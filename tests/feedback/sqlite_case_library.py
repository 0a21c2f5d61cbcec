"""Run by test_cases_sqlite.py in a process of its own against a SQLite database (the quick
start's): a solve records the case, the library's page, the ticket panel's search and "Save
summary" answer, and a survey is sent and answered. Prints one line per check; exits non-zero on the first failure."""

from __future__ import annotations

import os
import re
import sys

sys.path.insert(0, os.getcwd())
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")

import django

django.setup()

from django.core import mail  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from feedback import services  # noqa: E402
from feedback.models import CaseRecord, SurveyInvitation, SurveyResponse  # noqa: E402
from feedback.selectors import cases_search  # noqa: E402
from feedback.tasks import record_case  # noqa: E402
from tests.factories import CategoryFactory, CustomerFactory, TeamFactory, make_staff  # noqa: E402
from tickets import services as tickets  # noqa: E402
from tickets.models import Channel, OutboundEmail, Status  # noqa: E402


def check(what: str, condition: bool) -> None:
    print(("ok   " if condition else "FAIL ") + what, flush=True)
    if not condition:
        sys.exit(1)


assert connection.vendor == "sqlite", connection.vendor
team = TeamFactory(slug="europe", name="Europe", countries=["DE"], is_default=True)
agent = make_staff(team=team, tier="L2", username="sqlite-agent", languages=["en", "de"])
category = CategoryFactory(slug="logistics", name="Logistics", kind="complaint")
customer = CustomerFactory(name="Lena Schmidt", email="lena@example.de", language="de", country="DE")


def solved(subject: str, body: str, reply: str):
    ticket = tickets.ticket_create(
        customer=customer, subject=subject, body=body, channel=Channel.EMAIL, category=category, team=team
    )
    tickets.ticket_assign(ticket=ticket, assignee=agent, actor=agent)
    tickets.message_add_reply(ticket=ticket, author=agent, body=reply)
    tickets.ticket_set_status(ticket=ticket, status=Status.SOLVED, actor=agent)
    ticket.refresh_from_db()
    return ticket


first = solved("Parcel stuck in customs", "Held in customs in Frankfurt for ten days.", "We called the broker.")
check("record_case records a solved ticket's case", record_case(first.pk) is True)
check("the case is stored", CaseRecord.objects.filter(ticket=first).exists())
second = solved("Wrong colour delivered", "I ordered a blue jacket and got a red one.", "Exchange label sent.")
record_case(second.pk)

check(
    "search finds a case by a word of its problem", [c.ticket_id for c in cases_search(query="customs")] == [first.pk]
)
check(
    "search finds a case by a word of its solution", [c.ticket_id for c in cases_search(query="broker")] == [first.pk]
)
check("every word must match", cases_search(query="customs jacket") == [])
check("search ignores case", [c.ticket_id for c in cases_search(query="FRANKFURT")] == [first.pk])
check("search without words lists the latest", len(cases_search(query="")) == 2)

client = Client(HTTP_HOST="127.0.0.1")
client.force_login(agent)
page = client.get(reverse("feedback:cases"), {"q": "customs"})
check(f"the library page answers 200 (got {page.status_code})", page.status_code == 200)
check("the library page shows the case", "Parcel stuck in customs" in page.content.decode())
panel = client.get(reverse("feedback:cases"), {"q": "jacket", "ticket": first.pk}, HTTP_HX_REQUEST="true")
check(f"the ticket panel's search answers 200 (got {panel.status_code})", panel.status_code == 200)
check("the panel shows the other case", "Wrong colour delivered" in panel.content.decode())
saved = client.post(reverse("feedback:case_summary", args=[first.pk]), {"solution": "Broker released it; express."})
check(f"Save summary redirects back (got {saved.status_code})", saved.status_code == 302)
case = CaseRecord.objects.get(ticket=first)
check("the summary is saved", case.solution == "Broker released it; express." and case.solution_by_agent)
check("the summary is searchable", [c.ticket_id for c in cases_search(query="express")] == [first.pk])
# Surveys: sent now by hand, answered on the page, the rating reaching the case.
invitation = SurveyInvitation.objects.get(ticket=first)
services.invitation_send_now(invitation_id=invitation.pk)
check("its email is sent", OutboundEmail.objects.get(key=f"feedback-survey:{invitation.pk}").state == "sent")
token = re.search(r"https?://\S+/survey/([^/\s]+)/\?rating=", mail.outbox[-1].body).group(1)
survey_page = reverse("feedback:survey", args=[token])
shown = Client(HTTP_HOST="127.0.0.1").get(survey_page, {"rating": "4"})
check(f"the survey page answers (got {shown.status_code}: {shown.content[:300]!r})", shown.status_code == 200)
check("opening it records nothing", not SurveyResponse.objects.exists())
answered = Client(HTTP_HOST="127.0.0.1").post(survey_page, {"rating": "4", "comment": ""})
check(f"answering it redirects (got {answered.status_code})", answered.status_code == 302)
check("the rating reaches the case", CaseRecord.objects.get(ticket=first).rating == 4)
print("all done")
