"""Uploads under attack: oversized files, a type disguised by its name (either way), file names
built to escape the storage folder or to be downloaded as something else, and markup a browser
would render. A file is only ever handed back as a download, typed by what it really is."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tickets import services as tickets
from tickets.models import Attachment

from .conftest import PNG, api_client, fresh_ip

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
TEN_MB = 10 * 1024 * 1024


def _post_files(user, ticket, *files: SimpleUploadedFile):
    return api_client(user).post(
        f"/api/v1/tickets/{ticket.pk}/messages/",
        {"kind": "note", "body": "See the file", "attachments": list(files)},
        format="multipart",
    )


def _download(client, attachment: Attachment):
    return client.get(reverse("tickets:attachment", args=[attachment.ticket_id, attachment.token]))


def test_a_file_over_the_limit_is_refused_on_every_channel(client, actors, own, categories):
    big = PNG + b"\x00" * TEN_MB
    api = _post_files(actors.l1, own, SimpleUploadedFile("scan.png", big))
    client.force_login(actors.l1)
    page = client.post(
        reverse("tickets:note", args=[own.pk]),
        {"note-body": "scan", "note-attachments": [SimpleUploadedFile("scan.png", big)]},
    )
    client.logout()
    form = client.post(
        reverse("public:support"),
        {"name": "Eve", "email": "eve@example.com", "category": categories.other.pk, "subject": "Hi",
         "message": "Hi", "attachments": [SimpleUploadedFile("scan.png", big)]},
        REMOTE_ADDR=fresh_ip(),
    )  # fmt: skip
    assert (api.status_code, page.status_code, form.status_code) == (400, 422, 400)
    for response in (page, form):
        assert "larger than 10 MB" in response.content.decode()
    assert "larger than 10 MB" in str(api.json())
    assert Attachment.objects.count() == 1  # the own ticket's first photo only


@pytest.mark.parametrize("name", ["invoice.exe", "photo.html", "photo.svg", "setup.bat", "photo"])
def test_a_picture_with_a_dangerous_name_is_handed_back_as_the_picture_it_is(client, actors, own, name):
    # given a real PNG uploaded under a name that would make the downloaded file something else
    upload = SimpleUploadedFile(name, PNG, content_type="application/x-msdownload")
    assert _post_files(actors.l1, own, upload).status_code == 201
    attachment = Attachment.objects.get(ticket=own, original_name__startswith=name)
    client.force_login(actors.l1)
    response = _download(client, attachment)
    # then it is typed and named as a PNG: saving it gives a picture, never a program or a page
    assert attachment.content_type == "image/png"
    assert response["Content-Type"] == "image/png"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert disposition.rstrip('"').endswith(".png"), disposition


@pytest.mark.parametrize(
    "content",
    [
        b"<!DOCTYPE html><script>alert(1)</script>",
        b"<html><body onload=alert(1)>",
        b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>",
        b"<?xml version='1.0'?><svg onload='alert(1)'/>",
        b"<body onload=alert(1)>hello",
        b"<img src=x onerror=alert(1)>",
        b"<iframe src='javascript:alert(1)'></iframe>",
        b"<!-- note --><script>alert(1)</script>",
        b"\xef\xbb\xbf<script>alert(1)</script>",
        b"  \r\n\t<a href='javascript:alert(1)'>prize</a>",
        b"<SCRIPT>alert(1)</SCRIPT>",
    ],
)
def test_markup_is_refused_whatever_the_file_is_called(actors, own, content):
    response = _post_files(actors.l1, own, SimpleUploadedFile("holiday.png", content, content_type="image/png"))
    assert response.status_code == 400
    assert "not an accepted file type" in str(response.json())
    assert not Attachment.objects.filter(ticket=own, original_name__startswith="holiday").exists()


def test_plain_text_mentioning_tags_later_on_is_still_text(actors, own):
    response = _post_files(actors.l1, own, SimpleUploadedFile("log.txt", b"Error at 12:00: got <html> back\n"))
    assert response.status_code == 201
    assert Attachment.objects.get(ticket=own, original_name="log.txt").content_type == "text/plain"


@pytest.mark.parametrize(
    "name",
    [
        "../../etc/passwd",
        "..\\..\\windows\\win.ini",
        "/etc/cron.d/evil.png",
        "C:\\Users\\Public\\evil.png",
        "evil\x00.png",
        "evil\r\nContent-Type: text/html.png",
        "ev\u202egnp.exe",
        '"; filename=evil.html.png',
        "x" * 600 + ".png",
        "....png",
    ],
)
def test_file_names_cannot_escape_the_store_nor_change_the_download(client, actors, own, name):
    # given a file name from an email or a platform's API, where no multipart parser cleaned it
    message = tickets.message_add_note(
        ticket=own, author=actors.l1, body="x", attachments=[tickets.AttachmentInput(name=name, content=PNG)]
    )
    attachment = message.attachments.get()
    # then the name kept is one harmless file name, and the file sits in the store under its token
    stored = attachment.original_name
    for bad in ("/", "\\", "\x00", "\r", "\n", '"', "\u202e"):
        assert bad not in stored
    assert len(stored) <= 200 and stored.endswith(".png") and not stored.startswith(".")
    media = Path(settings.MEDIA_ROOT).resolve()
    assert Path(attachment.file.path).resolve().is_relative_to(media)
    assert Path(attachment.file.path).name == attachment.token
    client.force_login(actors.l1)
    disposition = _download(client, attachment)["Content-Disposition"]
    assert "\n" not in disposition and disposition.startswith("attachment;")
    assert disposition.rstrip('"').endswith(".png")


def test_a_traversal_name_over_http_is_stored_as_a_plain_name(actors, own):
    upload = SimpleUploadedFile("x.png", PNG)
    upload.name = "../../../etc/passwd.png"
    response = _post_files(actors.l1, own, upload)
    assert response.status_code == 201
    assert response.json()["attachments"][0]["name"] == "passwd.png"


@pytest.mark.parametrize(
    "name, content, content_type",
    [("photo.png", PNG, "image/png"), ("receipt.pdf", PDF, "application/pdf"), ("notes.txt", b"hi", "text/plain")],
)
def test_every_download_is_an_attachment_the_browser_may_not_sniff(client, actors, own, name, content, content_type):
    assert _post_files(actors.l1, own, SimpleUploadedFile(name, content)).status_code == 201
    attachment = Attachment.objects.get(ticket=own, original_name=name)
    client.force_login(actors.l1)
    page = _download(client, attachment)
    api = api_client(actors.l1).get(f"/api/v1/attachments/{attachment.pk}/download/")
    for response in (page, api):
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Type"].split(";")[0] == content_type
        assert b"".join(response.streaming_content) == content


def test_stored_files_are_not_served_from_the_media_folder(client, actors, own):
    attachment = own.attachments.get()
    client.force_login(actors.admin)
    for url in (
        f"/media/{attachment.file.name}",
        f"/{attachment.file.name}",
        f"/static/../media/{attachment.file.name}",
    ):
        assert client.get(url).status_code == 404, url


def test_a_request_over_the_size_cap_is_refused_before_its_body_is_read(client, actors, own, settings):
    """Uploaded files are spooled to disk as they arrive: a body over MAX_REQUEST_BYTES is refused
    from its declared length, before the form, the CSRF check or the API reads any of it."""
    from tickets.models import Ticket

    settings.MAX_REQUEST_BYTES = 1024 * 1024
    big = SimpleUploadedFile("scan.png", PNG + b"\x00" * (2 * 1024 * 1024))
    tickets_before, files_before = Ticket.objects.count(), Attachment.objects.count()

    form = client.post(
        reverse("public:support"),
        {"email": "a@example.com", "subject": "Hi", "body": "Hello", "attachments": [big]},
        HTTP_ACCEPT_LANGUAGE="de",
        REMOTE_ADDR=fresh_ip(),
    )
    big.seek(0)
    api = _post_files(actors.l1, own, big)

    assert form.status_code == 413
    assert form.content.decode() == "Die Anfrage ist zu groß: Es können höchstens 1 MB auf einmal gesendet werden."
    assert api.status_code == 413 and "at most 1 MB" in api.json()["detail"]
    assert (Ticket.objects.count(), Attachment.objects.count()) == (tickets_before, files_before)


def test_a_request_with_a_nonsense_length_is_refused(client):
    response = client.post(reverse("public:support"), {"email": "a@example.com"}, CONTENT_LENGTH="lots")
    assert response.status_code == 400 and "impossible length" in response.content.decode()


def test_the_size_cap_leaves_room_for_the_largest_legitimate_requests(settings):
    from tickets.services.messages import MAX_ATTACHMENTS_PER_MESSAGE

    assert settings.MAX_REQUEST_BYTES > MAX_ATTACHMENTS_PER_MESSAGE * TEN_MB
    assert settings.MAX_REQUEST_BYTES > settings.INBOUND_EMAIL_MAX_BYTES
