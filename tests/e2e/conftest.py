"""Helpers of the browser tests (the browser itself comes from tests/browser.py): signing in through
the form, and for the tests against a real ASGI server (`server`) an agent's signed-in page, the
demo shop's chat site and a visitor's page."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Page, expect

from tests.asgi_server import AsgiServer


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


@pytest.fixture
def server_env() -> dict[str, str]:
    """More environment for the server: the queue's announcements run in it, as a worker would run them."""
    return {"CELERY_TASK_ALWAYS_EAGER": "1"}


@pytest.fixture
def server(transactional_db, tmp_path, server_env) -> Iterator[AsgiServer]:
    asgi = AsgiServer(tmp_path, env=server_env)
    asgi.start()
    yield asgi
    asgi.stop()


@pytest.fixture
def agent_page(browser, server) -> Iterator[Callable[[Any, str], Any]]:
    """A browser context signed in as the given agent, on the given path; JavaScript errors fail the test."""
    contexts = []
    errors: list[str] = []

    def open_as(user: Any, path: str) -> Any:
        client = Client()
        client.force_login(user)
        context = browser.new_context(base_url=server.url, viewport={"width": 1440, "height": 1000})
        context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "url": server.url,
                }
            ]
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(path)
        page.wait_for_load_state("load")
        page.evaluate("window.__notReloaded = true")  # gone if the page reloads
        return page

    yield open_as
    for context in contexts:
        context.close()
    assert errors == [], f"JavaScript errors on the page: {errors}"


def named(user: Any, first: str, last: str) -> Any:
    user.first_name, user.last_name = first, last
    user.save()
    return user


@pytest.fixture
def shop(teams, categories, server) -> Any:
    """The demo shop's chat site (its page embeds the widget), served by team Europe."""
    from chat.models import ChatSite

    site = ChatSite.objects.create(
        name="Demo shop", public_key="demo-shop", allowed_origins=server.url, team=teams.europe
    )
    site.categories.set([categories.other, categories.product])
    return site


@pytest.fixture
def visitor_locale() -> str:
    return "en-GB"


@pytest.fixture
def visitor(browser, server, visitor_locale) -> Iterator[Any]:
    """A shop visitor's browser; JavaScript errors and Content-Security-Policy refusals (shop or
    widget frame) fail the test."""
    errors: list[str] = []
    context = browser.new_context(base_url=server.url, viewport={"width": 1280, "height": 900}, locale=visitor_locale)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: "Content Security Policy" in message.text and errors.append(message.text))
    yield page
    context.close()
    assert errors == [], f"JavaScript errors or CSP refusals: {errors}"
