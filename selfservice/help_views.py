"""The public help centre under /support/help/: no login, in the page's language (`?lang=`, else the
browser's), each article's translation or, where it has none yet, the English text."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .forms import HelpSearchForm
from .help import article_get, articles_by_topic, articles_search
from .views import page_language

RESULTS = 20


@require_GET
def help_centre(request: HttpRequest) -> HttpResponse:
    language = page_language(request)
    context = {"lang": language, "topics": articles_by_topic(), "form": HelpSearchForm()}
    return render(request, "selfservice/help.html", context)


@require_GET
def help_article(request: HttpRequest, slug: str) -> HttpResponse:
    language = page_language(request)
    article = article_get(slug)
    if article is None:
        raise Http404
    return render(request, "selfservice/help_article.html", {"lang": language, "article": article})


@require_GET
def help_search(request: HttpRequest) -> HttpResponse:
    language = page_language(request)
    form = HelpSearchForm(request.GET)
    if not form.is_valid():
        return render(request, "selfservice/help_search.html", {"lang": language, "form": form}, status=400)
    found = articles_search(language, form.cleaned_data["q"], limit=RESULTS)
    context = {"lang": language, "form": form, "query": form.cleaned_data["q"], "found": found}
    return render(request, "selfservice/help_search.html", context)
