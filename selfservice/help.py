"""Reading the help centre: published articles by topic, one article, and a search over one
language's title and text (the English ones where that language's is empty).

`articles_search` is what the help centre's search page, and later the assistant, ask. It is plain
word matching, the same on PostgreSQL and SQLite: each word of the query (each pair of characters in
Chinese or Japanese, which are written without spaces) is looked for in the titles and texts, and
the articles are ranked by how many of the words they hold, a word in the title counting more."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.conf import settings
from django.db.models import Q
from modeltranslation.utils import build_localized_fieldname

from helpdesk.language import normalise_language

from .models import HelpArticle, HelpTopic

QUERY_MAX_CHARS = 100
MAX_TERMS = 12
CANDIDATES = 200  # rows read to rank at most; the help centre holds tens of articles, not thousands
TITLE_WEIGHT = 3
# A run of Chinese or Japanese characters: searched by overlapping pairs of characters.
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_WORD = re.compile(r"\w+")
FIELDS = ("title", "body")


@dataclass(frozen=True)
class Found:
    article: HelpArticle
    score: int


def published() -> Q:
    return Q(published=True)


def articles_by_topic() -> list[tuple[str, list[HelpArticle]]]:
    """The published articles, grouped by topic in the topics' order (topics without any left out)."""
    rows = list(HelpArticle.objects.filter(published()).order_by("position", "id"))
    groups = [(str(label), [a for a in rows if a.topic == value]) for value, label in HelpTopic.choices]
    return [(label, articles) for label, articles in groups if articles]


def article_get(slug: str) -> HelpArticle | None:
    return HelpArticle.objects.filter(published(), slug=slug).first()


def search_terms(query: str) -> list[str]:
    """The words to look for: lower-cased, each once, in the order written; Chinese and Japanese runs
    as overlapping pairs of characters (one character alone as itself)."""
    terms: list[str] = []
    for word in _WORD.findall((query or "")[:QUERY_MAX_CHARS].lower()):
        pieces: list[str] = []
        for part in re.split(f"({_CJK.pattern})", word):
            if _CJK.fullmatch(part):
                pieces += [part] if len(part) < 3 else [part[i : i + 2] for i in range(len(part) - 1)]
            elif len(part) >= 2:
                pieces.append(part)
        terms += [p for p in pieces if p not in terms]
    return terms[:MAX_TERMS]


def _field(name: str, language: str) -> str:
    return build_localized_fieldname(name, language.replace("-", "_"))


def _text_q(term: str, language: str) -> Q:
    """The term in the language's title or text, or in the English one where the language's is empty."""
    found = Q()
    for name in FIELDS:
        own, english = _field(name, language), _field(name, settings.MODELTRANSLATION_DEFAULT_LANGUAGE)
        empty = Q(**{f"{own}__isnull": True}) | Q(**{own: ""})
        found |= Q(**{f"{own}__icontains": term}) | (empty & Q(**{f"{english}__icontains": term}))
    return found


def shown_text(article: HelpArticle, name: str, language: str) -> str:
    """The article's title or text as a reader of `language` sees it: English where not translated."""
    own = getattr(article, _field(name, language), None)
    return own or getattr(article, _field(name, settings.MODELTRANSLATION_DEFAULT_LANGUAGE), None) or ""


def articles_search(language: str, query: str, limit: int = 10) -> list[Found]:
    """Published articles matching the query in `language`, best first. An article must hold at least
    half of the words (rounded up); ties go to the topic's order. Nothing for a query without words."""
    language = normalise_language(language)
    terms = search_terms(query)
    if not terms or limit <= 0:
        return []
    rows = HelpArticle.objects.filter(published()).filter(reduce(or_, (_text_q(t, language) for t in terms)))
    needed = (len(terms) + 1) // 2
    found = []
    for article in rows.order_by("topic", "position", "id")[:CANDIDATES]:
        title = shown_text(article, "title", language).lower()
        body = shown_text(article, "body", language).lower()
        held = [t for t in terms if t in title or t in body]
        if len(held) >= needed:
            found.append(Found(article, sum(TITLE_WEIGHT if t in title else 1 for t in held)))
    found.sort(key=lambda f: -f.score)  # stable: equal scores keep the topic's order
    return found[:limit]
