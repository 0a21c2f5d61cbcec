"""Translation catalogues: compiled with Babel (no GNU gettext needed at run time) and checked."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.conf import settings


def po_files() -> Iterator[tuple[str, Path]]:
    for locale_dir in settings.LOCALE_PATHS:
        for po in sorted(Path(locale_dir).glob("*/LC_MESSAGES/*.po")):
            yield po.parent.parent.name, po


def compile_catalogues() -> int:
    """Write a .mo beside every .po whose .mo is missing or older; returns how many were written."""
    written = 0
    for _locale, po in po_files():
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as handle:
            catalog = read_po(handle)
        with mo.open("wb") as handle:
            write_mo(handle, catalog, use_fuzzy=False)
        written += 1
    return written


_NAMED = re.compile(r"%\((\w+)\)[sdif]")
_BRACED = re.compile(r"\{(\w+)\}")


def catalogue_problems(required_locales: list[str]) -> list[str]:
    """Untranslated, fuzzy or duplicated entries in the catalogues of the required locales, and missing ones;
    translations whose placeholders do not fit their source (they would fail or lose a value
    when filled in), and plural entries with the wrong number of forms."""
    problems = []
    found = {locale for locale, _po in po_files()}
    problems += [f"locale/{loc}: no catalogue" for loc in required_locales if loc not in found]
    for locale, po in po_files():
        if locale not in required_locales:
            continue
        with po.open("rb") as handle:
            catalog = read_po(handle)
        entries = sum(1 for line in po.read_text(encoding="utf-8").splitlines() if line.startswith("msgid ")) - 1
        if entries != len(catalog):  # a merge that kept both sides of an entry; msgfmt refuses the file
            problems.append(f"{po}: {entries - len(catalog)} entries defined twice (run make messages)")
        for message in catalog:
            if not message.id:
                continue
            strings: list[str | None] = (
                list(message.string) if isinstance(message.string, tuple | list) else [message.string]
            )
            if message.fuzzy:
                problems.append(f"{po}: fuzzy: {message.id!r}")
            elif not all(strings):
                problems.append(f"{po}: untranslated: {message.id!r}")
            elif isinstance(message.id, str):
                problems += [f"{po}: {p}: {message.id!r}" for p in _placeholder_problems(message.id, strings[0] or "")]
        for message, errors in catalog.check():  # Babel's checkers: format strings, number of plural forms
            problems += [f"{po}: {error}: {message.id!r}" for error in errors]
    return problems


def _placeholder_problems(source: str, translation: str) -> list[str]:
    problems = []
    for pattern in (_NAMED, _BRACED):
        missing = set(pattern.findall(source)) - set(pattern.findall(translation))
        unknown = set(pattern.findall(translation)) - set(pattern.findall(source))
        problems += [f"placeholder {name} missing" for name in sorted(missing)]
        problems += [f"unknown placeholder {name}" for name in sorted(unknown)]
    return problems


# What `makemessages` extracts: these calls in Python, and the translate tags of templates.
_KEYWORDS: dict[str, Any] = {
    "_": None,
    "gettext": None,
    "gettext_lazy": None,
    "gettext_noop": None,
    "ngettext": (1, 2),
    "ngettext_lazy": (1, 2),
    "pgettext": ((1, "c"), 2),
    "pgettext_lazy": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
    "npgettext_lazy": ((1, "c"), 2, 3),
}
# The folders `make messages` ignores, and those that hold no source.
_NOT_SOURCE = {".venv", "var", "bench", "tests", "locale", "static", "node_modules", "__pycache__"}


def _source_files(root: Path) -> Iterator[tuple[Path, bytes]]:
    from django.utils.translation.template import templatize

    for folder, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(
            d for d in dirnames if d not in _NOT_SOURCE and not d.startswith(".") and not d.endswith(".egg-info")
        )
        in_templates = "templates" in Path(folder).relative_to(root).parts
        for filename in sorted(filenames):
            path = Path(folder) / filename
            if path.suffix == ".py":
                yield path, path.read_bytes()
            elif path.suffix in (".html", ".txt") and in_templates:
                code = templatize(path.read_text(encoding="utf-8"), origin=str(path))
                # Python's tokenizer would trip on the template's indentation; the calls stay on their lines.
                yield path, "\n".join(line.lstrip() for line in code.splitlines()).encode()


def strings_missing_from_catalogues(root: Path, locales: list[str]) -> dict[tuple[str | None, str], str]:
    """Strings marked for translation in the code and templates under `root` that a catalogue of
    `locales` does not hold yet (new since the last `make messages`), with where each is used."""
    from babel.messages.extract import extract_python

    known: dict[str, set[tuple[str | None, str]]] = {locale: set() for locale in locales}
    for locale, po in po_files():
        if locale in known:
            with po.open("rb") as handle:
                known[locale] |= {
                    (m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in read_po(handle) if m.id
                }
    missing: dict[tuple[str | None, str], str] = {}
    for path, data in _source_files(root):
        for lineno, funcname, message, _comments in extract_python(BytesIO(data), _KEYWORDS, [], {}):
            if message is None:
                continue  # a variable, not a literal: nothing to extract
            parts = [message] if isinstance(message, str) else list(message)
            context = parts.pop(0) if str(funcname).startswith(("pgettext", "npgettext")) else None
            if not parts or not parts[0]:
                continue
            key = (context, parts[0])
            if any(key not in ids for ids in known.values()):
                missing.setdefault(key, f"{path.relative_to(root)}:{lineno}")
    return missing
