"""`{% fragment "name" value ... %}…{% endfragment %}`: the enclosed template rendered once per set of
values (helpdesk/fragments.py). The values must name everything the enclosed part shows."""

from __future__ import annotations

from typing import Any

from django import template
from django.template.base import FilterExpression, NodeList, Parser, Token

from helpdesk import fragments
from helpdesk.fragments import CSRF_PLACEHOLDER, fragment

register = template.Library()
SCOPE_KEY = "\x00fragment-scope"


class FragmentNode(template.Node):
    def __init__(self, place: tuple[str, str], values: list[FilterExpression], nodelist: NodeList) -> None:
        self.place = place
        self.values = values
        self.nodelist = nodelist

    def render(self, context: Any) -> str:
        values = tuple(value.resolve(context) for value in self.values)

        def render() -> str:
            with context.push(csrf_token=CSRF_PLACEHOLDER):
                return str(self.nodelist.render(context))

        # The language and time zone, read once per rendering (no template here switches either).
        scope = context.get(SCOPE_KEY)
        if scope is None:
            scope = context.dicts[0][SCOPE_KEY] = fragments.current_scope()
        return fragment(self.place, values, render, context.get("csrf_token"), scope)


@register.tag("fragment")
def do_fragment(parser: Parser, token: Token) -> FragmentNode:
    bits = token.split_contents()
    if len(bits) < 2 or bits[1][0] not in "\"'":
        raise template.TemplateSyntaxError("{% fragment %} takes a quoted name, then the values it varies by")
    nodelist = parser.parse(("endfragment",))
    parser.delete_first_token()
    origin = parser.origin.name if parser.origin else ""
    return FragmentNode((origin, bits[1][1:-1]), [parser.compile_filter(bit) for bit in bits[2:]], nodelist)


@register.filter
def form_key(form: Any) -> tuple[object, ...]:
    """What a form shows, as part of a fragment key: its class and prefix, and each field's value,
    choices and errors (a KeyedForm's values, without building it)."""
    return fragments.form_key(form)
