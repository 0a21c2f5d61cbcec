"""Rendered fragments of pages, kept in each server process and keyed by what they show.

A fragment's key names everything its HTML depends on: the template and place it comes from, the
active language and time zone, and the values the template passes (a ticket's displayed fields, the
choices of a filter, the query string). When any of these changes, the key changes and the fragment
is rendered afresh; nothing is ever invalidated, and a change elsewhere costs nothing here. So a
page is still rendered on every request, from its data of the moment, but its unchanged parts are
not rendered twice.

Fragments that hold a form's CSRF token are stored with a placeholder, replaced by the request's own
token when served. The store is a bounded LRU per process (FRAGMENT_CACHE_ENTRIES, 0 turns it off);
losing it (a restart) costs one rendering.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from datetime import date, datetime
from decimal import Decimal
from itertools import chain
from typing import Any

from django.conf import settings
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.safestring import SafeString, mark_safe

CSRF_PLACEHOLDER = "\x00csrf-token\x00"
_PLAIN = (str, int, float, bool, Decimal, date, datetime, type(None))
_PLAIN_TYPES = frozenset(_PLAIN)


def key_part(value: object) -> Hashable:
    """A value as part of a key: plain values as they are, sequences as tuples. Anything else (a model
    instance, whose repr names only its id) is refused, so a key cannot silently miss a change."""
    if type(value) in _PLAIN_TYPES or isinstance(value, _PLAIN):
        return value
    if isinstance(value, (tuple, list)):
        types = set(map(type, value))
        if _PLAIN_TYPES.issuperset(types):  # a flat sequence of plain values, checked in C
            return tuple(value)
        if all(issubclass(kind, (tuple, list)) for kind in types) and _PLAIN_TYPES.issuperset(
            map(type, chain.from_iterable(value))
        ):  # rows of plain values (a list of choices), checked in C too
            return tuple(map(tuple, value))
        return tuple(key_part(item) for item in value)
    if isinstance(value, Promise):  # a lazy translation, in the active language (part of every key)
        return str(value)
    raise TypeError(f"a fragment key takes plain values, not {type(value).__name__}")


def _plain(value: object) -> Hashable:
    try:
        return key_part(value)
    except TypeError:
        return f"{type(value).__name__}:{value}"


def form_fragment_key(form: Any) -> tuple[object, ...]:
    """What a form renders: its class and prefix, and each field's value, choices, attributes and
    errors (a field's choices from the database are read here, as the widget would read them)."""
    fields = []
    for bound in form:
        field = bound.field
        choices = getattr(field, "choices", None)
        fields.append(
            (
                bound.name,
                _plain(bound.value()),
                tuple((_plain(value), str(label)) for value, label in choices) if choices is not None else None,
                _plain(sorted(field.widget.attrs.items())),
                tuple(str(error) for error in bound.errors),
                field.disabled,
            )
        )
    errors = tuple(str(error) for error in form.non_field_errors()) if form.is_bound else ()
    return (f"{type(form).__module__}.{type(form).__qualname__}", form.prefix, tuple(fields), errors)


class KeyedForm:
    """An unbound form built only when a fragment showing it is rendered afresh. `values` are the plain
    values the form is made from (what its constructor reads of the ticket, its choices); with the
    class they are the form's fragment key, so a page whose fragment is kept builds no form. Anything
    else asked of it is asked of the form, built then. An unbound form has no errors: those are
    answered without building it."""

    is_bound = False

    def __init__(self, form_class: type[Any], values: tuple[object, ...], **kwargs: Any) -> None:
        self.key = (f"{form_class.__module__}.{form_class.__qualname__}", kwargs.get("prefix"), key_part(values))
        self._build = lambda: form_class(**kwargs)
        self._form: Any = None

    @property
    def form(self) -> Any:
        if self._form is None:
            self._form = self._build()
        return self._form

    @property
    def errors(self) -> dict[str, Any]:
        return {}

    def non_field_errors(self) -> list[str]:
        return []

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.form, name)

    def __getitem__(self, name: str) -> Any:
        if hasattr(KeyedForm, name):  # a template asks form["errors"] before form.errors: not a field
            raise KeyError(name)
        return self.form[name]

    def __iter__(self) -> Any:
        return iter(self.form)

    def __str__(self) -> str:
        return str(self.form)

    def __html__(self) -> str:
        return str(self.form.__html__())


def form_key(form: Any) -> tuple[object, ...]:
    """A form's fragment key: a KeyedForm's own, else read off the built form (form_fragment_key)."""
    return form.key if isinstance(form, KeyedForm) else form_fragment_key(form)


class FragmentStore:
    def __init__(self) -> None:
        self._entries: OrderedDict[Hashable, str] = OrderedDict()
        self._lock = threading.Lock()

    def get_or_render(self, key: Hashable, render: Callable[[], str]) -> str:
        size = int(settings.FRAGMENT_CACHE_ENTRIES)
        if size <= 0:
            return render()
        with self._lock:
            html = self._entries.get(key)
            if html is not None:
                self._entries.move_to_end(key)
                return html
        html = render()
        with self._lock:
            self._entries[key] = html
            while len(self._entries) > size:
                self._entries.popitem(last=False)
        return html

    def get_many(self, keys: Sequence[Hashable]) -> list[str | None]:
        """The kept HTML of each key, None for those not kept."""
        if int(settings.FRAGMENT_CACHE_ENTRIES) <= 0:
            return [None] * len(keys)
        entries = self._entries
        with self._lock:
            found = [entries.get(key) for key in keys]
            for key, html in zip(keys, found, strict=True):
                if html is not None:
                    entries.move_to_end(key)
        return found

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


store = FragmentStore()


def current_scope() -> tuple[str, str]:
    """The active language and time zone: part of every fragment's key."""
    return translation.get_language(), timezone.get_current_timezone_name()


def fragment(
    place: Hashable,
    values: tuple[object, ...],
    render: Callable[[], str],
    csrf_token: object = None,
    scope: tuple[str, str] | None = None,
) -> SafeString:
    """The fragment at `place` for `values` in the active language and time zone (`scope`, when the
    caller has read them already), rendered by `render` (with CSRF_PLACEHOLDER for the token) when
    not kept already."""
    key = (place, *(scope or current_scope()), key_part(values))
    html = store.get_or_render(key, render)
    if csrf_token is not None and CSRF_PLACEHOLDER in html:
        html = html.replace(CSRF_PLACEHOLDER, str(csrf_token))
    return mark_safe(html)  # noqa: S308 - rendered by a template, escaped there


def joined(place: Hashable, items: list[tuple[tuple[object, ...], Callable[[], str]]]) -> SafeString:
    """Many fragments of one place (a table's rows), each (values, render) as for fragment(), looked up
    together and joined in their order. None may hold a form (no CSRF token is put in)."""
    scope = current_scope()
    keys = [(place, *scope, key_part(values)) for values, _render in items]
    found = store.get_many(keys)
    html = []
    for kept, key, (_values, render) in zip(found, keys, items, strict=True):
        html.append(kept if kept is not None else store.get_or_render(key, render))
    return mark_safe("".join(html))  # noqa: S308 - each rendered by a template, escaped there
