"""The order is shown only after the code (or a signed link); guesses answer alike and run out."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse

from selfservice.models import AccessCode
from selfservice.services import order_link_token
from tests.factories import OrderFactory

from .conftest import ask_code, code_from_mail, enter_code

pytestmark = pytest.mark.django_db


def _without_csrf(html: str) -> str:
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    return re.sub(r'"X-CSRFToken": "[^"]+"', "", html)


def test_the_order_page_without_a_grant_goes_back_to_the_form(client, order):
    response = client.get(reverse("selfservice:order", args=[order.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("selfservice:lookup"))
    assert client.post(reverse("selfservice:problem", args=[order.pk]), {"message": "x"}).status_code == 404


def test_a_grant_for_one_order_does_not_open_another(verified, order, actors):
    other = OrderFactory(customer=actors.customer, external_number="SO-2002")
    page = verified.get(reverse("selfservice:order", args=[other.pk]))
    assert page.status_code == 302 and "SO-2002" not in page.content.decode()
    assert verified.get(reverse("selfservice:order", args=[order.pk])).status_code == 200


def test_unknown_order_and_wrong_email_answer_alike(client, order, django_capture_on_commit_callbacks, actors):
    answers = []
    for number, email in [("SO-9999", "lena@example.de"), ("SO-1001", "someone@example.com")]:
        client.cookies.clear()
        posted = ask_code(client, django_capture_on_commit_callbacks, number, email)
        page = client.get(posted["Location"])
        answers.append((posted.status_code, posted["Location"], page.status_code, _without_csrf(page.content.decode())))
    assert answers[0] == answers[1]
    assert "Wenn diese Bestellung zu dieser E-Mail-Adresse passt" in answers[0][3]
    assert mail.outbox == [] and not AccessCode.objects.exists()
    # The match answers the same way, and only it gets an email.
    client.cookies.clear()
    posted = ask_code(client, django_capture_on_commit_callbacks, "so-1001", "Lena@Example.de")
    page = client.get(posted["Location"])
    assert (posted.status_code, posted["Location"], page.status_code, _without_csrf(page.content.decode())) == answers[
        0
    ]
    assert [m.to for m in mail.outbox] == [["lena@example.de"]]
    assert "SO-1001" in mail.outbox[0].subject and "Code" in mail.outbox[0].subject  # German


def test_the_code_is_stored_hashed_and_works_once(client, order, django_capture_on_commit_callbacks):
    ask_code(client, django_capture_on_commit_callbacks, "SO-1001", "lena@example.de")
    code = code_from_mail()
    assert code not in AccessCode.objects.get().code_hash
    assert enter_code(client, code).status_code == 302
    client.cookies.clear()
    # A new browser on the code page of the same order and email: the used code no longer opens it.
    session = client.session
    session["selfservice.pending"] = {"n": "SO-1001", "e": "lena@example.de"}
    session.save()
    refused = enter_code(client, code)
    assert refused.status_code == 400
    assert client.get(reverse("selfservice:order", args=[order.pk])).status_code == 302


def test_the_code_expires_after_ten_minutes(client, order, clock, django_capture_on_commit_callbacks):
    ask_code(client, django_capture_on_commit_callbacks, "SO-1001", "lena@example.de")
    code = code_from_mail()
    clock.shift(timedelta(minutes=10, seconds=1))
    response = enter_code(client, code)
    assert response.status_code == 400
    assert "nicht gültig" in response.content.decode()


def test_five_wrong_codes_kill_the_code(client, order, django_capture_on_commit_callbacks):
    ask_code(client, django_capture_on_commit_callbacks, "SO-1001", "lena@example.de")
    code = code_from_mail()
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for _attempt in range(5):
        assert enter_code(client, wrong).status_code == 400
    assert enter_code(client, code).status_code == 400  # the right one, too late


def test_a_new_code_replaces_the_previous_one(client, order, django_capture_on_commit_callbacks):
    ask_code(client, django_capture_on_commit_callbacks, "SO-1001", "lena@example.de")
    first = code_from_mail()
    ask_code(client, django_capture_on_commit_callbacks, "SO-1001", "lena@example.de")
    second = code_from_mail()
    if first != second:
        assert enter_code(client, first).status_code == 400
    assert enter_code(client, second).status_code == 302


def test_guesses_are_rate_limited_per_order(client, order, django_capture_on_commit_callbacks):
    statuses = []
    for _round in range(3):  # each new code allows 5 tries; the order allows 10 an hour
        ask_code(client, django_capture_on_commit_callbacks, "SO-1001", "lena@example.de")
        wrong = f"{(int(code_from_mail()) + 1) % 10**6:06d}"
        for _attempt in range(5):
            statuses.append(enter_code(client, wrong).status_code)
    assert statuses[:10] == [400] * 10
    assert statuses[10:] == [429] * 5


def test_code_requests_are_rate_limited_per_email(client, order, django_capture_on_commit_callbacks):
    codes = [
        ask_code(client, django_capture_on_commit_callbacks, "SO-1001", "lena@example.de").status_code
        for _n in range(6)
    ]
    assert codes == [302] * 5 + [429]
    assert len(mail.outbox) == 5


def test_a_signed_link_opens_the_order_without_a_code(client, order):
    token = order_link_token(order=order)
    response = client.get(reverse("selfservice:link", args=[token]) + "?lang=de")
    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 200


def test_a_tampered_or_stale_link_does_not(client, order, clock):
    token = order_link_token(order=order)
    assert client.get(reverse("selfservice:link", args=[token[:-2] + "xx"])).status_code == 302
    assert client.get(reverse("selfservice:order", args=[order.pk])).status_code == 302
    clock.shift(timedelta(days=31))
    client.get(reverse("selfservice:link", args=[token]))
    assert client.get(reverse("selfservice:order", args=[order.pk])).status_code == 302


def test_code_requests_are_rate_limited_per_address(client, order, django_capture_on_commit_callbacks):
    answers = [
        ask_code(client, django_capture_on_commit_callbacks, f"SO-{n}", f"guess{n}@example.com").status_code
        for n in range(11)
    ]
    assert answers == [302] * 10 + [429]
    refused = ask_code(client, django_capture_on_commit_callbacks, "SO-1001", "lena@example.de")
    assert refused.status_code == 429 and mail.outbox == []
