"""In a real browser: an agent switches the interface to Chinese with the top bar's language menu,
works in it, and switches back to English."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tickets.models import AgentProfile

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_an_agent_switches_the_interface_to_chinese_and_back(new_page, actors):
    page = new_page()
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("l1")
    page.get_by_label("Password").fill("pw")
    page.get_by_role("button", name="Sign in").click()
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Queue", exact=True)).to_be_visible()
    page.wait_for_load_state("load")  # helpdesk.js (deferred) submits the menu when it changes

    # when she picks Chinese in the top bar
    page.locator("#ui-language").select_option("zh-hans")

    # then the navigation speaks Chinese, on this page and the next, and her profile remembers it
    nav = page.get_by_role("navigation", name="主导航")
    expect(nav.get_by_role("link", name="队列", exact=True)).to_be_visible()
    expect(nav.get_by_role("link", name="新建工单")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    assert AgentProfile.objects.get(user=actors.l1).ui_language == "zh-hans"
    nav.get_by_role("link", name="新建工单").click()
    expect(page.get_by_role("link", name="偏好设置")).to_be_visible()
    page.wait_for_load_state("load")

    # and back to English
    page.locator("#ui-language").select_option("en")

    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Queue", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Preferences")).to_be_visible()
    expect(page.get_by_text("队列")).to_have_count(0)
    assert AgentProfile.objects.get(user=actors.l1).ui_language == "en"
