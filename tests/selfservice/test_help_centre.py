"""The public help centre: articles by topic in the page's language (English where not translated),
an article's plain text shown escaped, a search over the language's words, unpublished never shown."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from selfservice.help import articles_search, search_terms
from selfservice.models import HelpTopic
from tickets.models import Channel
from tickets.services import ticket_create

from .factories import HelpArticleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def articles(db):
    return {
        "returns": HelpArticleFactory(
            slug="return-policy",
            topic=HelpTopic.RETURNS,
            title_en="Returning an item",
            title_de="Einen Artikel zurücksenden",
            title_zh_hans="如何退货",
            body_en="Return within 7 days of delivery.\n\nYou pay the return shipping.",
            body_de="Rücksendung innerhalb von 7 Tagen nach der Zustellung.\n\nDie Rücksendekosten tragen Sie.",
            body_zh_hans="送达后 7 天内可以退货。\n\n退货运费由您承担。",
        ),
        "payment": HelpArticleFactory(
            slug="payment-questions",
            topic=HelpTopic.PAYMENT,
            title_en="Payment questions",
            body_en="Charged twice? The reservation disappears within a few days.",
        ),
        "hidden": HelpArticleFactory(
            slug="draft",
            title_en="Draft about the return shipping",
            title_de="Entwurf zur Rücksendung",
            published=False,
        ),
    }


def _get(client, name, lang, *args, **params):
    return client.get(reverse(name, args=args), {"lang": lang, **params})


def test_the_list_by_topic_in_german_with_english_where_not_translated(client, articles):
    page = _get(client, "selfservice:help", "de").content.decode()
    assert "Hilfe-Center" in page
    assert "Rücksendungen und Erstattungen" in page and "Zahlung" in page
    assert "Einen Artikel zurücksenden" in page and "Returning an item" not in page
    assert "Payment questions" in page  # no German title yet: the English one
    assert "Entwurf" not in page and "Draft" not in page
    assert page.index("Rücksendungen und Erstattungen") < page.index("Zahlung")  # the topics' order


def test_an_article_in_chinese_and_its_english_fallback_in_japanese(client, articles):
    chinese = _get(client, "selfservice:help_article", "zh-hans", "return-policy").content.decode()
    assert "如何退货" in chinese and "<p>退货运费由您承担。</p>" in chinese
    articles["returns"].title_ja = ""  # as an admin leaves it: empty, not missing
    articles["returns"].save()
    japanese = _get(client, "selfservice:help_article", "ja", "return-policy").content.decode()
    assert "Returning an item" in japanese and "<p>You pay the return shipping.</p>" in japanese
    assert "ヘルプセンター" in japanese


def test_an_unpublished_or_unknown_article_is_not_found(client, articles):
    assert _get(client, "selfservice:help_article", "en", "draft").status_code == 404
    assert _get(client, "selfservice:help_article", "en", "no-such-article").status_code == 404


def test_an_article_text_is_plain_text_never_html(client):
    HelpArticleFactory(slug="hostile", body_en='Line one\nline two\n\n<script>alert("x")</script><b>bold</b>')
    page = _get(client, "selfservice:help_article", "en", "hostile").content.decode()
    assert "<p>Line one<br>line two</p>" in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;b&gt;bold&lt;/b&gt;" in page
    assert "<script>alert" not in page and "<b>bold" not in page


def test_search_in_german_finds_german_words_and_not_drafts(client, articles):
    page = _get(client, "selfservice:help_search", "de", q="Rücksendekosten").content.decode()
    assert "Einen Artikel zurücksenden" in page and "Entwurf" not in page
    nothing = _get(client, "selfservice:help_search", "de", q="return shipping").content.decode()
    assert "Einen Artikel zurücksenden" not in nothing  # the German text is searched, not the English one
    assert "Kein Artikel passt zu Ihrer Suche" in nothing


def test_search_falls_back_to_english_where_the_language_has_no_text(articles):
    found = articles_search("fr", "reservation twice", limit=5)
    assert [f.article.slug for f in found] == ["payment-questions"]
    assert articles_search("de", "reservation", limit=5)[0].article.slug == "payment-questions"
    assert [f.article.slug for f in articles_search("zh-hans", "退货", limit=5)] == ["return-policy"]


def test_search_ranks_title_words_first_and_keeps_to_the_limit(articles):
    HelpArticleFactory(slug="shipping", title_en="Shipping times", body_en="About payment, once.")
    found = articles_search("en", "payment", limit=5)
    assert [f.article.slug for f in found] == ["payment-questions", "shipping"]
    assert len(articles_search("en", "payment", limit=1)) == 1
    assert articles_search("en", "   ", limit=5) == []


def test_search_terms_split_words_and_chinese_or_japanese_runs():
    assert search_terms("Where IS my order? order") == ["where", "is", "my", "order"]
    assert search_terms("退货政策") == ["退货", "货政", "政策"]
    assert search_terms("返品 a") == ["返品"]


def test_a_hostile_query_is_shown_escaped(client, articles):
    response = _get(client, "selfservice:help_search", "en", q='<script>alert("x")</script>')
    page = response.content.decode()
    assert response.status_code == 200
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page and '<script>alert("x")' not in page


def test_an_empty_or_too_long_query_is_told_in_the_page_language(client, articles):
    empty = _get(client, "selfservice:help_search", "fr", q="  ")
    assert empty.status_code == 400 and "Saisissez quelques mots à rechercher." in empty.content.decode()
    symbols = _get(client, "selfservice:help_search", "en", q="?!")
    assert symbols.status_code == 400 and "Type a few words to search for." in symbols.content.decode()
    long = _get(client, "selfservice:help_search", "de", q="x" * 101)
    assert long.status_code == 400 and "höchstens 100 Zeichen" in long.content.decode()


def test_the_order_page_links_to_the_help_centre(verified, order):
    page = _get(verified, "selfservice:order", "de", order.pk).content.decode()
    assert f'href="{reverse("selfservice:help")}?lang=de"' in page and "Hilfe-Center" in page


def test_customer_emails_link_to_the_help_centre(actors, django_capture_on_commit_callbacks, settings):
    settings.SITE_URL = "https://help.example.com"
    with django_capture_on_commit_callbacks(execute=True):
        ticket_create(customer=actors.customer, subject="Frage", body="Hallo", channel=Channel.WEB, acknowledge=True)
    acknowledgement = mail.outbox[-1]
    assert "https://help.example.com/support/help/?lang=de" in acknowledgement.body
    html = acknowledgement.alternatives[0][0]
    assert 'href="https://help.example.com/support/help/?lang=de"' in html and "Hilfe-Center" in html


def test_the_demo_articles_are_written_in_the_six_languages_and_added_once(db):
    from django.conf import settings as django_settings

    from demo.articles import load_demo_articles
    from selfservice.models import HelpArticle

    assert load_demo_articles() == 5 and load_demo_articles() == 0
    languages = [code.replace("-", "_") for code, _name in django_settings.LANGUAGES]
    for article in HelpArticle.objects.all():
        assert article.published
        for language in languages:
            assert getattr(article, f"title_{language}") and getattr(article, f"body_{language}"), (article, language)
    found = articles_search("de", "Rücksendung 7 Tagen", limit=3)
    assert found[0].article.slug == "return-policy"


def test_admins_write_each_language_and_the_search_address_is_refused(client, actors):
    from django.core.exceptions import ValidationError

    from selfservice.models import HelpArticle

    client.force_login(actors.admin)
    form = client.get(reverse("admin:selfservice_helparticle_add")).content.decode()
    assert 'name="title_en"' in form and 'name="body_zh_hans"' in form and 'name="title_ja"' in form
    response = client.post(
        reverse("admin:selfservice_helparticle_add"),
        {"slug": "search", "topic": "orders", "title_en": "Search", "body_en": "Text", "position": 0},
    )
    assert response.status_code == 200 and not HelpArticle.objects.exists()
    with pytest.raises(ValidationError):
        HelpArticle(slug="search", title_en="Search", body_en="Text").full_clean()
    response = client.post(
        reverse("admin:selfservice_helparticle_add"),
        {
            "slug": "sizes",
            "topic": "orders",
            "title_en": "Sizes",
            "body_en": "Text",
            "title_de": "Größen",
            "position": 0,
        },
    )
    assert response.status_code == 302
    article = HelpArticle.objects.get(slug="sizes")
    assert article.title_de == "Größen" and not article.title_fr and not article.published
