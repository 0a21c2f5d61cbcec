"""Translation catalogues: compiled with Babel (no GNU gettext needed at run time) and checked."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

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


def catalogue_problems(required_locales: list[str]) -> list[str]:
    """Untranslated or fuzzy entries in the catalogues of the required locales, and missing ones."""
    problems = []
    found = {locale for locale, _po in po_files()}
    problems += [f"locale/{loc}: no catalogue" for loc in required_locales if loc not in found]
    for locale, po in po_files():
        if locale not in required_locales:
            continue
        with po.open("rb") as handle:
            catalog = read_po(handle)
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
    return problems
