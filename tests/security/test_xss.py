"""Stored XSS: script and event-handler payloads typed by customers and agents into every field
that is shown back (subject, messages, customer name, file name, category, order number,
compensation text, survey comment, case summary) stay inert text on every page and in every
HTML email; and no template carries inline code a Content-Security-Policy would have to allow."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from feedback import services as feedback
from policies import services as policies
from tests.factories import CategoryFactory, CustomerFactory, OrderFactory
from tickets import services as tickets
from tickets.models import Channel, OutboundEmail, Status
from tickets.services import AttachmentInput

from .conftest import PNG, sent_survey_link

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
BREAKOUT = "\" onmouseover='alert(1)' x=\""
PAYLOAD = f"{SCRIPT}{IMG}{BREAKOUT}javascript:alert(1)"
SHORT = f"{SCRIPT}{IMG}"  # for fields of 100 characters


class _Dangers(HTMLParser):
    """Collects what a browser would run: inline scripts, on* handlers, javascript: URLs."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        if tag == "script":
            self._in_script = True
            if not names.get("src"):
                self.found.append("<script> without src")
        for name, value in attrs:
            if name.startswith("on") or name.startswith("hx-on"):
                self.found.append(f"<{tag} {name}={value!r}>")
            if name in ("href", "src", "action", "formaction", "hx-get", "hx-post") and (
                value or ""
            ).strip().lower().startswith("javascript:"):
                self.found.append(f"<{tag} {name}={value!r}>")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.found.append(f"inline script: {data.strip()[:60]!r}")


def dangers(html: str) -> list[str]:
    parser = _Dangers()
    parser.feed(html)
    parser.close()
    raw = [payload for payload in (SCRIPT, IMG, "onmouseover='alert") if payload in html]
    return parser.found + [f"raw payload {payload!r}" for payload in raw]


@pytest.fixture
def poisoned(actors, teams, categories, usd_tiers):
    """Payloads in every field a customer or an agent fills in, stored through the services."""
    category = CategoryFactory(slug="xss", name=f"Cat {SHORT}", kind="inquiry")
    customer = CustomerFactory(name=f"Eve {PAYLOAD}", email="eve@example.de", country="DE", language="en")
    order = OrderFactory(customer=customer, external_number=f"SO-{IMG}", currency="USD")
    ticket = tickets.ticket_create(
        customer=customer, subject=f"Help {PAYLOAD}", body=f"Body {PAYLOAD}", channel=Channel.WEB,
        category=category, order=order, acknowledge=True,
        attachments=[AttachmentInput(name=f"{IMG}{BREAKOUT}.png", content=PNG)],
    )  # fmt: skip
    tickets.ticket_assign(ticket=ticket, assignee=actors.l1, actor=actors.l1)
    tickets.message_add_reply(ticket=ticket, author=actors.l1, body=f"Reply {PAYLOAD}")
    tickets.message_add_note(ticket=ticket, author=actors.l1, body=f"Note {PAYLOAD}")
    request = policies.compensation_request_create(
        ticket=ticket, actor=actors.l1, kind="partial_refund", reason="other", reason_detail=f"Why {PAYLOAD}",
        amount="80.00", message_mode="reply", message=f"To customer {PAYLOAD}",
    )  # fmt: skip
    granted = policies.compensation_request_create(
        ticket=ticket, actor=actors.l1, kind="gift", amount="5.00", description=f"Gift {PAYLOAD}"
    )
    solved = tickets.ticket_create(
        customer=customer, subject=f"Solved {PAYLOAD}", body=f"Problem {PAYLOAD}", channel=Channel.WEB,
        category=category,
    )  # fmt: skip
    tickets.message_add_reply(ticket=solved, author=actors.l1, body=f"Solution {PAYLOAD}")
    tickets.ticket_set_status(ticket=solved, status=Status.SOLVED, actor=actors.l1)
    invitation, link = sent_survey_link(solved)
    response = feedback.survey_respond(invitation=invitation, rating=1, comment=f"Comment {PAYLOAD}")
    feedback.case_record(ticket_id=solved.pk)
    feedback.case_set_summary(ticket=solved, solution=f"Summary {PAYLOAD}", actor=actors.l1)
    return SimpleNamespace(
        ticket=ticket, solved=solved, request=request, granted=granted, care=response.care, link=link,
        category=category, customer=customer, order=order,
    )  # fmt: skip


def _staff_pages(poisoned) -> list[str]:
    ticket = poisoned.ticket.pk
    return [
        reverse("tickets:queue") + "?view=team&status=any",
        reverse("tickets:queue") + "?view=all&status=any&q=Help",
        reverse("tickets:detail", args=[ticket]),
        reverse("tickets:detail", args=[poisoned.solved.pk]),
        reverse("tickets:create") + f"?customer={poisoned.customer.pk}",
        reverse("tickets:customer_lookup") + "?email=eve@example.de",
        reverse("policies:queue"),
        reverse("policies:request", args=[poisoned.request.pk]),
        reverse("policies:request_create", args=[ticket]),
        reverse("feedback:care_list"),
        reverse("feedback:care_detail", args=[poisoned.care.pk]),
        reverse("feedback:cases") + "?q=Summary",
        reverse("feedback:cases") + f"?q=Summary&ticket={ticket}",
        reverse("notifications"),
    ]


def _admin_pages(poisoned) -> list[str]:
    pages = [
        reverse(f"admin:{model}_changelist")
        for model in (
            "tickets_ticket", "tickets_customer", "tickets_message", "tickets_attachment", "tickets_category",
            "tickets_order", "tickets_ticketevent", "tickets_outboundemail", "policies_compensationrequest",
            "feedback_surveyresponse", "feedback_carefollowup", "feedback_caserecord",
        )
    ]  # fmt: skip
    pages += [
        reverse("admin:tickets_ticket_change", args=[poisoned.ticket.pk]),
        reverse("admin:tickets_customer_change", args=[poisoned.customer.pk]),
        reverse("admin:tickets_category_change", args=[poisoned.category.pk]),
        reverse("admin:tickets_attachment_change", args=[poisoned.ticket.attachments.get().pk]),
        reverse("admin:policies_compensationrequest_change", args=[poisoned.request.pk]),
    ]
    return pages


def test_payloads_are_inert_on_every_staff_page(client, actors, poisoned):
    client.force_login(actors.supervisor)
    for url in _staff_pages(poisoned):
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        assert dangers(page) == [], url
    ticket_page = client.get(reverse("tickets:detail", args=[poisoned.ticket.pk])).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in ticket_page  # shown, as text


def test_payloads_are_inert_in_the_admin(client, actors, poisoned):
    client.force_login(actors.admin)
    for url in _admin_pages(poisoned):
        response = client.get(url)
        assert response.status_code == 200, url
        assert dangers(response.content.decode()) == [], url


def test_payloads_are_inert_on_the_customers_pages(client, poisoned, categories):
    survey = client.get(reverse("feedback:survey", args=[poisoned.link]))
    form = client.get(reverse("public:support"))
    assert survey.status_code == form.status_code == 200
    assert dangers(survey.content.decode()) == []
    assert dangers(form.content.decode()) == []  # the category's name is in the form's choices
    assert "Cat &lt;script&gt;" in form.content.decode()


def test_payloads_are_inert_in_every_html_email(poisoned, actors, django_capture_on_commit_callbacks):
    # given the acknowledgement, the replies, the compensation and survey emails of the poisoned tickets
    with django_capture_on_commit_callbacks(execute=True):
        policies.compensation_request_decide(
            request=poisoned.request, actor=actors.supervisor, decision="approved", comment=f"Ok {PAYLOAD}"
        )
        tickets.emails_send_due()
    rows = OutboundEmail.objects.exclude(body_html="")
    assert rows.count() >= 4
    # then no stored or sent HTML alternative carries anything that runs
    for row in rows:
        assert dangers(row.body_html) == [], row.key
    sent = [
        (m.subject, body) for m in mail.outbox for body, kind in getattr(m, "alternatives", []) if kind == "text/html"
    ]
    assert sent
    for subject, html in sent:
        assert dangers(html) == [], subject


def _templates() -> list[Path]:
    roots = [Path(d) for d in settings.TEMPLATES[0]["DIRS"]]
    roots += [Path(settings.BASE_DIR) / app / "templates" for app in ("tickets", "policies", "feedback", "helpdesk")]
    roots += [Path(settings.BASE_DIR) / app / "templates" for app in ("logistics", "reports")]
    return sorted(path for root in roots if root.is_dir() for path in root.rglob("*.html"))


def test_no_template_carries_inline_code():
    import re

    templates = _templates()
    assert len(templates) > 30  # the scan reads the real templates
    offences = []
    for path in templates:
        text = path.read_text()
        for match in re.finditer(r"<script\b([^>]*)>(.*?)</script>", text, re.S | re.I):
            if "src=" not in match.group(1) or match.group(2).strip():
                offences.append(f"{path}: inline <script>")
        for match in re.finditer(r"<[a-z][^<>]*?\s(on[a-z]+|hx-on[:\w-]*)\s*=", text, re.I):
            offences.append(f"{path}: handler attribute {match.group(1)}")
        if re.search(r"javascript:", text, re.I):
            offences.append(f"{path}: javascript: URL")
        if re.search(r"\|\s*safe\b|autoescape off", text):
            offences.append(f"{path}: autoescaping switched off")
    assert offences == []
