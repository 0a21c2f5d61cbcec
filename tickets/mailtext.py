"""The text of an email as mail clients really write it: its parts and headers read with the
charsets clients name, and header values on one line (read or written).

Text of an email as mail clients really label it.

Clients name a narrow charset and write its wider superset: GB2312 holding GBK characters
(Foxmail, 163.com), Shift_JIS holding Windows' cp932 (①, ㈱, 髙), ISO-2022-JP holding NEC
row 13 and the NEC-selected IBM characters (Outlook), ISO-8859-1 holding Windows-1252 (“ ” €).
Each label is read as its superset; an unknown label, or bytes the label cannot read, as what
detection finds. Nothing here raises: the last resort replaces what cannot be read.
"""

from __future__ import annotations

import codecs
import re
from email.header import decode_header
from email.message import Message, MIMEPart
from email.utils import parseaddr

import charset_normalizer

ISO2022JP_MS = "iso-2022-jp-ms"  # our name for the CP50220-like reading, see _decode_iso2022jp

# Canonical codec name (codecs.lookup(...).name) of a label -> the codec it is read with.
_SUPERSETS = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "shift_jis": "cp932",
    "iso2022_jp": ISO2022JP_MS,
    "iso2022_jp_1": ISO2022JP_MS,
    "iso2022_jp_ext": ISO2022JP_MS,
    "iso2022_jp_2": ISO2022JP_MS,
    "euc_kr": "cp949",
    "big5": "cp950",
    "iso8859-1": "cp1252",
    "ascii": "cp1252",
    "tis-620": "cp874",
    "iso8859-11": "cp874",
    "iso8859-9": "cp1254",
}
# Labels found in real mail that Python's codec registry does not know.
_ALIASES = {
    "windows-31j": "cp932",
    "sjis": "cp932",
    "x-sjis": "cp932",
    "csshiftjis": "cp932",
    "ms_kanji": "cp932",
    "csgb2312": "gb18030",
    "gb_2312-80": "gb18030",
    "x-gbk": "gb18030",
    "x-euc-cn": "gb18030",
    "cp50220": ISO2022JP_MS,
    "cp50221": ISO2022JP_MS,
    "cp50222": ISO2022JP_MS,
    "csiso2022jp": ISO2022JP_MS,
    "iso-8859-8-i": "iso8859-8",
    "latin-9": "iso8859-15",
    "utf8mb4": "utf-8",
}
# Codecs that are not a character set a message may name.
_REFUSED = {"unicode-escape", "raw-unicode-escape", "idna", "punycode", "undefined", "utf-7"}
# Bytes of a message that names no charset, or US-ASCII, are most often UTF-8 today.
_UNLABELLED = {"", "us-ascii", "ascii", "unknown-8bit", "x-unknown", "8bit", "default"}


def codec_for(label: str | None) -> str | None:
    """The codec to read text labelled `label` with; None when the label names nothing usable."""
    name = (label or "").strip().strip("\"'").lower()
    name = _ALIASES.get(name, name)
    if name == ISO2022JP_MS:
        return name
    for candidate in (name, name[2:] if name.startswith("x-") else None):
        if not candidate:
            continue
        try:
            info = codecs.lookup(candidate)
        except LookupError:
            continue
        if not info._is_text_encoding or info.name in _REFUSED:
            return None
        return _SUPERSETS.get(info.name, info.name)
    return None


# Detection weighs every Latin code page alike and may read French as Central European (è as č);
# Windows-1252 is by far the commonest in mail, so it wins when it reads about as cleanly.
_DETECTION_MARGIN = 0.1


def detect_codec(data: bytes) -> str | None:
    """The codec detection finds for bytes of unknown charset; None when unsure."""
    results = list(charset_normalizer.from_bytes(data))
    if not results:
        return None
    best = results[0]  # the best reading: least chaos, then most coherent
    western = next((match for match in results if match.encoding == "cp1252"), None)
    if western is not None and western.chaos <= best.chaos + _DETECTION_MARGIN:
        best = western
    return codec_for(best.encoding)


def _label_codec(label: str | None) -> str | None:
    name = (label or "").strip().lower()
    return None if name in _UNLABELLED else codec_for(name)


def _is_iso2022(codec: str | None, data: bytes) -> bool:
    # A 7-bit ISO-2022 text always "decodes" as UTF-8, escapes and all: it keeps its own reading.
    return codec is not None and (codec == ISO2022JP_MS or codec.startswith("iso2022")) and b"\x1b" in data


def _readings(codec: str | None, fallback: str | None = None) -> list[str]:
    """The codecs to try in turn before detection. UTF-8 text labelled Latin-1 is common, and
    valid UTF-8 beyond ASCII is improbable in real Windows-1252 text, so UTF-8 goes first there."""
    first = ("utf-8", codec) if codec == "cp1252" else (codec, "utf-8")
    return [c for c in dict.fromkeys((*first, codec_for(fallback) if fallback else None)) if c]


def usable_label(data: bytes, label: str | None) -> str | None:
    """The codec that reads `data` best: its label's superset, else UTF-8, else detection.
    For a message's headers, which are too short to detect, this is found from the body."""
    codec = _label_codec(label)
    if _is_iso2022(codec, data):
        return codec
    for candidate in _readings(codec):
        try:
            _decode(data, candidate, "strict")
        except UnicodeDecodeError:
            continue
        return candidate
    return detect_codec(data) if not data.isascii() else codec


def decode_bytes(data: bytes, label: str | None, fallback: str | None = None) -> str:
    """Bytes labelled with `label` (a MIME charset name, maybe wrong) as text. `fallback`, the
    codec found for the rest of the message, is tried before detection (short data detects badly)."""
    if not data:
        return ""
    codec = _label_codec(label)
    if _is_iso2022(codec, data):
        return _decode(data, codec or ISO2022JP_MS, "replace")
    for candidate in _readings(codec, fallback):
        try:
            return _decode(data, candidate, "strict")
        except UnicodeDecodeError:
            pass  # the label is wrong: try the next reading
    if not data.isascii():
        found = detect_codec(data)
        if found is not None:
            try:
                return _decode(data, found, "strict")
            except UnicodeDecodeError:
                pass
    return _decode(data, codec or "cp1252", "replace")


def _decode(data: bytes, codec: str, errors: str) -> str:
    if codec == ISO2022JP_MS:
        return _decode_iso2022jp(data, errors)
    return data.decode(codec, errors)


# --- ISO-2022-JP as Windows writes it (CP50220/CP50221): JIS X 0208 with NEC row 13 and the
# NEC-selected IBM rows, JIS X 0201 katakana. Python's iso2022_jp codecs refuse those rows, so
# each two-byte JIS pair is moved to its Shift_JIS position and read with cp932.

_ESCAPE = re.compile(rb"\x1b(\$[@B]|\$\(D|\([BJI]|\$A|\$\(C|\.[AF]|N.)", re.DOTALL)


def _jis_to_sjis(first: int, second: int) -> bytes:
    lead = ((first - 0x21) >> 1) + 0x81
    if lead > 0x9F:
        lead += 0x40
    if first & 1:
        trail = second + 0x1F
        if trail >= 0x7F:
            trail += 1
    else:
        trail = second + 0x7E
    return bytes((lead, trail))


def _decode_iso2022jp(data: bytes, errors: str) -> str:
    out: list[str] = []
    mode = b"(B"
    position = 0
    matches = list(_ESCAPE.finditer(data))
    for index, match in enumerate([*matches, None]):
        end = match.start() if match is not None else len(data)
        out.append(_decode_run(data[position:end], mode, errors))
        if match is None:
            break
        mode = match.group(1)
        position = match.end()
        if mode not in (b"$@", b"$B", b"(B", b"(J", b"(I"):  # JIS X 0212, GB, KS...: rare
            following = matches[index + 1].start() if index + 1 < len(matches) else len(data)
            out.append(data[match.start() : following].decode("iso2022_jp_2", errors))
            mode, position = b"(B", following
    return "".join(out)


def _decode_run(run: bytes, mode: bytes, errors: str) -> str:
    if not run:
        return ""
    if mode in (b"$@", b"$B"):
        converted = bytearray()
        pairs = run.replace(b"\r", b"").replace(b"\n", b"")  # a line break ends no real pair
        for i in range(0, len(pairs) - 1, 2):
            first, second = pairs[i], pairs[i + 1]
            if 0x21 <= first <= 0x7E and 0x21 <= second <= 0x7E:
                converted += _jis_to_sjis(first, second)
            elif errors == "strict":
                raise UnicodeDecodeError("iso-2022-jp", run, i, i + 2, "not a JIS X 0208 pair")
            else:
                converted += b"?"
        if len(pairs) % 2 and errors == "strict":
            raise UnicodeDecodeError("iso-2022-jp", run, len(run) - 1, len(run), "half a JIS X 0208 pair")
        return converted.decode("cp932", errors)
    if mode == b"(I":
        return bytes(b + 0x80 if 0x21 <= b <= 0x5F else b for b in run).decode("cp932", errors)
    # ASCII or JIS-Roman; SO/SI (CP50221's katakana shift) read as JIS X 0201 katakana.
    text, shifted = [], False
    for b in run:
        if b == 0x0E:
            shifted = True
        elif b == 0x0F:
            shifted = False
        elif shifted and 0x21 <= b <= 0x5F:
            text.append(bytes((b + 0x80,)).decode("cp932"))
        elif b < 0x80:
            text.append(chr(b))
        elif errors == "strict":
            raise UnicodeDecodeError("iso-2022-jp", run, 0, len(run), "8-bit byte in 7-bit ISO-2022-JP")
        else:
            text.append("\ufffd")
    return "".join(text)


# --- RFC 2047 headers

_ENCODED_WORD = re.compile(r"=\?[^?\s]+\?[bBqQ]\?[^?\s]*\?=")


def unfold(value: str) -> str:
    """A folded header value on one line (RFC 5322: a line break before white space is removed)."""
    return re.sub(r"\r?\n(?=[ \t])", "", value)


def decode_header_value(raw: str, fallback: str | None = None) -> str:
    """A raw header value (RFC 2047 encoded words, or raw 8-bit bytes kept by the parser as
    surrogate escapes) as text. Adjacent words in one charset are joined before reading, since
    clients split a character across two of them. `fallback` is the charset for raw bytes."""
    raw = unfold(raw)
    if not _ENCODED_WORD.search(raw):
        return _raw_text(raw, fallback)
    pieces: list[tuple[bytes, str | None]] = []
    try:
        for chunk, charset in decode_header(raw):
            data = chunk if isinstance(chunk, bytes) else chunk.encode("utf-8", "surrogateescape")
            label = charset.split("*")[0] if charset else None
            if pieces and pieces[-1][1] == label:
                pieces[-1] = (pieces[-1][0] + data, label)
            else:
                pieces.append((data, label))
    except Exception:  # a malformed encoded word (bad base64): keep the value as written
        return _raw_text(raw, fallback)
    text = []
    for data, label in pieces:
        if label is None:
            text.append(_raw_text(data.decode("utf-8", "surrogateescape"), fallback))
        else:
            text.append(decode_bytes(data, label, fallback))
    return "".join(text)


def _raw_text(value: str, fallback: str | None) -> str:
    try:
        data = value.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return value
    if data.isascii():
        return value
    return decode_bytes(data, fallback)


def one_line(text: str) -> str:
    """Header-safe text: CR, LF and other control characters cannot start a new header."""
    return " ".join("".join(ch if ch.isprintable() else " " for ch in str(text)).split())


# --- A message's parts and headers, read with the rules above


def raw_header(part: Message, name: str) -> str | None:
    """A header's value as written (unfolded, encoded words still in), or None."""
    for key, value in part.raw_items():
        if key.lower() == name.lower():
            return unfold(str(value)).strip()
    return None


def header_value(part: Message, name: str, fallback: str | None = None) -> str:
    raw = raw_header(part, name)
    return decode_header_value(raw, fallback) if raw is not None else ""


def display_name(part: Message, fallback: str | None = None) -> str:
    """The From header's display name, decoded: parsed from the header as written, so a name in
    encoded words (quoted or not, as Foxmail writes it) is read with the charset rules."""
    raw = raw_header(part, "From")
    if raw is None:
        return ""
    name, _address = parseaddr(raw)
    return decode_header_value(name, fallback) if name else ""


def text_charset(msg: Message) -> str | None:
    """The codec that reads the first text part: the best guess for raw 8-bit bytes and
    unknown labels in headers, too short to detect on their own."""
    for part in msg.walk():
        if part.get_content_maintype() == "text" and not part.is_multipart():
            try:
                payload = part.get_payload(decode=True)
            except (ValueError, AssertionError, LookupError):
                continue
            charset = part.get_param("charset")
            if isinstance(payload, bytes) and payload:
                return usable_label(payload, str(charset) if charset else None)
    return None


def part_text(part: MIMEPart) -> str:
    """A text part's content read with its charset as clients really use it."""
    try:
        payload = part.get_payload(decode=True)
    except (ValueError, AssertionError, LookupError):
        payload = None
    if not isinstance(payload, bytes):
        raw = part.get_payload()
        return raw if isinstance(raw, str) else ""
    charset = part.get_param("charset")
    return decode_bytes(payload, str(charset) if charset else None)


def filename(part: Message, fallback: str | None = None) -> str:
    """The file name of a part: RFC 2231 (filename*=charset''...) or RFC 2047 in quotes (as
    Outlook and Foxmail write it), from Content-Disposition, else Content-Type's name."""
    for header, param in (("Content-Disposition", "filename"), ("Content-Type", "name")):
        raw = raw_header(part, header)
        if raw is None:
            continue
        holder = Message()
        holder[header] = raw
        value = holder.get_param(param, header=header)
        if isinstance(value, tuple):  # RFC 2231: (charset, language, text as latin-1 octets)
            charset, _language, text = value
            data = text.encode("latin-1", "replace")
            return decode_bytes(data, charset or fallback)
        if value:
            return decode_header_value(str(value), fallback)
    return ""
