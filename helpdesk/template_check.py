"""Find user-visible text in templates that is not marked for translation."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

_BLOCK_TRANSLATE = re.compile(r"{%\s*blocktrans(?:late)?\b.*?{%\s*endblocktrans(?:late)?\s*%}", re.S)
_COMMENT = re.compile(r"{#.*?#}|{%\s*comment\s*%}.*?{%\s*endcomment\s*%}", re.S)
_TAG = re.compile(r"{%.*?%}|{{.*?}}", re.S)
_CLASS_BLOCK = re.compile(r"{%\s*block\s+\w*class\s*%}.*?{%\s*endblock\s*%}", re.S)
_SCRIPT_STYLE = re.compile(r"<(script|style)\b.*?</\1>", re.S | re.I)
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.S)
_VISIBLE_ATTRIBUTES = re.compile(r"""\b(title|placeholder|alt|aria-label)\s*=\s*("[^"]*"|'[^']*')""", re.I)
_BUTTON_VALUE = re.compile(
    r"""^<input\b(?=[^>]*\btype\s*=\s*["']?(?:submit|button|reset)\b)[^>]*\bvalue\s*=\s*("[^"]*"|'[^']*')""", re.I
)
_HTML_TAG = re.compile(r"<[^>]*>", re.S)
_WORD = re.compile(r"[^\W\d_]{2,}")
# Text that is the same in every language: the product's marks, codes and units.
ALLOWED = {"HD", "SKU", "CSV", "API", "USD", "EUR", "UTC", "OK", "html", "DOCTYPE", "doctype", "utf"}


def unmarked_strings(template: Path) -> Iterator[tuple[int, str]]:
    source = template.read_text(encoding="utf-8")
    for number, line in enumerate(_visible_text(source, template.suffix == ".html").split("\n"), start=1):
        words = [w for w in _WORD.findall(line) if w not in ALLOWED]
        if words:
            yield number, " ".join(words)[:80]


def _visible_text(source: str, is_html: bool) -> str:
    """What a reader would see, with every construct replaced by its newlines (keeping line numbers)."""

    def blank(match: re.Match[str]) -> str:
        return " " + "\n" * match.group(0).count("\n")

    for pattern in (_COMMENT, _BLOCK_TRANSLATE, _CLASS_BLOCK, _SCRIPT_STYLE, _HTML_COMMENT, _TAG):
        source = pattern.sub(blank, source)
    if is_html:

        def tag_text(match: re.Match[str]) -> str:
            values = [m.group(2)[1:-1] for m in _VISIBLE_ATTRIBUTES.finditer(match.group(0))]
            button = _BUTTON_VALUE.search(match.group(0))
            if button:
                values.append(button.group(1)[1:-1])
            return " " + " ".join(values) + "\n" * match.group(0).count("\n")

        source = _HTML_TAG.sub(tag_text, source)
    return source


def check_templates(roots: list[Path]) -> list[str]:
    problems = []
    for root in roots:
        for template in sorted(root.rglob("*")):
            if template.suffix not in (".html", ".txt") or "admin" in template.parts:
                continue
            for number, words in unmarked_strings(template):
                problems.append(f"{template}:{number}: not marked for translation: {words}")
    return problems
