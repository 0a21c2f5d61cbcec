"""The lint checks that keep every user-visible string translatable and translated."""

from __future__ import annotations

from pathlib import Path

from helpdesk.i18n_tools import catalogue_problems
from helpdesk.template_check import unmarked_strings


def _template(tmp_path: Path, text: str, name: str = "page.html") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_plain_text_attributes_and_submit_values_are_flagged(tmp_path):
    page = _template(tmp_path, '<p>Hello there</p>\n<input type="submit" value="Send it">\n<a title="Open me">x</a>\n')
    assert [line for line, _ in unmarked_strings(page)] == [1, 2, 3]


def test_marked_text_variables_and_markup_pass(tmp_path):
    page = _template(
        tmp_path,
        '{% load i18n %}<div class="card" hx-get="/x/" hx-trigger="load">\n'
        '{% translate "Queue" %} {{ ticket.subject }}\n'
        "{% blocktranslate with n=count %}{{ n }} tickets\nwaiting{% endblocktranslate %}\n"
        '<button type="submit" name="decision" value="approved">{% translate "Approve" %}</button>\n'
        "<script>const a = 'not text';</script>{# a comment #}</div>\n",
    )
    assert list(unmarked_strings(page)) == []


def test_plain_text_email_templates_are_checked_too(tmp_path):
    mail = _template(tmp_path, "{% load i18n %}{{ message.body }}\nThanks, the team\n", name="reply.txt")
    assert list(unmarked_strings(mail)) == [(2, "Thanks the team")]


def test_untranslated_and_fuzzy_catalogue_entries_are_reported(tmp_path, settings):
    po = tmp_path / "de" / "LC_MESSAGES" / "django.po"
    po.parent.mkdir(parents=True)
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Queue"\nmsgstr "Warteschlange"\n\n'
        'msgid "Reply"\nmsgstr ""\n\n'
        '#, fuzzy\nmsgid "Note"\nmsgstr "Notiz"\n',
        encoding="utf-8",
    )
    settings.LOCALE_PATHS = [tmp_path]
    problems = catalogue_problems(["de", "fr"])
    assert any("untranslated: 'Reply'" in p for p in problems)
    assert any("fuzzy: 'Note'" in p for p in problems)
    assert any("fr: no catalogue" in p for p in problems)
    assert not any("Queue" in p for p in problems)


def test_an_entry_defined_twice_by_a_merge_is_reported(tmp_path, settings):
    po = tmp_path / "de" / "LC_MESSAGES" / "django.po"
    po.parent.mkdir(parents=True)
    header = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
    po.write_text(header + 'msgid "Close"\nmsgstr "Schließen"\n\nmsgid "Close"\nmsgstr "Schließen"\n', encoding="utf-8")
    settings.LOCALE_PATHS = [tmp_path]
    assert any("1 entries defined twice" in p for p in catalogue_problems(["de"]))

    po.write_text(header + 'msgid "Close"\nmsgstr "Schließen"\n', encoding="utf-8")
    assert catalogue_problems(["de"]) == []
