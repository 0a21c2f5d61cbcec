"""In a real browser: a Japanese customer opens the 2-star link from the email, comments and
submits; the team's supervisor then finds the call-back task at care/."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from feedback import services
from feedback.models import CareFollowUp, SurveyInvitation, SurveyResponse

from .conftest import customer_in, links_in
from .helpers import civil_zone_now

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_japanese_customer_rates_2_stars_and_the_supervisor_sees_the_follow_up(
    new_page, live_server, solve, actors, settings
):
    # Given a Japanese customer's ticket, solved by an agent of the Europe team, survey now due
    settings.SITE_URL = live_server.url
    customer = customer_in(civil_zone_now(), language="ja", country="JP", name="佐藤 由紀", email="yuki@example.jp")
    ticket = solve(
        customer, subject="荷物が届きません", body="注文した商品がまだ届いていません。", reply="再発送しました。"
    )
    assert ticket.language == "ja"
    SurveyInvitation.objects.filter(ticket=ticket).update(due_at=timezone.now() - timedelta(minutes=1))
    mail.outbox.clear()
    services.invitations_send_due()
    (email,) = mail.outbox
    assert email.to == ["yuki@example.jp"]
    two_stars = links_in(str(email.body))[2]

    # When she opens the 2-star link: the page is in Japanese, 2 is chosen, nothing is recorded yet
    page = new_page()
    page.goto(two_stars)
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    expect(page.get_by_text("私たちのサポートにどの程度ご満足いただけましたか？").first).to_be_visible()
    expect(page.locator("input[name='rating'][value='2']")).to_be_checked()
    assert not SurveyResponse.objects.exists()

    # and she writes a comment and presses the button
    page.locator("#id_comment").fill("返信がとても遅かったです。")
    page.locator("form.survey-form button[type='submit']").click()
    expect(page.get_by_role("status")).to_contain_text("ありがとうございます")
    page.screenshot(path="/tmp/feedback_survey.png", full_page=True)

    # Then her answer is kept, with her language and country
    answer = SurveyResponse.objects.get()
    assert (answer.rating, answer.comment, answer.language, answer.country) == (
        2,
        "返信がとても遅かったです。",
        "ja",
        "JP",
    )
    follow_up = CareFollowUp.objects.get()

    # And the Europe supervisor, signed in, finds the call-back task at care/
    supervisor = new_page()
    supervisor.goto("/accounts/login/")
    supervisor.get_by_label("Username").fill(actors.supervisor.username)
    supervisor.get_by_label("Password").fill("pw")
    supervisor.get_by_role("button", name="Sign in").click()
    supervisor.goto("/care/")
    row = supervisor.locator(f"#care-{follow_up.pk}")
    expect(row).to_contain_text(ticket.reference)
    expect(row).to_contain_text("返信がとても遅かったです。")
    expect(row).to_contain_text("2/5")
    supervisor.screenshot(path="/tmp/feedback_care.png", full_page=True)


def test_an_agent_finds_a_similar_case_and_uses_its_solution_as_a_reply_draft(new_page, solve, actors, categories):
    # Given a solved case in the library and a new ticket of the same kind
    solved = solve(
        subject="Parcel held at customs",
        body="Customs is holding my parcel.",
        reply="We sent the commercial invoice to customs; the parcel was released.",
    )
    services.case_record(ticket_id=solved.pk)
    colour = solve(subject="Wrong colour", body="I ordered blue, got red.", reply="We exchange it for free.")
    services.case_record(ticket_id=colour.pk)
    from tickets import services as tickets

    ticket = tickets.ticket_create(
        customer=actors.customer,
        subject="Customs again",
        body="Still in customs.",
        channel="email",
        category=categories.other,
    )

    # When the agent searches the library from the ticket page and picks the customs case
    page = new_page()
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(actors.l1.username)
    page.get_by_label("Password").fill("pw")
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"/tickets/{ticket.pk}/")
    panel = page.locator("#case-library")
    panel.get_by_label("Search the case library").fill("invoice")
    panel.get_by_role("button", name="Search").click()
    results = panel.locator("#case-results li.case")
    expect(results).to_have_count(1)
    expect(results.first).to_contain_text("Parcel held at customs")
    results.first.get_by_role("link", name="Use as reply draft").click()

    # Then its solution is in the reply box, ready to edit and send
    expect(page.locator("#id_reply-body")).to_have_value(
        "We sent the commercial invoice to customs; the parcel was released."
    )
    page.screenshot(path="/tmp/feedback_cases_panel.png", full_page=True)
