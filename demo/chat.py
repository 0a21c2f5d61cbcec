"""The demo shop's chat site: the widget on /chat/demo-shop/, allowed on this server's own address
(SITE_URL) and on localhost, so a newcomer can chat with themselves as an agent."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings

from chat.models import ChatSite
from chat.widget_views import DEMO_KEY
from tickets.models import Category


def load_demo_chat_site() -> bool:
    """Add the demo shop's chat site unless it is there; whether it was added."""
    if ChatSite.objects.filter(public_key=DEMO_KEY).exists():
        return False
    parts = urlsplit(settings.SITE_URL)
    origins = {f"{parts.scheme}://{parts.netloc}", "http://localhost:8000", "http://127.0.0.1:8000"}
    site = ChatSite.objects.create(name="Demo shop", public_key=DEMO_KEY, allowed_origins="\n".join(sorted(origins)))
    site.categories.set(Category.objects.filter(slug__in=["logistics", "product", "payment", "other"]))
    return True
