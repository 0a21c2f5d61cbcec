"""Panels other apps add to the ticket page, without tickets importing them.

An app registers a panel in its AppConfig.ready():

    from tickets.panels import register_panel
    register_panel("compensation", template="policies/panel.html", context=compensation_context, order=30)

`context(request, ticket)` returns the template's context, or None to hide the panel.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe


@dataclass(frozen=True)
class Panel:
    name: str
    template: str
    context: Callable[[HttpRequest, Any], dict[str, Any] | None]
    order: int


_PANELS: dict[str, Panel] = {}


def register_panel(
    name: str, *, template: str, context: Callable[[HttpRequest, Any], dict[str, Any] | None], order: int = 50
) -> None:
    _PANELS[name] = Panel(name=name, template=template, context=context, order=order)


def render_panels(request: HttpRequest, ticket: Any) -> list[SafeString]:
    rendered = []
    for panel in sorted(_PANELS.values(), key=lambda p: (p.order, p.name)):
        context = panel.context(request, ticket)
        if context is not None:
            html = render_to_string(panel.template, {"ticket": ticket, **context}, request=request)
            rendered.append(mark_safe(html))  # noqa: S308 - rendered by a template with autoescape
    return rendered
