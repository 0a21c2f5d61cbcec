"""The ticket page's controls: facts, assignee, priority, category and language."""

from __future__ import annotations

import re

import pytest

from tests.factories import CategoryFactory, CategoryFieldFactory
from tests.tickets.ticket_pages import htmx, new_ticket, page_of, url
from tickets import services
from tickets.models import (
    AgentProfile,
    Category,
    Priority,
    Status,
)
from tickets.services import AttachmentInput

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


# --- Controls ---------------------------------------------------------------------------------


def test_solving_is_refused_with_the_missing_facts_named(client, actors, categories):
    ticket = new_ticket(actors, category=categories.logistics)
    client.force_login(actors.l1)

    response = client.post(url("change", ticket, "status"), {"status": "solved"})

    body = response.content.decode()
    assert response.status_code == 422
    assert "Cannot solve: these facts are missing: Tracking number, Ship date, Destination country." in body
    assert '<option value="new" selected>' in body  # the control shows the status as it is
    ticket.refresh_from_db()
    assert ticket.status == Status.NEW


def test_recorded_facts_let_the_ticket_be_solved(client, actors, categories):
    ticket = new_ticket(actors, category=categories.logistics)
    client.force_login(actors.l1)

    saved = client.post(
        url("facts", ticket),
        {
            "tracking_number": "LX123456789CN",
            "ship_date": "2026-01-05",
            "destination_country": "DE",
        },
        headers=htmx(),
    )
    solved = client.post(url("change", ticket, "status"), {"status": "solved"}, headers=htmx())

    assert saved.status_code == 200 and "Facts saved." in saved.content.decode()
    assert "All required facts are captured." in saved.content.decode()
    assert solved.status_code == 200 and "Status changed." in solved.content.decode()
    ticket.refresh_from_db()
    assert ticket.status == Status.SOLVED
    assert ticket.facts["tracking_number"] == "LX123456789CN"


def test_a_bad_fact_is_refused_on_its_field_and_the_other_values_are_kept(client, actors, categories):
    ticket = new_ticket(actors, category=categories.logistics)
    client.force_login(actors.l1)

    response = client.post(
        url("facts", ticket),
        {
            "tracking_number": "LX999",
            "ship_date": "2999-01-01",
            "destination_country": "",
        },
        headers=htmx(),
    )

    body = response.content.decode()
    assert response.status_code == 422
    assert "The date cannot be in the future." in body
    assert 'value="LX999"' in body
    ticket.refresh_from_db()
    assert ticket.facts == {}


def test_money_facts_take_an_amount_and_a_currency(client, actors):

    payment = CategoryFactory(slug="payment")
    CategoryFieldFactory(category=payment, key="amount", label="Amount", field_type="money")
    ticket = new_ticket(actors, category=payment)
    client.force_login(actors.l1)

    client.post(url("facts", ticket), {"amount__amount": "19.99", "amount__currency": "eur"})

    ticket.refresh_from_db()
    assert ticket.facts["amount"] == {"amount": "19.99", "currency": "EUR"}


def test_an_image_fact_shows_whether_a_photo_is_attached(client, actors, categories):
    ticket = new_ticket(actors, category=categories.product)

    before = page_of(client, actors.l1, ticket)
    services.message_add_note(
        ticket=ticket,
        author=actors.l1,
        body="photo",
        attachments=[AttachmentInput(name="damage.png", content=PNG)],
    )
    after = page_of(client, actors.l1, ticket)

    assert "missing: attach an image to a message" in before
    assert "image attached" in after


def test_a_ticket_can_be_assigned_only_to_agents_of_its_team(client, actors):
    ticket = new_ticket(actors)
    page = page_of(client, actors.l1, ticket)
    options = re.search(r'<select name="assignee"[^>]*>(.*?)</select>', page, re.S).group(1)
    assert "l2" in options or actors.l2.get_full_name() in options
    assert actors.other_team_agent.get_full_name() not in options

    response = client.post(url("change", ticket, "assignee"), {"assignee": actors.l2.pk})
    refused = client.post(url("change", ticket, "assignee"), {"assignee": actors.other_team_agent.pk})

    assert response.status_code == 302
    assert refused.status_code == 422
    ticket.refresh_from_db()
    assert ticket.assignee == actors.l2


def test_assign_to_me(client, actors):
    ticket = new_ticket(actors)
    page = page_of(client, actors.l1, ticket)
    assert "Assign to me" in page

    client.post(url("change", ticket, "assignee"), {"assignee": actors.l1.pk}, headers=htmx())

    ticket.refresh_from_db()
    assert ticket.assignee == actors.l1


def test_priority_category_and_language_changes_show_in_the_history(client, actors, categories):
    ticket = new_ticket(actors)
    client.force_login(actors.l1)

    client.post(url("change", ticket, "priority"), {"priority": Priority.URGENT})
    client.post(url("change", ticket, "category"), {"category": categories.product.pk})
    response = client.post(url("change", ticket, "language"), {"language": "fr"}, headers=htmx())

    ticket.refresh_from_db()
    assert (ticket.priority, ticket.category, ticket.language) == (
        Priority.URGENT,
        categories.product,
        "fr",
    )
    history = re.search(r'id="ticket-history".*?</details>', response.content.decode(), re.S).group(0)
    assert "Normal → Urgent" in history
    assert "German → French" in history  # languages by their names, not their codes
    assert "Category" in history


def test_the_category_select_offers_active_categories_in_the_agents_language_and_refuses_a_retired_one(
    client, actors, categories
):
    ticket = new_ticket(actors, category=categories.logistics)
    Category.objects.filter(pk=categories.product.pk).update(name_zh_hans="产品问题")
    client.force_login(actors.l1)
    AgentProfile.objects.filter(user=actors.l1).update(ui_language="zh-hans")

    select = re.search(r'<select name="category".*?</select>', client.get(url("detail", ticket)).content.decode(), re.S)
    Category.objects.filter(pk=categories.product.pk).update(is_active=False)  # retired while the page was open
    refused = client.post(url("change", ticket, "category"), {"category": categories.product.pk}, headers=htmx())

    assert "产品问题" in select.group(0)
    assert f'value="{categories.logistics.pk}" selected' in select.group(0)
    assert refused.status_code == 422
    ticket.refresh_from_db()
    assert ticket.category == categories.logistics
