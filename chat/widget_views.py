"""The widget's frame (`/chat/w/<key>/`), shown only inside the site's allowed origins, and the demo
shop page that embeds it the way a shop would."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.utils import translation
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_GET

from helpdesk.language import normalise_language
from helpdesk.middleware import CONTENT_SECURITY_POLICY
from tickets.models import Order
from tickets.services.messages import MAX_ATTACHMENTS_PER_MESSAGE

from .api_views import _categories, _own_origins
from .models import ChatSite

DEMO_KEY = "demo-shop"
DEMO_EMAIL = "yuki.tanaka@example.jp"  # a demo customer with orders


def _frame_policy(request: HttpRequest, site: ChatSite) -> str:
    ancestors = " ".join(sorted({*site.origins, *_own_origins(request)}))
    return CONTENT_SECURITY_POLICY.replace("frame-ancestors 'none'", f"frame-ancestors {ancestors}")


@require_GET
@xframe_options_exempt
def widget(request: HttpRequest, key: str) -> HttpResponse:
    site = ChatSite.objects.filter(public_key=key, active=True).first()
    if site is None:
        raise Http404("No such chat.")
    language = normalise_language(request.GET.get("lang") or translation.get_language())
    with translation.override(language):
        response = render(
            request,
            "chat/widget.html",
            {
                "language": language,
                "site_name": site.name,
                "config": {
                    "key": site.public_key,
                    "api": f"/chat/api/{site.public_key}/",
                    "ws": "/ws/chat/",
                    "language": language,
                },
                "categories": _categories(site),
                "max_files": MAX_ATTACHMENTS_PER_MESSAGE,
                "max_file_mb": settings.MAX_ATTACHMENT_BYTES // 2**20,
                "max_chars": settings.CHAT_MAX_MESSAGE_CHARS,
            },
        )
    response["Content-Security-Policy"] = _frame_policy(request, site)
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def demo_shop(request: HttpRequest) -> HttpResponse:
    """A shop page as a newcomer would build one: the loader's one script tag, nothing inline."""
    site = ChatSite.objects.filter(public_key=DEMO_KEY, active=True).first()
    if site is None:
        raise Http404("The demo data is not loaded (manage.py seed_demo).")
    language = normalise_language(request.GET.get("lang") or translation.get_language())
    return render(
        request,
        "chat/demo_shop.html",
        {
            "loader_url": static("chat/loader.js"),
            "key": site.public_key,
            "language": language,
            "demo_email": DEMO_EMAIL,
            "demo_order": Order.objects.filter(customer__email=DEMO_EMAIL)
            .values_list("external_number", flat=True)
            .first()
            or "",
        },
    )
