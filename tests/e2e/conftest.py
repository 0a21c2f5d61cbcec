"""Helpers of the agent workspace browser tests (the browser itself comes from tests/browser.py)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect


@pytest.fixture
def log_in(page: Page) -> Callable[..., None]:
    """Sign in through the login form, as a person would."""

    def sign_in(username: str, password: str = "pw") -> None:
        page.goto("/accounts/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("heading", name="Queue")).to_be_visible()
        page.wait_for_load_state("load")  # htmx and helpdesk.js are deferred scripts

    return sign_in
