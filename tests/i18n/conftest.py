"""Customers of the six languages, their tickets made through the real services, and the checks
that an email or a page is in one language with no English left but names."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from babel.messages.pofile import read_po
from django.conf import settings
from django.utils import timezone

from helpdesk.i18n_tools import compile_catalogues
from tests.factories import CustomerFactory, OrderFactory
from tickets import services
from tickets.models import Channel, OutboundEmail, Ticket

LANGUAGES = ["en", "zh-hans", "de", "fr", "es", "ja"]
TRANSLATED = [code for code in LANGUAGES if code != "en"]


@dataclass(frozen=True)
class Person:
    """A customer writing in their own language, and the agent's answer in it."""

    language: str
    name: str
    email: str
    country: str
    time_zone: str
    subject: str
    body: str
    reply: str


PEOPLE = {
    "en": Person(
        "en",
        "Emily Clark",
        "emily.clark@example.com",
        "US",
        "America/New_York",
        "Parcel not delivered",
        "My parcel has not arrived after three weeks. Could you check where it is?",
        "We asked the carrier and will send a replacement today.",
    ),
    "zh-hans": Person(
        "zh-hans",
        "王芳",
        "wang.fang@example.cn",
        "CN",
        "Asia/Shanghai",
        "包裹没有送到",
        "我的包裹三个星期了还没有到，请帮我查一下现在在哪里。",
        "我们已经联系了承运商，今天会为您补发。",
    ),
    "de": Person(
        "de",
        "Jonas Becker",
        "jonas.becker@example.de",
        "DE",
        "Europe/Berlin",
        "Paket nicht angekommen",
        "Mein Paket ist nach drei Wochen immer noch nicht angekommen. Können Sie bitte nachsehen, wo es ist?",
        "Wir haben beim Versanddienstleister nachgefragt und schicken Ihnen heute Ersatz.",
    ),
    "fr": Person(
        "fr",
        "Marie Dupont",
        "marie.dupont@example.fr",
        "FR",
        "Europe/Paris",
        "Colis non livré",
        "Mon colis n'est toujours pas arrivé après trois semaines. Pouvez-vous vérifier où il se trouve ?",
        "Nous avons contacté le transporteur et vous envoyons un remplacement aujourd'hui.",
    ),
    "es": Person(
        "es",
        "Carlos García",
        "carlos.garcia@example.es",
        "ES",
        "Europe/Madrid",
        "Paquete no entregado",
        "Mi paquete todavía no ha llegado después de tres semanas. ¿Pueden comprobar dónde está?",
        "Hemos contactado con el transportista y hoy le enviamos un reemplazo.",
    ),
    "ja": Person(
        "ja",
        "佐藤 由紀",
        "sato.yuki@example.jp",
        "JP",
        "Asia/Tokyo",
        "荷物が届きません",
        "注文した荷物が三週間たってもまだ届きません。どこにあるか確認していただけますか。",
        "配送業者に確認し、本日代わりの商品を発送いたします。",
    ),
}


@pytest.fixture(scope="session", autouse=True)
def _catalogues_compiled() -> None:
    """`make test` compiles the catalogues; so does this, for a bare pytest run."""
    if compile_catalogues():
        from django.utils.translation import trans_real

        trans_real._translations = {}  # drop catalogues loaded before the .mo files existed
        trans_real._default = None


@pytest.fixture(autouse=True)
def _i18n_settings(settings: Any) -> None:
    settings.SITE_URL = "http://testserver"
    settings.SURVEY_CIVIL_HOURS = (0, 24)  # any hour is civil: the survey goes out when due
    settings.SURVEY_DELAY = 0
    settings.SURVEY_RATE_LIMIT = 100_000
    settings.WEBFORM_RATE_LIMIT = 100_000


def customer_of(language: str, **fields: Any) -> Any:
    person = PEOPLE[language]
    values = {
        "name": person.name,
        "email": person.email,
        "language": language,
        "country": person.country,
        "time_zone": person.time_zone,
        **fields,
    }
    return CustomerFactory(**values)


@pytest.fixture
def open_ticket(actors: Any, teams: Any, categories: Any) -> Callable[..., Ticket]:
    """A ticket the customer of `language` opened by email, acknowledged; Europe's team works it."""

    def make(language: str, *, customer: Any = None, order: Any = None, **fields: Any) -> Ticket:
        person = PEOPLE[language]
        ticket = services.ticket_create(
            customer=customer or customer_of(language),
            subject=person.subject,
            body=person.body,
            channel=Channel.EMAIL,
            category=categories.other,
            team=teams.europe,
            order=order,
            acknowledge=True,
            **fields,
        )
        return ticket

    return make


@pytest.fixture
def order_of() -> Callable[..., Any]:
    def make(customer: Any, currency: str = "EUR", total: str = "1234.50") -> Any:
        return OrderFactory(
            customer=customer,
            currency=currency,
            total=Decimal(total),
            ship_to_country=customer.country,
            placed_at=timezone.now(),
        )

    return make


def email(key_prefix: str, ticket: Ticket | None = None) -> OutboundEmail:
    emails = OutboundEmail.objects.filter(key__startswith=key_prefix)
    if ticket is not None:
        emails = emails.filter(ticket=ticket)
    found = list(emails.order_by("-id")[:1])
    assert found, f"no email {key_prefix}"
    return found[0]


# --- "no English left but names" ----------------------------------------------------------------

_PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w+\}")
_TAG = re.compile(r"<[^>]*>")
_STYLE = re.compile(r"<(style|script)\b.*?</\1>", re.S | re.I)
_URL = re.compile(r"https?://\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]+")
# Words that are spelled the same in English and the language, and marks that every language keeps.
SAME_IN_BOTH = {
    "de": {
        "ticket",
        "tickets",
        "e-mail",
        "service",
        "status",
        "team",
        "express",
        "name",
        "link",
        "links",
        "optional",
        "moment",
    },
    "fr": {
        "message",
        "ticket",
        "tickets",
        "service",
        "date",
        "commande",
        "transport",
        "minute",
        "minutes",
        "page",
        "confirmation",
        "photos",
        "moment",
        "note",
    },
    "es": {"ticket", "tickets", "total", "error", "original"},
    "zh-hans": set(),
    "ja": set(),
}
MARKS = {"HD", "Re", "RE", "AW", "USD", "EUR", "JPY", "SLA", "API", "PDF", "MB"}


@cache
def _english_msgids() -> dict[str, tuple[str, ...]]:
    """Each catalogue entry's English text, by where it is used (file path)."""
    po = Path(settings.LOCALE_PATHS[0]) / "de" / "LC_MESSAGES" / "django.po"
    with po.open("rb") as handle:
        catalogue = read_po(handle)
    by_file: dict[str, list[str]] = {}
    for message in catalogue:
        if not message.id:
            continue
        texts = [message.id] if isinstance(message.id, str) else list(message.id)
        for filename, _line in message.locations:
            by_file.setdefault(filename, []).extend(texts)
    return {name: tuple(texts) for name, texts in by_file.items()}


def english_vocabulary(*path_prefixes: str) -> set[str]:
    """Words (4 letters or more) of the English source text used in these templates or modules."""
    words: set[str] = set()
    for filename, texts in _english_msgids().items():
        if filename.startswith(path_prefixes):
            for text in texts:
                words |= {w.lower() for w in _LATIN_WORD.findall(_PLACEHOLDER.sub(" ", text)) if len(w) >= 4}
    return words


def english_left(text: str, language: str, vocabulary: set[str], names: Iterable[str] = ()) -> list[str]:
    """English words in `text` besides names and marks: for Chinese and Japanese any Latin word,
    for the others any word of the English source text."""
    text = html.unescape(_TAG.sub(" ", _STYLE.sub(" ", text)))
    for name in sorted(names, key=len, reverse=True):
        if name:
            text = text.replace(name, " ")
    text = _URL.sub(" ", text)
    left = []
    for word in _LATIN_WORD.findall(text):
        if word in MARKS or word.lower() in SAME_IN_BOTH[language]:
            continue
        if (language in ("zh-hans", "ja") and len(word) >= 3) or word.lower() in vocabulary:
            left.append(word)
    return left


def assert_in_language(
    text: str,
    language: str,
    *,
    phrase: str,
    english: str,
    vocabulary: set[str],
    names: Iterable[str] = (),
) -> None:
    """The known translated `phrase` is there, the English source `english` is not, nor any other English."""
    assert phrase in text, f"{language}: {phrase!r} missing in:\n{text}"
    if language == "en":
        return
    assert english not in text, f"{language}: English {english!r} left in:\n{text}"
    leftovers = english_left(text, language, vocabulary, names)
    assert leftovers == [], f"{language}: English left {leftovers} in:\n{text}"
