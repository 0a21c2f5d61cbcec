"""Email bodies as plain text: HTML converted without keeping any markup, quoted history trimmed."""

from __future__ import annotations

import re
from html.parser import HTMLParser

# Content of these elements is never text a person wrote for us.
_SKIP = {"script", "style", "head", "title", "template", "noscript", "object", "iframe", "svg", "math"}
_BLOCK = {
    "address", "article", "aside", "div", "dl", "dt", "dd", "fieldset", "figure", "footer", "form",
    "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre",
    "section", "table", "tr", "ul",
}  # fmt: skip


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.current: list[str] = []
        self.skip_depth = 0
        self.quote_depth = 0
        self.pre_depth = 0

    def _break(self) -> None:
        text = "".join(self.current)
        if self.pre_depth == 0:
            text = " ".join(text.split())
        self.lines.append(("> " * self.quote_depth) + text if text else "")
        self.current = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self.skip_depth += 1
        elif self.skip_depth:
            return
        elif tag == "br":
            self._break()
        elif tag == "blockquote":
            self._break()
            self.quote_depth += 1
        elif tag in _BLOCK:
            self._break()
            if tag == "pre":
                self.pre_depth += 1
            if tag == "li":
                self.current.append("- ")
        elif tag in ("td", "th"):
            self.current.append(" ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("br", "hr") and not self.skip_depth:
            self._break()

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skip_depth = max(0, self.skip_depth - 1)
        elif self.skip_depth:
            return
        elif tag == "blockquote":
            self._break()
            self.quote_depth = max(0, self.quote_depth - 1)
        elif tag in _BLOCK:
            self._break()
            if tag == "pre":
                self.pre_depth = max(0, self.pre_depth - 1)

    def handle_data(self, data: str) -> None:
        if self.skip_depth:
            return
        if self.pre_depth:
            for i, part in enumerate(data.split("\n")):
                if i:
                    self._break()
                self.current.append(part)
        else:
            self.current.append(data)


def html_to_text(html: str) -> str:
    """Readable plain text of an HTML body. Tags are dropped, script and style content with
    them, so nothing stored can be active; quoted blocks become "> " lines."""
    parser = _TextExtractor()
    try:
        parser.feed(html)
        parser.close()
    except Exception:  # a broken document: fall back to crude tag stripping
        return " ".join(re.sub(r"<[^>]*>", " ", html).split())
    parser._break()
    return _squeeze_blank_lines("\n".join(line.rstrip() for line in parser.lines))


def _squeeze_blank_lines(text: str) -> str:
    return re.sub(r"\n{3,}", "\n\n", text).strip()


# "On Mon, 2 Mar 2026 at 10:00, Support <support@example.com> wrote:" and its translations.
_ATTRIBUTION = re.compile(
    r"^\s*("
    r"On\b.+\bwrote:"
    r"|Am\b.+\bschrieb\b.*:"
    r"|Le\b.+\ba écrit\s*:"
    r"|El\b.+\bescribió:"
    r"|Il giorno\b.+\bha scritto:"
    r"|Op\b.+\bschreef\b.*:"
    r"|在.+写道\s*[:：]?"
    r"|.+書きました\s*[:：]?"
    r")\s*$",
    re.IGNORECASE,
)
_ORIGINAL_MESSAGE = re.compile(
    r"^\s*-{2,}\s*("
    r"Original Message|Original|Ursprüngliche Nachricht|Message d'origine|Mensaje original|Messaggio originale"
    r"|原始邮件|元のメッセージ"
    r")\s*-{2,}\s*$",
    re.IGNORECASE,
)
# Outlook quotes with a header block instead: "From: ...", then "Sent: ..." a line or two later.
_HEADER_FROM = re.compile(r"^\s*\*?(From|Von|De|Da|Van|发件人|差出人)\s*\*?\s*[:：]", re.IGNORECASE)
_HEADER_DATE = re.compile(
    r"^\s*\*?(Sent|Date|Gesendet|Datum|Envoyé|Date d'envoi|Enviado|Fecha|Inviato|Verzonden|发送时间|日期|送信日時)"
    r"\s*\*?\s*[:：]",
    re.IGNORECASE,
)
_SIGNATURE = re.compile(r"^--\s?$")
# A line that only separates (Outlook's row of underscores, a rule of dashes): dropped with the
# history it introduces.
_SEPARATOR = re.compile(r"^\s*([_\-=*\u2500\u2014\u2015])\1{4,}\s*$")
_OUTLOOK_RULE = re.compile(r"^\s*_{20,}\s*$")
# "Name: value", a line of a quoted header block in whatever language.
_HEADER_LINE = re.compile(r"^\s*\*?[^\s:：]{1,24}(\s[^\s:：]{1,24})?\s*\*?\s*[:：]\s*\S")
_MOBILE_SIGNATURE = re.compile(
    r"^\s*(Sent from my \w+|Von meinem \w+ gesendet|Envoyé de mon \w+|Enviado desde mi \w+)", re.IGNORECASE
)


def _is_quoted(line: str) -> bool:
    return line.lstrip().startswith(">")


def _attribution_at(lines: list[str], i: int) -> int:
    """How many lines the attribution starting at line i spans (0 when there is none).
    Mail clients often wrap a long attribution over two lines."""
    if _is_attribution(lines[i]):
        return 1
    if i + 1 < len(lines) and lines[i].strip() and _is_attribution(f"{lines[i].rstrip()} {lines[i + 1].strip()}"):
        return 2
    return 0


def _is_attribution(line: str) -> bool:
    # A real attribution carries a date or time; "On Monday my friend wrote:" is the customer's text.
    return bool(_ATTRIBUTION.match(line)) and any(ch.isdigit() for ch in line)


def _next_content_is_quoted(lines: list[str], start: int) -> bool:
    for line in lines[start:]:
        if line.strip():
            return _is_quoted(line)
    return False


def _outlook_header_at(lines: list[str], i: int) -> bool:
    if not _HEADER_FROM.match(lines[i]):
        return False
    return any(_HEADER_DATE.match(line) for line in lines[i + 1 : i + 4])


def _separated_header_at(lines: list[str], i: int) -> bool:
    """Outlook's "________" row followed by a header block (From:, Sent:, To:, Subject:) of any
    language: the start of the quoted mail."""
    if not _OUTLOOK_RULE.match(lines[i]):
        return False
    following = [line for line in lines[i + 1 : i + 8] if line.strip()][:2]
    return len(following) == 2 and all(_HEADER_LINE.match(line) for line in following)


def _drop_trailing_separators(kept: list[str]) -> None:
    while kept and (not kept[-1].strip() or _SEPARATOR.match(kept[-1])):
        kept.pop()


def trim_quoted(text: str) -> str:
    """The new text of a reply: quoted history, attributions, forwarded originals and the
    signature removed. Answers written between quoted lines are kept. When nothing would be
    left, the text is returned whole rather than lose what the customer sent."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    kept: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        span = _attribution_at(lines, i)
        if span:
            if _next_content_is_quoted(lines, i + span):
                i += span  # quoted lines follow and are dropped below; text after them is kept
                continue
            break  # the quote lost its ">" marks (e.g. converted HTML): the rest is history
        if _ORIGINAL_MESSAGE.match(line) or _outlook_header_at(lines, i) or _separated_header_at(lines, i):
            _drop_trailing_separators(kept)
            break
        if _SIGNATURE.match(line):
            break
        if _MOBILE_SIGNATURE.match(line):
            break
        if not _is_quoted(line):
            kept.append(line.rstrip())
        i += 1
    trimmed = _squeeze_blank_lines("\n".join(kept))
    return trimmed or text.strip()
