"""Working a ticket through the REST API: its changes and facts, its conversation and attachments."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tickets import services
from tickets.models import Attachment, Channel, Message, MessageKind, Priority, Status, Ticket, TicketEvent
from tickets.services import AttachmentInput

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def new_ticket(actors, **kwargs) -> Ticket:
    return services.ticket_create(
        customer=actors.customer, subject="Broken vase", body="It arrived broken", channel=Channel.WEB, **kwargs
    )


def messages_url(ticket: Ticket) -> str:
    return f"/api/v1/tickets/{ticket.pk}/messages/"


def png(name: str = "damage.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/png")


# --- Changing tickets ----------------------------------------------------------------------


def test_agent_changes_status_priority_category_assignee_and_language(actors, categories):
    ticket = new_ticket(actors)
    response = client_for(actors.l1).patch(
        f"/api/v1/tickets/{ticket.pk}/",
        {
            "status": "pending",
            "priority": "urgent",
            "category": "other",
            "assignee": actors.l2.pk,
            "language": "fr",
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["status"], body["priority"], body["category"], body["language"]) == (
        "pending",
        "urgent",
        "other",
        "fr",
    )
    assert body["assignee"]["id"] == actors.l2.pk
    kinds = set(TicketEvent.objects.filter(ticket=ticket).values_list("kind", flat=True))
    assert {"status", "priority", "category", "assignee", "language"} <= kinds


def test_solving_without_the_required_facts_is_refused_naming_them(actors, categories):
    ticket = new_ticket(actors, category=categories.logistics)
    response = client_for(actors.l1).patch(
        f"/api/v1/tickets/{ticket.pk}/",
        {
            "priority": "urgent",
            "status": "solved",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "Tracking number" in response.json()["status"][0]
    ticket.refresh_from_db()
    assert ticket.status == Status.NEW and ticket.solved_at is None
    assert ticket.priority == Priority.NORMAL  # the whole change was refused, not half of it


@pytest.mark.parametrize(
    "field_value",
    [
        ("team", "north-america"),
        ("solved_at", "2026-01-01T00:00:00Z"),
        ("reference", "HD-999999"),
        ("first_response_at", "2026-01-01T00:00:00Z"),
        ("facts", {"tracking_number": "X"}),
        ("customer", 1),
        ("channel", "email"),
        ("id", 12345),
    ],
)
def test_read_only_fields_cannot_be_mass_assigned(actors, teams, field_value):
    field, value = field_value
    ticket = new_ticket(actors)
    before = Ticket.objects.values().get(pk=ticket.pk)
    response = client_for(actors.l1).patch(
        f"/api/v1/tickets/{ticket.pk}/", {field: value, "priority": "high"}, format="json"
    )
    assert response.status_code == 400
    assert field in response.json()
    assert Ticket.objects.values().get(pk=ticket.pk) == before


def test_put_is_not_offered(actors):
    ticket = new_ticket(actors)
    response = client_for(actors.l1).put(f"/api/v1/tickets/{ticket.pk}/", {"status": "open"}, format="json")
    assert response.status_code == 405


def test_a_change_racing_another_one_is_a_409_and_changes_nothing(actors, monkeypatch):
    ticket = new_ticket(actors)
    real_set_status = services.ticket_set_status

    def meanwhile(**kwargs):  # another agent changes the status between our read and our write
        Ticket.objects.filter(pk=ticket.pk).update(status=Status.PENDING)
        return real_set_status(**kwargs)

    monkeypatch.setattr(services, "ticket_set_status", meanwhile)
    response = client_for(actors.l1).patch(
        f"/api/v1/tickets/{ticket.pk}/", {"priority": "urgent", "status": "open"}, format="json"
    )
    assert response.status_code == 409
    ticket.refresh_from_db()
    assert ticket.priority == Priority.NORMAL  # the whole change was undone


def test_assigning_to_an_agent_of_another_team_is_refused(actors):
    ticket = new_ticket(actors)
    response = client_for(actors.l1).patch(
        f"/api/v1/tickets/{ticket.pk}/", {"assignee": actors.other_team_agent.pk}, format="json"
    )
    assert response.status_code == 400 and "assignee" in response.json()
    assert (
        client_for(actors.l1).patch(f"/api/v1/tickets/{ticket.pk}/", {"status": "new"}, format="json").status_code
        == 400
    )


def test_facts_are_recorded_and_then_the_ticket_can_be_solved(actors, categories):
    ticket = new_ticket(actors, category=categories.logistics)
    api = client_for(actors.l1)
    response = api.post(
        f"/api/v1/tickets/{ticket.pk}/facts/",
        {
            "facts": {
                "tracking_number": "LX123456789CN",
                "ship_date": "2026-10-01",
                "destination_country": "de",
            }
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["facts"]["destination_country"] == "DE"
    assert response.json()["missing_facts"] == []
    solved = api.patch(f"/api/v1/tickets/{ticket.pk}/", {"status": "solved"}, format="json")
    assert solved.status_code == 200 and solved.json()["solved_at"] is not None


@pytest.mark.parametrize(
    ("facts", "named"), [({"ship_date": "01/10/2026"}, "ship_date"), ({"colour": "red"}, "colour")]
)
def test_bad_facts_are_refused_naming_the_fact(actors, categories, facts, named):
    ticket = new_ticket(actors, category=categories.logistics)
    response = client_for(actors.l1).post(f"/api/v1/tickets/{ticket.pk}/facts/", {"facts": facts}, format="json")
    assert response.status_code == 400
    assert named in response.json()["facts"]
    ticket.refresh_from_db()
    assert ticket.facts == {}


# --- Reading the conversation --------------------------------------------------------------


def test_staff_read_the_whole_conversation_notes_included_newest_first(actors):
    ticket = new_ticket(actors)
    services.message_add_note(ticket=ticket, author=actors.l1, body="Check the warehouse photos")
    services.message_add_reply(ticket=ticket, author=actors.l1, body="Sorry to hear that")
    new_ticket(actors)  # another ticket's messages stay out
    response = client_for(actors.l1).get(messages_url(ticket))
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [r["kind"] for r in rows] == ["reply", "note", "customer"]
    assert rows[0]["author"]["username"] == "l1"
    assert {r["ticket"] for r in rows} == {ticket.pk}


def test_message_list_runs_the_same_number_of_queries_for_few_or_many_messages(actors):
    few, many = new_ticket(actors), new_ticket(actors)
    for ticket, count in ((few, 1), (many, 12)):
        for n in range(count):
            services.message_add_note(
                ticket=ticket,
                author=actors.l2,
                body=f"note {n}",
                attachments=[AttachmentInput(name=f"p{n}.png", content=PNG)],
            )
    key = Token.objects.create(user=actors.l1).key

    def queries(ticket: Ticket) -> int:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        with CaptureQueriesContext(connection) as captured:
            assert client.get(messages_url(ticket)).status_code == 200
        return len(captured.captured_queries)

    assert queries(few) == queries(many)


# --- Writing messages ----------------------------------------------------------------------


def test_a_reply_is_emailed_to_the_customer_and_counts_as_first_response(actors, django_capture_on_commit_callbacks):
    ticket = new_ticket(actors)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(actors.l1).post(
            messages_url(ticket), {"kind": "reply", "body": "Refund on its way"}, format="json"
        )
    assert response.status_code == 201, response.json()
    assert response.json()["kind"] == "reply"
    assert [m.to for m in mail.outbox] == [["lena@example.de"]]
    assert "Refund on its way" in mail.outbox[0].body
    ticket.refresh_from_db()
    assert ticket.first_response_at is not None and ticket.status == Status.OPEN


def test_a_reply_can_wait_on_the_customer(actors):
    ticket = new_ticket(actors)
    response = client_for(actors.l1).post(
        messages_url(ticket), {"kind": "reply", "body": "Photo please?", "set_pending": True}, format="json"
    )
    assert response.status_code == 201
    ticket.refresh_from_db()
    assert ticket.status == Status.PENDING


def test_a_note_is_never_emailed(actors, django_capture_on_commit_callbacks):
    ticket = new_ticket(actors)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(actors.l1).post(
            messages_url(ticket), {"kind": "note", "body": "VIP customer"}, format="json"
        )
    assert response.status_code == 201
    assert mail.outbox == []
    assert Message.objects.get(pk=response.json()["id"]).kind == MessageKind.NOTE


def test_a_platform_relays_a_customer_message_which_reopens_a_solved_ticket(actors, categories):
    ticket = new_ticket(actors, category=categories.other)
    services.ticket_set_status(ticket=ticket, status=Status.SOLVED, actor=actors.l1)
    response = client_for(actors.l1).post(
        messages_url(ticket), {"kind": "customer", "body": "Still broken"}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["channel"] == "api" and response.json()["ticket"] == ticket.pk
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN


def test_a_customer_message_on_a_closed_ticket_opens_a_follow_up(actors, categories):
    ticket = new_ticket(actors, category=categories.other)
    services.ticket_set_status(ticket=ticket, status=Status.SOLVED, actor=actors.l1)
    services.ticket_set_status(ticket=ticket, status=Status.CLOSED, actor=actors.l1)
    response = client_for(actors.l1).post(messages_url(ticket), {"kind": "customer", "body": "Again!"}, format="json")
    assert response.status_code == 201
    follow_up = Ticket.objects.get(pk=response.json()["ticket"])
    assert follow_up.pk != ticket.pk and follow_up.follow_up_of_id == ticket.pk


@pytest.mark.parametrize(
    ("payload", "named"),
    [
        ({"kind": "reply", "body": "   "}, "body"),
        ({"kind": "shout", "body": "hi"}, "kind"),
        ({"kind": "note", "body": "hi", "set_pending": True}, "set_pending"),
        ({"body": "hi"}, "kind"),
    ],
)
def test_a_bad_message_is_refused_naming_the_field(actors, payload, named):
    ticket = new_ticket(actors)
    response = client_for(actors.l1).post(messages_url(ticket), payload, format="json")
    assert response.status_code == 400
    assert named in response.json()
    assert ticket.messages.count() == 1


def test_a_closed_ticket_cannot_be_replied_to(actors, categories):
    ticket = new_ticket(actors, category=categories.other)
    services.ticket_set_status(ticket=ticket, status=Status.SOLVED, actor=actors.l1)
    services.ticket_set_status(ticket=ticket, status=Status.CLOSED, actor=actors.l1)
    response = client_for(actors.l1).post(messages_url(ticket), {"kind": "reply", "body": "hello"}, format="json")
    assert response.status_code == 400
    assert ticket.messages.count() == 1


# --- Attachments ---------------------------------------------------------------------------


def test_files_are_attached_with_multipart_and_downloaded_as_attachments(actors):
    ticket = new_ticket(actors)
    api = client_for(actors.l1)
    response = api.post(
        messages_url(ticket),
        {"kind": "note", "body": "Photos from chat", "attachments": [png("one.png"), png("../two.png")]},
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    files = response.json()["attachments"]
    assert [f["name"] for f in files] == ["one.png", "two.png"]
    assert files[0]["content_type"] == "image/png" and files[0]["size"] == len(PNG)

    details = api.get(f"/api/v1/attachments/{files[0]['id']}/")
    assert details.status_code == 200 and details.json()["ticket"] == ticket.pk
    download = api.get(details.json()["download_url"], HTTP_ACCEPT="image/png")
    assert download.status_code == 200
    assert download["Content-Type"] == "image/png"
    assert download["Content-Disposition"].startswith('attachment; filename="one.png"')
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == PNG


def test_a_file_of_a_refused_type_stores_nothing(actors):
    ticket = new_ticket(actors)
    page = SimpleUploadedFile("page.png", b"<html><script>alert(1)</script></html>", content_type="image/png")
    response = client_for(actors.l1).post(
        messages_url(ticket), {"kind": "reply", "body": "see file", "attachments": [png(), page]}, format="multipart"
    )
    assert response.status_code == 400 and "attachments" in response.json()
    assert ticket.messages.count() == 1
    assert not Attachment.objects.exists()


# --- Another team's tickets ----------------------------------------------------------------


def test_another_teams_conversation_and_files_are_not_found(actors):
    ticket = new_ticket(actors)
    note = services.message_add_note(
        ticket=ticket, author=actors.l1, body="internal", attachments=[AttachmentInput(name="p.png", content=PNG)]
    )
    attachment = note.attachments.get()
    outsider = client_for(actors.other_team_agent)
    assert outsider.get(messages_url(ticket)).status_code == 404
    for kind in ("reply", "note", "customer"):
        assert outsider.post(messages_url(ticket), {"kind": kind, "body": "x"}, format="json").status_code == 404
    assert outsider.get(f"/api/v1/attachments/{attachment.pk}/").status_code == 404
    assert outsider.get(f"/api/v1/attachments/{attachment.pk}/download/").status_code == 404
    assert ticket.messages.count() == 2
    # The ticket's own team, and an agent it is assigned to, do see it.
    assert client_for(actors.l2).get(f"/api/v1/attachments/{attachment.pk}/download/").status_code == 200


def test_anonymous_and_roleless_callers_get_no_messages_or_files(actors):
    from tests.factories import UserFactory

    ticket = new_ticket(actors)
    assert APIClient().get(messages_url(ticket)).status_code == 401
    assert client_for(UserFactory.create()).get(messages_url(ticket)).status_code == 403
    assert client_for(UserFactory.create()).get("/api/v1/attachments/1/").status_code == 403
