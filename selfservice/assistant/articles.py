"""A return, a payment question, a new address: answered from the help centre's articles
(`articles_search` in the customer's language, with their own words first, then the intent's own
search word, then the first article of the intent's topic), with the article's title, its opening
and its link; a person is offered. No article: a person takes over."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.text import Truncator
from django.utils.translation import pgettext_lazy

from ..help import articles_search, published, shown_text
from ..intents import Intent
from ..models import AssistantStep, HandoverReason, HelpArticle, HelpTopic
from . import texts
from .turn import Turn

EXCERPT_CHARS = 300

SEARCH_WORDS = {
    Intent.RETURN: pgettext_lazy("assistant search word", "return"),
    Intent.PAYMENT: pgettext_lazy("assistant search word", "payment"),
    Intent.CHANGE_ADDRESS: pgettext_lazy("assistant search word", "address"),
}
TOPICS = {Intent.RETURN: HelpTopic.RETURNS, Intent.PAYMENT: HelpTopic.PAYMENT}


def _article_for(intent: str, text: str, language: str) -> HelpArticle | None:
    for query in (text, str(SEARCH_WORDS.get(Intent(intent), ""))):
        found = articles_search(language, query, limit=1)
        if found:
            return found[0].article
    topic = TOPICS.get(Intent(intent))
    return HelpArticle.objects.filter(published(), topic=topic).first() if topic else None


def article_link(article: HelpArticle, language: str) -> str:
    path = reverse("selfservice:help_article", args=[article.slug])
    return f"{settings.SITE_URL}{path}?{urlencode({'lang': language})}"


def answer(turn: Turn, intent: str) -> None:
    article = _article_for(intent, turn.text, turn.language)
    if article is None:
        turn.hand_over(HandoverReason.NO_ANSWER)
        return
    title = shown_text(article, "title", turn.language)
    opening = shown_text(article, "body", turn.language).strip().split("\n\n", 1)[0]
    excerpt = Truncator(" ".join(opening.split())).chars(EXCERPT_CHARS)
    turn.say(texts.article(title, excerpt, article_link(article, turn.language)), topic=f"article:{article.slug}")
    turn.say(texts.offer_person())
    turn.answered({"kind": "article", "slug": article.slug, "title": title})
    turn.session.step = AssistantStep.MENU
