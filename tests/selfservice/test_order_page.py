"""What a verified customer sees and does on the order page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from logistics.choices import ExceptionKind
from logistics.models import ShipmentException
from returns.models import ReturnReason, ReturnRequest, ReturnState
from tickets.models import Category, Ticket

from .conftest import START, delivered

pytestmark = pytest.mark.django_db


def _page(client, order, lang):
    response = client.get(reverse("selfservice:order", args=[order.pk]), {"lang": lang})
    assert response.status_code == 200
    return response.content.decode()


def test_the_timeline_in_plain_german_and_japanese(verified, order, parcel):
    german = _page(verified, order, "de")
    assert "Paket JD0001" in german and "DHL" in german
    assert "Unterwegs" in german and "Im Zielland angekommen" in german and "Leipzig" in german
    assert "Sendungsdaten übermittelt" in german
    assert "Voraussichtliche Zustellung" in german
    japanese = _page(verified, order, "ja")
    assert "荷物 JD0001" in japanese and "輸送中" in japanese and "配送先の国に到着" in japanese
    assert "お届け予定日" in japanese
    assert "Unterwegs" not in japanese


def test_a_current_exception_is_explained(verified, order, parcel):
    ShipmentException.objects.create(shipment=parcel, kind=ExceptionKind.LOST, detected_at=START)
    page = _page(verified, order, "de")
    assert "DHL meldet, dass Ihr Paket JD0001 verloren gegangen ist" in page


def test_an_order_not_sent_yet_says_so(verified, order):
    assert "noch nicht versendet" in _page(verified, order, "de")


def test_the_return_policy_of_a_recent_delivery(verified, order):
    delivered(order, START - timedelta(days=2))
    page = _page(verified, order, "de")
    assert "Vor 2 Tagen zugestellt" in page and "ohne Angabe von Gründen" in page


def test_the_return_policy_of_an_undelivered_order(verified, order, parcel):
    page = _page(verified, order, "de")
    assert "Für Bestellung SO-1001 ist noch keine Zustellung erfasst" in page
    assert "ohne Angabe von Gründen zurücksenden" not in page


def test_report_a_problem_opens_a_ticket_on_the_order(
    verified, order, parcel, categories, django_capture_on_commit_callbacks
):
    category = Category.objects.get(slug="logistics")
    with django_capture_on_commit_callbacks(execute=True):
        response = verified.post(
            reverse("selfservice:problem", args=[order.pk]),
            {"category": category.pk, "message": "Das Paket kommt nicht an.", "lang": "de"},
        )
    assert response.status_code == 302
    ticket = Ticket.objects.get(order=order)
    assert ticket.channel == "web" and ticket.category == category and ticket.customer == order.customer
    assert ticket.messages.get().body == "Das Paket kommt nicht an."
    assert ticket.facts["tracking_number"] == "JD0001" and ticket.facts["destination_country"] == "DE"
    assert ticket.reference in verified.get(response["Location"]).content.decode()


def test_a_return_within_the_window_is_requested(verified, order, teams):
    delivered(order, START - timedelta(days=2))
    response = verified.post(
        reverse("selfservice:return", args=[order.pk]),
        {"kind": "return", "reason": ReturnReason.NO_REASON, "sku": "SHIRT-M", "quantity": 1, "lang": "de"},
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    ret = ReturnRequest.objects.get(order=order)
    assert ret.state == ReturnState.REQUESTED and ret.requested_by is None
    assert ret.items == [{"sku": "SHIRT-M", "quantity": 1}] and ret.ticket.channel == "web"
    assert "Rücksendung dieser Bestellung läuft" in verified.get(response["Location"]).content.decode()


def test_a_late_return_is_refused_with_the_reason(verified, order, teams):
    delivered(order, START - timedelta(days=20))
    response = verified.post(
        reverse("selfservice:return", args=[order.pk]),
        {"kind": "return", "reason": ReturnReason.NO_REASON, "sku": "SHIRT-M", "quantity": 1, "lang": "de"},
    )
    assert response.status_code == 400
    assert "Bestellung SO-1001 wurde vor 20 Tagen zugestellt" in response.content.decode()
    assert not ReturnRequest.objects.exists() and not Ticket.objects.filter(order=order).exists()
