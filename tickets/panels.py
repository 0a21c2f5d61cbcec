"""Panels other apps add to the ticket page, without tickets importing them.

An app registers a panel in its AppConfig.ready():

    from tickets.panels import register_panel
    register_panel("compensation", template="policies/panel.html", context=compensation_context, order=30)

`context(request, ticket)` returns the template's context, or None to hide the panel. The panel's
template is rendered inside the ticket page's own context (`{% show_panel panel %}`), with the panel's
context on top, so it is not set up afresh for each panel.

An app may also mark messages of the thread (e.g. a messaging app's delivery status):

    register_message_marks("messaging", marks_for_messages)

`marks(messages)` returns {message id: [MessageMark, ...]} for the messages it knows, in one query.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest


@dataclass(frozen=True)
class Panel:
    name: str
    template: str
    context: Callable[[HttpRequest, Any], dict[str, Any] | None]
    order: int


@dataclass(frozen=True)
class ShownPanel:
    """A panel to show on one ticket page: its template and the context its app gave."""

    template: str
    context: dict[str, Any]


@dataclass(frozen=True)
class MessageMark:
    """A short label shown on a message in the thread, with a style (ok, warn, bad) and a longer title."""

    label: str
    style: str = ""
    title: str = ""


_PANELS: dict[str, Panel] = {}
_MARKS: dict[str, Callable[[list[Any]], dict[int, list[MessageMark]]]] = {}


def register_message_marks(name: str, marks: Callable[[list[Any]], dict[int, list[MessageMark]]]) -> None:
    _MARKS[name] = marks


def mark_messages(messages: list[Any]) -> list[Any]:
    """Each message with `marks`, the list of what the registered apps say about it."""
    found: dict[int, list[MessageMark]] = {}
    for name in sorted(_MARKS):
        for pk, marks in _MARKS[name](messages).items():
            found.setdefault(pk, []).extend(marks)
    for message in messages:
        message.marks = found.get(message.pk, [])
    return messages


def register_panel(
    name: str, *, template: str, context: Callable[[HttpRequest, Any], dict[str, Any] | None], order: int = 50
) -> None:
    _PANELS[name] = Panel(name=name, template=template, context=context, order=order)


def shown_panels(request: HttpRequest, ticket: Any) -> list[ShownPanel]:
    shown = []
    for panel in sorted(_PANELS.values(), key=lambda p: (p.order, p.name)):
        context = panel.context(request, ticket)
        if context is not None:
            shown.append(ShownPanel(template=panel.template, context=context))
    return shown
