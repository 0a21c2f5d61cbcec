"""A shop's chat site and a visitor's widget, driven through the HTTP API as the widget does."""

from __future__ import annotations

import uuid
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client

from chat.models import ChatSite

SHOP = "https://shop.example.com"


@pytest.fixture(autouse=True)
def _quiet(settings, request):
    """No assistant, and rate-limit counters of this test only (the tests all come from one address)."""
    settings.ASSISTANT_CHANNELS = []
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": request.node.nodeid}
    }


@pytest.fixture
def site(db, teams, categories, actors) -> ChatSite:
    """The shop's chat, served by team Europe (whose agents are on shift at the tests' clock)."""
    site = ChatSite.objects.create(
        name="Example shop", public_key="pk-test", allowed_origins=f"{SHOP}\nhttps://www.example.com", team=teams.europe
    )
    site.categories.set([categories.other, categories.product])
    return site


class Widget:
    """What a visitor's widget sends, through Django's test client (origin: the widget's frame)."""

    def __init__(self, site: ChatSite, language: str = "en") -> None:
        self.site = site
        self.client = Client()
        self.language = language
        self.token = ""
        self.base = f"/chat/api/{site.public_key}/"

    def _headers(self) -> dict[str, str]:
        headers = {"HTTP_ACCEPT_LANGUAGE": self.language}
        if self.token:
            headers["HTTP_AUTHORIZATION"] = f"Bearer {self.token}"
        return headers

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(self.base + path, params, **self._headers())

    def post(self, path: str, data: dict[str, Any] | None = None, **extra: Any) -> Any:
        return self.client.post(
            self.base + path, data or {}, content_type="application/json", **self._headers(), **extra
        )

    def start(self, body: str = "Where is my parcel?", **fields: Any) -> Any:
        data = {
            "name": "Mei Tanaka",
            "email": "mei@example.com",
            "language": self.language,
            "body": body,
            "client_id": str(uuid.uuid4()),
            **fields,
        }
        response = self.post("start", data)
        if response.status_code == 201:
            self.token = response.json()["token"]
        return response

    def say(self, body: str, client_id: str | None = None) -> Any:
        return self.post("messages", {"client_id": client_id or str(uuid.uuid4()), "body": body})

    def events(self, after: int = 0) -> list[dict[str, Any]]:
        response = self.get("events", after=after)
        assert response.status_code == 200, response.content
        return response.json()["events"]


@pytest.fixture
def widget(site) -> Widget:
    return Widget(site)


@pytest.fixture
def make_widget(site):
    return lambda language="en": Widget(site, language)


def kinds(events: list[dict[str, Any]]) -> list[str]:
    return [event["kind"] for event in events]


__all__ = ["SHOP", "SimpleNamespace", "Widget", "kinds"]
