"""factory-boy factories of the self-service app: help articles (English only unless given more)."""

from __future__ import annotations

import factory

from selfservice.models import HelpArticle, HelpTopic


class HelpArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HelpArticle

    slug = factory.Sequence(lambda n: f"article-{n}")
    topic = HelpTopic.ORDERS
    title_en = factory.Sequence(lambda n: f"Article {n}")
    body_en = "Some help.\n\nMore help."
    published = True
