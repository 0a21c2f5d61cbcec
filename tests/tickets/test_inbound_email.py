"""Inbound email: what a customer's email (or a machine's) becomes, read from a real Maildir."""

from __future__ import annotations

import mailbox
import threading
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from tests.factories import TeamFactory
from tickets import services
from tickets.adapters import inbound_email_receive, inbound_email_reprocess, mail_fetch
from tickets.adapters.email import trim_quoted
from tickets.models import Attachment, Channel, Customer, InboundEmail, Message, OutboundEmail, Status, Ticket

SAMPLES = Path(__file__).parent / "mail_samples"
State = InboundEmail.State


def sample(name: str, **values: str) -> bytes:
    """A message from mail_samples/, its %%PLACEHOLDERS%% (e.g. in_reply_to=...) filled in."""
    raw = (SAMPLES / name).read_bytes()
    for key, value in values.items():
        raw = raw.replace(f"%%{key.upper()}%%".encode(), value.encode())
    return raw


@pytest.fixture
def maildir(tmp_path, settings) -> mailbox.Maildir:
    path = tmp_path / "Maildir"
    settings.MAILDIR_PATH = str(path)
    settings.IMAP_URL = ""
    return mailbox.Maildir(path, create=True)


@pytest.fixture
def lenas_ticket(actors, django_capture_on_commit_callbacks) -> Ticket:
    """A ticket of Lena (Germany) whose confirmation email was sent."""
    with django_capture_on_commit_callbacks(execute=True):
        ticket = services.ticket_create(
            customer=actors.customer, subject="Parcel late", body="Where is it?", channel=Channel.WEB, acknowledge=True
        )
    mail.outbox.clear()
    return ticket


def fetch(django_capture_on_commit_callbacks) -> int:
    with django_capture_on_commit_callbacks(execute=True):
        return mail_fetch()


def _flags(box: mailbox.Maildir) -> list[tuple[str, str]]:
    return [(message.get_subdir(), message.get_flags()) for _key, message in box.iteritems()]


# --- Maildir: new conversations


def test_new_email_opens_a_ticket_in_the_senders_language_and_confirms_it(
    maildir, teams, django_capture_on_commit_callbacks
):
    maildir.add(sample("new_message.eml"))

    taken = fetch(django_capture_on_commit_callbacks)

    assert taken == 1
    ticket = Ticket.objects.get()
    assert ticket.channel == Channel.EMAIL
    assert ticket.subject == "Colis abîmé"
    assert ticket.language == "fr"
    assert ticket.customer.email == "marie.dupont@example.fr"
    assert ticket.customer.name == "Marie Dupont"
    body = ticket.messages.get().body
    assert "mon colis est arrivé abîmé" in body
    assert "Lyon" not in body  # the signature is trimmed
    assert InboundEmail.objects.get().state == State.PROCESSED
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["marie.dupont@example.fr"]
    assert ticket.reference in mail.outbox[0].subject
    # Read once: moved to cur/ and flagged seen, so the next run takes nothing.
    assert _flags(maildir) == [("cur", "S")]
    assert fetch(django_capture_on_commit_callbacks) == 0
    assert Ticket.objects.count() == 1


def test_the_management_command_and_the_periodic_task_read_the_same_mailbox(
    maildir, teams, django_capture_on_commit_callbacks
):
    import tickets.tasks  # noqa: F401  what Celery autodiscovery imports
    from helpdesk.celery import app

    fetch_mail = app.tasks["tickets.tasks.fetch_mail"]
    maildir.add(sample("new_message.eml"))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("fetch_mail")
    maildir.add(sample("attachments.eml"))
    with django_capture_on_commit_callbacks(execute=True):
        assert fetch_mail.delay().get() == 1
    assert Ticket.objects.count() == 2


def test_the_same_message_delivered_twice_gives_one_message(maildir, teams, django_capture_on_commit_callbacks):
    maildir.add(sample("new_message.eml"))
    maildir.add(sample("new_message.eml"))

    assert fetch(django_capture_on_commit_callbacks) == 2

    assert Message.objects.count() == 1
    assert len(mail.outbox) == 1
    states = sorted(InboundEmail.objects.values_list("state", flat=True))
    assert states == [State.IGNORED, State.PROCESSED]
    assert "Duplicate" in InboundEmail.objects.get(state=State.IGNORED).reason


def test_html_only_email_is_stored_as_plain_text_without_active_content(
    maildir, teams, django_capture_on_commit_callbacks
):
    maildir.add(sample("html_only.eml"))

    fetch(django_capture_on_commit_callbacks)

    ticket = Ticket.objects.get()
    body = ticket.messages.get().body
    assert "The blue jacket I received is the wrong size." in body
    assert "Please exchange it for size M." in body
    assert "<" not in body and ">" not in body
    assert "document.cookie" not in body and "alert" not in body and "color: red" not in body
    assert "Old text we sent" not in body  # the quoted history is trimmed
    assert ticket.language == "ja"


def test_attachments_are_kept_and_a_refused_one_is_noted_not_lost(maildir, teams, django_capture_on_commit_callbacks):
    maildir.add(sample("attachments.eml"))

    fetch(django_capture_on_commit_callbacks)

    ticket = Ticket.objects.get()
    attachment = Attachment.objects.get(ticket=ticket)
    assert attachment.original_name == "roto.png"
    assert attachment.content_type == "image/png"
    body = ticket.messages.get().body
    assert body.startswith("Adjunto una foto del producto roto.")
    assert "factura.exe" in body  # the agent sees that a file was refused
    assert InboundEmail.objects.get().state == State.PROCESSED


# --- Maildir: replies


def test_reply_threaded_by_in_reply_to_lands_on_the_ticket_with_quotes_trimmed(
    maildir, lenas_ticket, django_capture_on_commit_callbacks
):
    outbound = OutboundEmail.objects.get(ticket=lenas_ticket)
    maildir.add(sample("reply_in_reply_to.eml", in_reply_to=outbound.email_message_id, reference="HD-999999"))

    fetch(django_capture_on_commit_callbacks)

    assert Ticket.objects.count() == 1
    reply = lenas_ticket.messages.order_by("-id").first()
    assert reply.body == "Das Paket ist immer noch nicht da."
    assert reply.channel == Channel.EMAIL
    assert InboundEmail.objects.get().ticket == lenas_ticket
    assert mail.outbox == []  # no second confirmation for a reply


def test_a_reply_threads_when_our_message_ids_random_digits_look_like_a_card_number(
    maildir, lenas_ticket, django_capture_on_commit_callbacks
):
    # make_msgid's random part passes the card check about one time in ten: the id must still match.
    outbound = OutboundEmail.objects.get(ticket=lenas_ticket)
    outbound.email_message_id = "<179659293326.25610.4111111111111111@helpdesk.localhost>"
    outbound.save(update_fields=["email_message_id"])
    maildir.add(sample("reply_in_reply_to.eml", in_reply_to=outbound.email_message_id, reference="HD-999999"))

    fetch(django_capture_on_commit_callbacks)

    assert Ticket.objects.count() == 1
    assert lenas_ticket.messages.filter(body__startswith="Das Paket ist immer noch nicht da.").exists()


def test_reply_to_an_agents_answer_reopens_the_solved_ticket(
    maildir, lenas_ticket, actors, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        answer = services.message_add_reply(ticket=lenas_ticket, author=actors.l1, body="It is on its way.")
    services.ticket_set_status(ticket=lenas_ticket, status=Status.SOLVED, actor=actors.l1)
    maildir.add(sample("reply_in_reply_to.eml", in_reply_to=answer.emails.get().email_message_id, reference="x"))

    fetch(django_capture_on_commit_callbacks)

    lenas_ticket.refresh_from_db()
    assert lenas_ticket.status == Status.OPEN
    assert lenas_ticket.messages.filter(kind="customer").count() == 2


def test_reply_with_only_the_reference_in_the_subject_lands_on_the_ticket(
    maildir, lenas_ticket, django_capture_on_commit_callbacks
):
    maildir.add(sample("reply_subject_reference.eml", reference=lenas_ticket.reference))

    fetch(django_capture_on_commit_callbacks)

    assert Ticket.objects.count() == 1
    reply = lenas_ticket.messages.order_by("-id").first()
    assert "LX123456789CN" in reply.body
    assert "Gesendet" not in reply.body and "Hello Lena" not in reply.body  # Outlook's quote trimmed


def test_a_strangers_email_quoting_someone_elses_reference_opens_its_own_ticket(
    maildir, lenas_ticket, django_capture_on_commit_callbacks
):
    raw = sample("reply_subject_reference.eml", reference=lenas_ticket.reference)
    maildir.add(raw.replace(b"From: lena@example.de", b"From: mallory@example.net"))
    thread_id = f"<ticket-{lenas_ticket.pk}@helpdesk.localhost>"
    guessed = sample("reply_in_reply_to.eml", in_reply_to=thread_id, reference="x")
    maildir.add(guessed.replace(b"Lena Schmidt <lena@example.de>", b"Mallory <mallory@example.net>"))

    fetch(django_capture_on_commit_callbacks)

    assert lenas_ticket.messages.count() == 1
    assert Ticket.objects.filter(customer__email="mallory@example.net").count() == 2


def test_the_ticket_thread_id_threads_a_reply_from_the_customer(
    maildir, lenas_ticket, django_capture_on_commit_callbacks
):
    thread_id = f"<ticket-{lenas_ticket.pk}@helpdesk.localhost>"
    maildir.add(sample("reply_in_reply_to.eml", in_reply_to=thread_id, reference="x"))

    fetch(django_capture_on_commit_callbacks)

    assert Ticket.objects.count() == 1
    assert lenas_ticket.messages.count() == 2


# --- Machines and broken messages


@pytest.mark.parametrize(
    "header",
    ["Auto-Submitted: auto-replied", "X-Autoreply: yes", "X-Autorespond: vacation", "Precedence: bulk"],
)
def test_an_auto_reply_creates_nothing_and_does_not_reopen_a_solved_ticket(
    header, maildir, lenas_ticket, actors, django_capture_on_commit_callbacks
):
    services.ticket_set_status(ticket=lenas_ticket, status=Status.SOLVED, actor=actors.l1)
    outbound = OutboundEmail.objects.get(ticket=lenas_ticket)
    raw = sample("auto_reply.eml", in_reply_to=outbound.email_message_id, reference=lenas_ticket.reference)
    maildir.add(raw.replace(b"Auto-Submitted: auto-replied", header.encode()))

    fetch(django_capture_on_commit_callbacks)

    lenas_ticket.refresh_from_db()
    assert lenas_ticket.status == Status.SOLVED
    assert lenas_ticket.messages.count() == 1
    assert Ticket.objects.count() == 1
    record = InboundEmail.objects.get()
    assert record.state == State.IGNORED
    assert header.split(":")[0] in record.reason
    assert mail.outbox == []


def test_a_bounce_is_ignored(maildir, teams, django_capture_on_commit_callbacks):
    maildir.add(sample("bounce.eml"))

    fetch(django_capture_on_commit_callbacks)

    assert not Ticket.objects.exists()
    assert not Customer.objects.filter(email__iexact="mailer-daemon@mx.example.net").exists()
    record = InboundEmail.objects.get()
    assert record.state == State.IGNORED
    assert "delivery-status" in record.reason


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (sample("no_from.eml"), "sender"),
        (sample("empty_body.eml"), "neither text nor attachments"),
        (b"\x00\xff\xfe garbage that is not an email at all", "sender"),
        (sample("new_message.eml").replace(b"?= <marie.dupont@example.fr>", b"?= <marie@@bad>"), "sender"),
    ],
    ids=["no-from", "empty", "garbage", "bad-address"],
)
def test_a_malformed_message_is_quarantined_with_its_reason_and_kept(raw, reason, maildir, teams):
    maildir.add(raw)

    assert mail_fetch() == 1  # never raises

    record = InboundEmail.objects.get()
    assert record.state == State.QUARANTINED
    assert reason in record.reason
    assert bytes(record.raw) == raw
    assert not Ticket.objects.exists()
    assert _flags(maildir) == [("cur", "S")]


def test_an_oversized_message_is_quarantined(teams, settings):
    settings.INBOUND_EMAIL_MAX_BYTES = 1024
    raw = sample("new_message.eml") + b"x" * 2048

    record = inbound_email_receive(raw=raw, source="test")

    assert record.state == State.QUARANTINED
    assert "larger than" in record.reason
    assert len(bytes(record.raw)) == len(raw)


def test_header_values_cannot_smuggle_new_lines(teams, django_capture_on_commit_callbacks):
    raw = (
        b"From: Eve <eve@example.com>\r\n"
        b"To: support@helpdesk.localhost\r\n"
        b"Subject: =?utf-8?q?Hello=0D=0ABcc:_victim@example.com?=\r\n"
        b"Message-ID: <crlf-1@example.com>\r\n"
        b"\r\n"
        b"Hi there\r\n"
    )

    with django_capture_on_commit_callbacks(execute=True):
        record = inbound_email_receive(raw=raw, source="test")

    assert record.state == State.PROCESSED
    assert record.ticket.subject == "Hello Bcc: victim@example.com"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["eve@example.com"]
    assert "\n" not in mail.outbox[0].subject and "\r" not in mail.outbox[0].subject


def test_a_quarantined_message_can_be_processed_again_once_the_cause_is_fixed(db, django_capture_on_commit_callbacks):
    record = inbound_email_receive(raw=sample("new_message.eml"), source="test")
    assert record.state == State.QUARANTINED and "No support team" in record.reason

    TeamFactory(name="Europe", slug="europe", is_default=True)
    with django_capture_on_commit_callbacks(execute=True):
        inbound_email_reprocess(inbound=record)

    record.refresh_from_db()
    assert record.state == State.PROCESSED
    assert record.ticket.messages.count() == 1
    assert InboundEmail.objects.count() == 1


@pytest.fixture
def committed_db(django_db_setup, django_db_blocker):
    """Real commits, for work on separate connections. Unlike a transactional test, nothing is
    flushed afterwards (a flush would also drop the role groups the migrations created):
    the test deletes exactly what it made."""
    with django_db_blocker.unblock():
        yield


def test_two_deliveries_of_one_message_at_the_same_moment_make_one_message(committed_db):
    raw = sample("new_message.eml")
    team = TeamFactory(name="Race test team", slug="intake-race-test", is_default=True)
    start = threading.Barrier(2)

    def deliver() -> None:
        start.wait(timeout=10)
        try:
            inbound_email_receive(raw=raw, source="race-test")
        finally:
            connection.close()

    try:
        workers = [threading.Thread(target=deliver) for _ in range(2)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(timeout=60)

        records = InboundEmail.objects.filter(source="race-test")
        assert sorted(records.values_list("state", flat=True)) == [State.IGNORED, State.PROCESSED]
        assert Message.objects.filter(email_message_id="<CAF1new0001@mail.example.fr>").count() == 1
    finally:
        InboundEmail.objects.filter(source="race-test").delete()
        Ticket.objects.filter(team=team).delete()
        Customer.objects.filter(email="marie.dupont@example.fr").delete()
        team.delete()


# --- Quote trimming


@pytest.mark.parametrize(
    "text",
    [
        "Thanks, it arrived.\n\nOn Tue, 3 Mar 2026 at 10:00, Support <s@x.com> wrote:\n> Your parcel\n> is late",
        "Thanks, it arrived.\n\nAm 03.03.2026 um 10:00 schrieb Support <s@x.com>:\n> Ihr Paket",
        "Thanks, it arrived.\n\nLe mar. 3 mars 2026 à 10:00, Support <s@x.com> a écrit :\n> Votre colis",
        "Thanks, it arrived.\n\nEl mar, 3 mar 2026 a las 10:00, Support escribió:\n> Su paquete",
        "Thanks, it arrived.\n\n-----Original Message-----\nFrom: Support\nSent: Tuesday\n\nYour parcel",
        "Thanks, it arrived.\n\n-----Ursprüngliche Nachricht-----\nVon: Support\n\nIhr Paket",
        "Thanks, it arrived.\n-- \nLena Schmidt\n+49 30 1234567",
        "Thanks, it arrived.\n\nSent from my iPhone",
    ],
    ids=["en", "de", "fr", "es", "outlook", "outlook-de", "signature", "mobile"],
)
def test_quoted_history_is_trimmed_and_the_new_text_kept(text):
    assert trim_quoted(text) == "Thanks, it arrived."


def test_answers_between_quoted_lines_are_kept():
    text = "On 2 Mar 2026, Support wrote:\n> What is the tracking number?\nLX123456789CN\n> And the ship date?\n2 March"
    assert trim_quoted(text) == "LX123456789CN\n2 March"


def test_a_customer_sentence_that_looks_like_an_attribution_is_kept():
    text = "On Monday the courier wrote:\nparcel refused, returned to sender"
    assert trim_quoted(text) == text


def test_a_message_that_is_all_quote_is_kept_whole():
    assert trim_quoted("> only a quote") == "> only a quote"


# --- IMAP (no server here: a stand-in records what the reader asks of it)


class FakeImap:
    instances: list[FakeImap] = []

    def __init__(self, host, port, ssl_context=None, timeout=None):
        self.host, self.port, self.calls = host, port, []
        self.messages = {"7": sample("new_message.eml")}
        FakeImap.instances.append(self)

    def login(self, user, password):
        self.calls.append(("login", user, password))
        return "OK", [b""]

    def select(self, folder):
        self.calls.append(("select", folder))
        return "OK", [b"1"]

    def uid(self, command, *args):
        self.calls.append((command, *args))
        if command == "SEARCH":
            return "OK", [" ".join(self.messages).encode()]
        if command == "FETCH":
            return "OK", [(b"7 (UID 7 BODY[] {100}", self.messages[args[0]]), b")"]
        return "OK", [b""]

    def logout(self):
        self.calls.append(("logout",))


def test_imap_reads_unseen_messages_and_flags_them_seen(teams, settings, monkeypatch):
    monkeypatch.setattr("imaplib.IMAP4_SSL", FakeImap)
    settings.MAILDIR_PATH = ""
    settings.IMAP_URL = "imaps://support%40shop.example:s3cret@imap.example.com/Support"

    assert mail_fetch() == 1

    imap = FakeImap.instances[-1]
    assert (imap.host, imap.port) == ("imap.example.com", 993)
    assert imap.calls[0] == ("login", "support@shop.example", "s3cret")
    assert ("SEARCH", "UNSEEN") in imap.calls
    fetched = imap.calls.index(("FETCH", "7", "(BODY.PEEK[])"))
    assert imap.calls.index(("STORE", "7", "+FLAGS", "(\\Seen)")) > fetched
    assert Ticket.objects.get().customer.email == "marie.dupont@example.fr"
    assert InboundEmail.objects.get().source == "imap"


# --- The raw-email endpoint


@pytest.fixture
def token(settings) -> str:
    settings.INBOUND_EMAIL_TOKEN = "inbound-test-token-0123456789"
    return settings.INBOUND_EMAIL_TOKEN


def _post_raw(client, raw: bytes, token: str | None, content_type: str = "message/rfc822"):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return client.post(reverse("public:inbound_email"), data=raw, content_type=content_type, **headers)


@pytest.mark.parametrize("given", [None, "wrong-token"])
def test_the_endpoint_refuses_a_missing_or_wrong_token(given, client, token, teams):
    response = _post_raw(client, sample("new_message.eml"), given)

    assert response.status_code == 401
    assert not InboundEmail.objects.exists()


def test_the_endpoint_takes_a_raw_message_with_the_token(client, token, teams, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = _post_raw(client, sample("new_message.eml"), token, content_type="application/octet-stream")

    assert response.status_code == 202
    record = InboundEmail.objects.get()
    assert response.json() == {"id": record.pk, "state": "processed"}
    assert record.source == "http"
    assert Ticket.objects.get().channel == Channel.EMAIL
    assert len(mail.outbox) == 1


def test_the_endpoint_stores_even_a_message_it_cannot_use(client, token, teams):
    response = _post_raw(client, sample("no_from.eml"), token)

    assert response.status_code == 202
    assert response.json()["state"] == "quarantined"


def test_the_endpoint_refuses_a_message_over_25_mb(client, token, teams):
    raw = sample("new_message.eml") + b"x" * (25 * 1024 * 1024)

    response = _post_raw(client, raw, token)

    assert response.status_code == 413
    assert not InboundEmail.objects.exists()


def test_the_endpoint_without_a_configured_token_lets_nobody_in(client, settings, teams):
    settings.INBOUND_EMAIL_TOKEN = ""

    assert _post_raw(client, sample("new_message.eml"), "anything").status_code == 401
