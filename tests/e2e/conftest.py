"""Browser fixtures: one headless Debian Chromium per session, a fresh context per test."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest

# Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the
# test itself (setting up data, reading mail.outbox) are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from playwright.sync_api import Browser, Page, expect, sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser, live_server: Any) -> Iterator[Page]:
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1440, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert errors == [], f"JavaScript errors on the page: {errors}"


def _ensure_role_groups() -> None:
    from django.contrib.auth.models import Group, Permission

    from helpdesk.roles import GROUP_PERMISSIONS

    for name, permissions in GROUP_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=name)
        for permission in permissions:
            app_label, codename = permission.split(".")
            group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))


@pytest.fixture
def role_groups(transactional_db: None) -> None:
    """The role groups a migration creates; a transactional test before this one may have
    flushed them (permissions come back after a flush, groups do not)."""
    _ensure_role_groups()


@pytest.fixture(scope="session", autouse=True)
def _restore_role_groups_after_flush(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """Browser tests are transactional: the flush after them empties every table. Put the role
    groups back so a database kept with --reuse-db still has them in the next run."""
    yield
    with django_db_blocker.unblock():
        _ensure_role_groups()


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
