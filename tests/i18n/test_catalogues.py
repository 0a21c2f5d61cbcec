"""The catalogues: one per customer language besides English, every entry translated, plural forms
right for each language, placeholders kept; and the lint check that enforces it."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings

from helpdesk.i18n_tools import catalogue_problems, po_files, strings_missing_from_catalogues
from helpdesk.template_check import check_templates

CATALOGUES = {"zh_Hans": 1, "de": 2, "fr": 2, "es": 2, "ja": 1}  # locale: number of plural forms


def read(locale: str):
    path = Path(settings.LOCALE_PATHS[0]) / locale / "LC_MESSAGES" / "django.po"
    with path.open("rb") as handle:
        return read_po(handle)


def test_there_is_a_catalogue_for_each_language_but_english():
    assert {locale for locale, _po in po_files()} == set(CATALOGUES)


def test_every_entry_is_translated_with_its_placeholders():
    assert catalogue_problems(list(CATALOGUES)) == []


@pytest.mark.parametrize(("locale", "forms"), CATALOGUES.items())
def test_plural_forms_fit_the_language(locale, forms):
    catalogue = read(locale)
    assert catalogue.num_plurals == forms
    plurals = [m for m in catalogue if m.id and not isinstance(m.id, str)]
    assert plurals and all(len(m.string) == forms and all(m.string) for m in plurals)


def test_the_catalogues_hold_the_same_entries():
    ids = {locale: {m.id if isinstance(m.id, str) else m.id[0] for m in read(locale) if m.id} for locale in CATALOGUES}
    assert len({frozenset(entries) for entries in ids.values()}) == 1


def test_a_wrong_placeholder_or_plural_is_reported(tmp_path, settings):
    po = tmp_path / "de" / "LC_MESSAGES" / "django.po"
    po.parent.mkdir(parents=True)
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
        '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n'
        '#, python-format\nmsgid "Hello %(name)s"\nmsgstr "Hallo %(nom)s"\n\n'
        '#, python-format\nmsgid "Order %(order)s"\nmsgstr "Bestellung"\n\n'
        'msgid "Your request {reference}"\nmsgstr "Ihre Anfrage {referenz}"\n\n'
        '#, python-format\nmsgid "%(n)d day"\nmsgid_plural "%(n)d days"\nmsgstr[0] "%(n)d Tag"\n',
        encoding="utf-8",
    )
    settings.LOCALE_PATHS = [tmp_path]

    problems = "\n".join(catalogue_problems(["de"]))

    assert "unknown placeholder nom: 'Hello %(name)s'" in problems
    assert "placeholder order missing: 'Order %(order)s'" in problems
    assert "unknown placeholder referenz" in problems
    assert "%(n)d day" in problems  # one form where German has two


def test_no_template_text_is_left_unmarked():
    roots = [Path(d) for d in settings.TEMPLATES[0]["DIRS"]] + sorted(Path(settings.BASE_DIR).glob("*/templates"))
    assert check_templates(roots) == []


def test_strings_added_since_the_last_extraction_are_found(tmp_path, settings):
    (tmp_path / "app" / "templates").mkdir(parents=True)
    (tmp_path / "tests").mkdir()
    (tmp_path / "app" / "views.py").write_text(
        "from django.utils.translation import gettext as _, ngettext\n"
        "A = _('Queue')\nB = _('Brand new')\nC = ngettext('%(n)d box', '%(n)d boxes', 2)\nD = _(A)\n",
        encoding="utf-8",
    )
    (tmp_path / "app" / "templates" / "page.html").write_text(
        '{% load i18n %}\n  <p>{% translate "Queue" %}</p>\n'
        "    <p>{% blocktranslate %}Hi {{ name }}{% endblocktranslate %}</p>\n",
        encoding="utf-8",
    )
    (tmp_path / "tests" / "test_x.py").write_text("_('Only in a test')\n", encoding="utf-8")
    po = tmp_path / "locale" / "de" / "LC_MESSAGES" / "django.po"
    po.parent.mkdir(parents=True)
    po.write_text('msgid ""\nmsgstr ""\n\nmsgid "Queue"\nmsgstr "Warteschlange"\n', encoding="utf-8")
    settings.LOCALE_PATHS = [tmp_path / "locale"]

    missing = strings_missing_from_catalogues(tmp_path, ["de"])

    assert missing == {
        (None, "Brand new"): "app/views.py:3",
        (None, "%(n)d box"): "app/views.py:4",
        (None, "Hi %(name)s"): "app/templates/page.html:3",
    }
