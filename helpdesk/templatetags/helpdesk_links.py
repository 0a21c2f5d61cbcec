"""Links in emails: `{% site_link "selfservice:help" %}` is the page's full address on this site, in
the language the email is written in (`?lang=`), for pages that follow it."""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import get_language

register = template.Library()


@register.simple_tag
def site_link(name: str, *args: Any) -> str:
    language = get_language() or settings.LANGUAGE_CODE
    return f"{settings.SITE_URL}{reverse(name, args=args or None)}?{urlencode({'lang': language})}"
