"""The ticket page: thread, reply and note, attachments, canned replies, merge, panels (its
controls: test_ticket_controls.py)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import OrderFactory
from tests.tickets.ticket_pages import htmx, new_ticket, page_of, url
from tickets import panels, services
from tickets.models import (
    Attachment,
    CannedReply,
    Channel,
    MessageKind,
    OutboundEmail,
    Status,
)
from tickets.services import AttachmentInput

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64


# --- Who may see it ---------------------------------------------------------------------------


def test_anonymous_visitor_is_sent_to_the_login_page(client, actors):
    ticket = new_ticket(actors)

    for target in (url("detail", ticket), url("attachment", ticket, "abc")):
        response = client.get(target)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_an_agent_of_another_team_is_told_the_ticket_does_not_exist(client, actors):
    ticket = new_ticket(actors)
    services.message_add_note(
        ticket=ticket,
        author=actors.l1,
        body="photo",
        attachments=[AttachmentInput(name="damage.png", content=PNG)],
    )
    attachment = Attachment.objects.get(ticket=ticket)
    client.force_login(actors.other_team_agent)

    assert client.get(url("detail", ticket)).status_code == 404
    assert client.get(url("attachment", ticket, attachment.token)).status_code == 404
    with_reply = client.post(url("reply", ticket), {"reply-body": "Hello"})
    assert with_reply.status_code == 404
    assert not ticket.messages.filter(kind=MessageKind.REPLY).exists()


# --- The thread -------------------------------------------------------------------------------


def test_staff_see_the_whole_thread_with_notes_set_apart(client, actors):
    ticket = new_ticket(actors)
    services.message_add_reply(ticket=ticket, author=actors.l1, body="We are on it.")
    services.message_add_note(ticket=ticket, author=actors.l2, body="Carrier says lost.")

    page = page_of(client, actors.l1, ticket)

    kinds = re.findall(r'<article class="msg (\w+)"', page)
    assert kinds == ["customer", "reply", "note"]
    assert "Where is my parcel?" in page and "We are on it." in page and "Carrier says lost." in page
    assert "Internal note" in page


def test_markup_in_a_customer_message_is_shown_as_text(client, actors):
    ticket = services.ticket_create(
        customer=actors.customer,
        subject="<b>Hi</b>",
        channel=Channel.EMAIL,
        body='<script>alert("x")</script>\n<img src=x onerror=alert(1)>\nsecond line',
    )

    page = page_of(client, actors.l1, ticket)

    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(1)&gt;<br>second line" in page
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;b&gt;Hi&lt;/b&gt;" in page


def test_the_page_has_no_inline_script_for_the_content_security_policy(client, actors):
    ticket = new_ticket(actors)
    CannedReply.objects.create(title="Hello", body_en="Hello {customer_name}")

    page = page_of(client, actors.l1, ticket)

    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page)
    assert not re.search(r"<[^>]+\son[a-z]+=", page)


def test_times_are_shown_in_the_viewers_zone_and_the_zone_is_named(client, actors):
    with time_machine.travel(datetime(2026, 3, 2, 8, 30, tzinfo=UTC), tick=False):
        ticket = new_ticket(actors)

    page = page_of(client, actors.l1, ticket)  # l1 works in Asia/Shanghai

    assert "Asia/Shanghai" in page
    assert "2026-03-02 16:30 CST" in page


def test_the_page_reads_a_fixed_number_of_rows_per_message(client, actors):
    ticket = new_ticket(actors)
    client.force_login(actors.l1)
    client.get(url("detail", ticket))

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            client.get(url("detail", ticket))
        return len(captured)

    before = queries()
    for i in range(8):
        services.message_add_note(
            ticket=ticket,
            author=actors.l1,
            body=f"note {i}",
            attachments=[AttachmentInput(name=f"p{i}.png", content=PNG)],
        )
    assert queries() == before


def test_the_page_reads_choices_and_the_top_bar_without_extra_round_trips(client, actors):
    ticket = new_ticket(actors)
    client.force_login(actors.l1)
    client.get(url("detail", ticket))  # the fragments are kept

    with CaptureQueriesContext(connection) as captured:
        page = client.get(url("detail", ticket)).content.decode()

    statements = [query["sql"] for query in captured]
    assert not [sql for sql in statements if sql.startswith("DECLARE")]  # no server-side cursor for a choice list
    assert len([sql for sql in statements if 'FROM "tickets_team" WHERE' in sql]) == 0  # the team read with the profile
    assert actors.l1.agent_profile.team.name in page


# --- Replies and notes ------------------------------------------------------------------------


def test_a_reply_is_emailed_to_the_customer_and_shown_in_the_thread(client, actors, django_capture_on_commit_callbacks):
    ticket = new_ticket(actors)
    client.force_login(actors.l1)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("reply", ticket), {"reply-body": "Ihr Paket ist unterwegs."})

    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["lena@example.de"]
    assert "Ihr Paket ist unterwegs." in mail.outbox[0].body
    page = client.get(response["Location"]).content.decode()
    assert "Reply sent to lena@example.de." in page
    assert '<article class="msg reply"' in page
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN


def test_reply_and_set_pending_waits_on_the_customer(client, actors, django_capture_on_commit_callbacks):
    ticket = new_ticket(actors)
    client.force_login(actors.l1)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("reply", ticket), {"reply-body": "Please send a photo.", "reply-set_pending": "on"})

    ticket.refresh_from_db()
    assert ticket.status == Status.PENDING
    assert len(mail.outbox) == 1


def test_a_reply_with_htmx_updates_the_thread_without_reloading(client, actors, django_capture_on_commit_callbacks):
    ticket = new_ticket(actors)
    client.force_login(actors.l1)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("reply", ticket), {"reply-body": "On its way."}, headers=htmx())

    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert 'id="reply-box"' in body and "Reply sent to lena@example.de." in body
    assert re.search(r'<section id="thread"[^>]*hx-swap-oob="true"', body)
    assert "On its way." in body
    assert re.search(r'<textarea name="reply-body"[^>]*>\s*</textarea>', body)  # emptied
    assert len(mail.outbox) == 1


def test_a_note_is_never_emailed(client, actors, django_capture_on_commit_callbacks):
    ticket = new_ticket(actors)
    client.force_login(actors.l1)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("note", ticket), {"note-body": "Customer sounded upset."}, headers=htmx())

    assert response.status_code == 200
    assert mail.outbox == []
    assert ticket.messages.filter(kind=MessageKind.NOTE, body="Customer sounded upset.").exists()
    assert "never shown to the customer" in response.content.decode()


def test_an_executable_attachment_is_refused_and_the_typed_reply_is_kept(
    client, actors, django_capture_on_commit_callbacks
):
    ticket = new_ticket(actors)
    client.force_login(actors.l1)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("reply", ticket),
            {
                "reply-body": "Here is the label I promised.",
                "reply-attachments": [SimpleUploadedFile("label.exe", EXE)],
            },
            headers=htmx(),
        )

    body = response.content.decode()
    assert response.status_code == 422
    assert "label.exe is not an accepted file type" in body
    assert "Here is the label I promised." in body
    assert "Choose the files again" in body
    assert not ticket.messages.filter(kind=MessageKind.REPLY).exists()
    assert mail.outbox == []


def test_an_oversized_attachment_is_refused_with_a_clear_error(client, actors):
    ticket = new_ticket(actors)
    client.force_login(actors.l1)
    big = SimpleUploadedFile("scan.png", PNG + b"\x00" * (10 * 1024 * 1024))

    response = client.post(url("note", ticket), {"note-body": "Scan attached", "note-attachments": [big]})

    body = response.content.decode()
    assert response.status_code == 422
    assert "scan.png is larger than 10 MB." in body
    assert "Scan attached" in body
    assert not Attachment.objects.filter(ticket=ticket).exists()


def test_an_empty_reply_is_refused(client, actors):
    ticket = new_ticket(actors)
    client.force_login(actors.l1)

    response = client.post(url("reply", ticket), {"reply-body": "  "})

    assert response.status_code == 422
    assert "This field is required." in response.content.decode()


# --- Attachments ------------------------------------------------------------------------------


def test_an_uploaded_photo_is_listed_and_downloads_as_an_attachment(client, actors):
    ticket = new_ticket(actors)
    client.force_login(actors.l1)

    client.post(
        url("note", ticket),
        {
            "note-body": "Photo from the chat",
            "note-attachments": [SimpleUploadedFile("damage.png", PNG)],
        },
    )
    attachment = Attachment.objects.get(ticket=ticket)
    page = client.get(url("detail", ticket)).content.decode()
    download = client.get(url("attachment", ticket, attachment.token))

    assert f'href="{url("attachment", ticket, attachment.token)}"' in page
    assert download.status_code == 200
    assert download["Content-Type"] == "image/png"
    assert download["Content-Disposition"] == 'attachment; filename="damage.png"'
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == PNG


def test_a_text_file_that_looks_like_html_is_still_downloaded_not_shown(client, actors):
    ticket = new_ticket(actors)
    services.message_add_note(
        ticket=ticket,
        author=actors.l1,
        body="log",
        attachments=[AttachmentInput(name="x.html", content=b"hello <b>there</b>")],
    )
    attachment = Attachment.objects.get(ticket=ticket)
    client.force_login(actors.l1)

    download = client.get(url("attachment", ticket, attachment.token))

    assert download["Content-Type"] == "text/plain"
    assert download["Content-Disposition"].startswith("attachment;")
    assert "sandbox" in download["Content-Security-Policy"]


# --- Canned replies ---------------------------------------------------------------------------


def test_canned_replies_are_offered_in_the_tickets_language_with_placeholders_filled(client, actors):
    order = OrderFactory(customer=actors.customer, external_number="SO-777")
    ticket = new_ticket(actors, order=order)
    CannedReply.objects.create(
        title="Update",
        body_en="Hello {customer_name}, about {ticket_reference}",
        body_de="Hallo {customer_name}, zu {ticket_reference} ({order_number}) – {agent_name}",
    )
    CannedReply.objects.create(title="English only", body_en="Dear {customer_name}")

    page = page_of(client, actors.l1, ticket)

    agent = actors.l1.get_full_name()
    assert f'data-text="Hallo Lena Schmidt, zu {ticket.reference} (SO-777) – {agent}"' in page
    assert 'data-text="Dear Lena Schmidt"' in page  # no German variant: English


def test_without_javascript_a_canned_reply_is_put_in_the_reply_box(client, actors):
    ticket = new_ticket(actors)
    canned = CannedReply.objects.create(title="Thanks", body_en="Thank you, {customer_name}!")

    page = page_of(client, actors.l1, ticket, canned=canned.pk)

    assert re.search(r'<textarea name="reply-body"[^>]*>\s*Thank you, Lena Schmidt!</textarea>', page)


# --- The rest of the page ---------------------------------------------------------------------


def test_failed_emails_are_shown_on_the_ticket(client, actors):
    ticket = new_ticket(actors)
    OutboundEmail.objects.create(
        key="reply:x",
        ticket=ticket,
        to="lena@example.de",
        subject="Re: Parcel late",
        body_text="x",
        email_message_id="<x@h>",
        state=OutboundEmail.State.FAILED,
        attempts=5,
        last_error="SMTPRecipientsRefused: mailbox full",
        due_at=timezone.now(),
    )

    page = page_of(client, actors.l1, ticket)

    assert "Emails not delivered" in page and "mailbox full" in page and "5 attempts" in page


def test_the_customers_other_tickets_and_orders_are_listed(client, actors):
    ticket = new_ticket(actors)
    older = new_ticket(actors)
    OrderFactory(customer=actors.customer, external_number="SO-4242")

    page = page_of(client, actors.l1, ticket)

    assert older.reference in page and "SO-4242" in page


def test_merging_moves_the_messages_into_the_other_ticket(client, actors):
    first = new_ticket(actors)
    duplicate = new_ticket(actors)
    client.force_login(actors.l1)

    response = client.post(url("merge", duplicate), {"target": first.reference, "confirm": "on"})

    assert response.status_code == 302 and response["Location"] == url("detail", first)
    page = client.get(response["Location"]).content.decode()
    assert f"{duplicate.reference} was merged into this ticket." in page
    assert len(re.findall(r'<article class="msg customer"', page)) == 2
    duplicate.refresh_from_db()
    assert duplicate.status == Status.CLOSED


def test_merging_into_another_customers_ticket_is_refused(client, actors):
    from tests.factories import CustomerFactory

    ticket = new_ticket(actors)
    other = services.ticket_create(customer=CustomerFactory(country="DE"), subject="x", body="y", channel=Channel.WEB)
    client.force_login(actors.l1)

    response = client.post(url("merge", ticket), {"target": other.reference, "confirm": "on"})

    assert response.status_code == 422
    assert "Only tickets of the same customer can be merged." in response.content.decode()


def test_panels_of_other_apps_are_shown(client, actors):
    ticket = new_ticket(actors)
    panels.register_panel(
        "test-panel",
        template="tickets/_customer_lookup.html",
        context=lambda request, t: {"customer": t.customer, "orders": []},
    )
    panels.register_panel("hidden-panel", template="tickets/_customer_lookup.html", context=lambda request, t: None)
    try:
        page = page_of(client, actors.l1, ticket)
    finally:
        panels._PANELS.pop("test-panel")
        panels._PANELS.pop("hidden-panel")
    assert page.count("Existing customer") == 1
