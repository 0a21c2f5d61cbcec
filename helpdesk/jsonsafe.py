"""JSON from outside, checked before anything stores it: one place for the API, forms and webhooks.

PostgreSQL's text and jsonb cannot hold a NUL character (\\u0000) nor a lone UTF-16 surrogate
(\\ud800 with no partner), and jsonb holds no NaN or Infinity: such a value would fail only when
saved, as a 500. Deep nesting costs recursion in every layer that walks the value (the parser,
validation, rendering, the database) and serves no honest client. So a body is refused, with the
reason, when it is not UTF-8, not JSON, nested deeper than settings.JSON_MAX_DEPTH, or holds any
such character or number, in a key or in a value.

    loads(raw)          parse and check; raises UnsafeJSON (a ValueError) with a reason for people
    check(value)        check an already-parsed value (the same rules, without the parsing)
    problem(raw)        the reason, or None: for callers that answer errors themselves
    text_problem(text)  the reason a single string cannot be stored, or None
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

# A lone surrogate: the only way one reaches a Python string from JSON is a \\uD8xx escape.
_SURROGATE = re.compile("[\ud800-\udfff]")


class UnsafeJSON(ValueError):
    """The body cannot be accepted; str(error) says why, in words for the caller."""


def max_depth() -> int:
    return int(settings.JSON_MAX_DEPTH)


def text_problem(text: str) -> str | None:
    """Why this string cannot be stored as text, or None when it can."""
    if "\x00" in text:
        return _("The NUL character (\\u0000) is not allowed.")
    if _SURROGATE.search(text):
        return _("A lone UTF-16 surrogate (\\ud800-\\udfff) is not allowed.")
    return None


def _not_finite(text: str) -> Any:
    raise UnsafeJSON(_("Numbers must be finite (no NaN or Infinity)."))


def _parse_float(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):  # 1e400 reads as infinity
        _not_finite(text)
    return number


def _at(path: tuple[str, ...]) -> str:
    return "".join(path).lstrip(".") or _("the body")


def check(value: Any, *, depth_limit: int | None = None) -> None:
    """Walk the value without recursion and refuse what cannot be stored or is nested too deep."""
    limit = max_depth() if depth_limit is None else depth_limit
    stack: list[tuple[Any, int, tuple[str, ...]]] = [(value, 0, ())]
    while stack:
        item, depth, path = stack.pop()
        if isinstance(item, str):
            reason = text_problem(item)
            if reason:
                raise UnsafeJSON(f"{_at(path)}: {reason}")
        elif isinstance(item, float) and not math.isfinite(item):
            raise UnsafeJSON(f"{_at(path)}: " + _("Numbers must be finite (no NaN or Infinity)."))
        elif isinstance(item, dict | list | tuple):
            if depth >= limit:
                raise UnsafeJSON(_("The JSON is nested deeper than %(limit)d levels.") % {"limit": limit})
            if isinstance(item, dict):
                for key, inner in item.items():
                    reason = text_problem(key) if isinstance(key, str) else None
                    if reason:
                        raise UnsafeJSON(_("A key in %(where)s: %(reason)s") % {"where": _at(path), "reason": reason})
                    stack.append((inner, depth + 1, (*path, f".{str(key)[:40]}")))
            else:
                stack.extend((inner, depth + 1, (*path, f"[{index}]")) for index, inner in enumerate(item))


def loads(raw: bytes | str, *, encoding: str = "utf-8") -> Any:
    """Parse a JSON document and check it; UnsafeJSON tells the caller what is wrong."""
    if isinstance(raw, bytes | bytearray):
        try:
            text = bytes(raw).decode(encoding)
        except UnicodeDecodeError as error:
            raise UnsafeJSON(
                _("The body is not valid %(encoding)s (byte %(position)d).")
                % {"encoding": encoding.upper(), "position": error.start}
            ) from None
    else:
        text = raw
    try:
        value = json.loads(text, parse_constant=_not_finite, parse_float=_parse_float)
    except RecursionError:  # the C parser's own guard, far above our limit
        raise UnsafeJSON(_("The JSON is nested deeper than %(limit)d levels.") % {"limit": max_depth()}) from None
    except UnsafeJSON:
        raise
    except ValueError as error:
        raise UnsafeJSON(_("The body is not valid JSON: %(error)s") % {"error": error}) from None
    check(value)
    return value


def problem(raw: bytes | str) -> str | None:
    """The reason this body is refused, or None when it is safe JSON."""
    try:
        loads(raw)
    except UnsafeJSON as error:
        return str(error)
    return None
