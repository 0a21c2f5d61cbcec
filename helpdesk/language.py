"""Which language a ticket is in: the customer's known language, else the language their first
message is written in (a small offline detector, trusted only on enough text), else the language
of the page or email they came through."""

from __future__ import annotations

import re
import threading
import unicodedata
from typing import Any

from django.conf import settings

# Letters a detector needs before its answer is worth more than the page's language. A CJK or
# kana character carries about as much as a short word, so it weighs more than a Latin letter.
MIN_TEXT_WEIGHT = 24
CJK_WEIGHT = 3
MIN_PROBABILITY = 0.90
MAX_TEXT_CHARS = 4000
# Both Chinese profiles of the detector mean "write to them in Chinese"; we write Simplified.
DETECTOR_CODES = {"zh-cn": "zh-hans", "zh-tw": "zh-hans"}
# The model's default: a customer stored as English may simply never have told us otherwise.
UNKNOWN_DEFAULT = "en"

_HANGUL = re.compile(r"[\uac00-\ud7af\u1100-\u11ff\u3130-\u318f]")
_QUOTED = re.compile(r"^\s*>.*$", re.M)
_NOISE = re.compile(r"https?://\S+|www\.\S+|[\w.+-]+@[\w-]+\.[\w.-]+|[#A-Za-z_-]*\d[A-Za-z0-9_-]*")
_factory: Any = None
_factory_lock = threading.Lock()


def supported_languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def normalise_language(language: str | None) -> str:
    """A supported language code for what a customer or sender gave, English otherwise."""
    codes = supported_languages()
    if not language:
        return "en"
    code = language.strip().lower().replace("_", "-")
    if code in codes:
        return code
    if code.startswith("zh"):
        return "zh-hans"
    base = code.split("-")[0]
    return base if base in codes else "en"


# Traditional Chinese is written differently from the Simplified we write: not a variant of it.
_TRADITIONAL_CHINESE = frozenset({"hant", "tw", "hk", "mo"})
_LANGUAGE_TAG = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{2,8})*$")


def supported_language(language: str) -> str | None:
    """The supported language a client's language tag stands for, or None: nothing is guessed.

    An exact code matches in any case, with "-" or "_" ("zh_Hans" is "zh-hans"); a regional variant
    of a supported language is that language ("de-AT" is "de", "en-US" is "en", "zh-CN" and
    "zh-Hans-SG" are "zh-hans"). A language we do not write ("pt-BR", "xx") and Traditional
    Chinese ("zh-Hant", "zh-TW", "zh-HK") are not supported: None, for the caller to refuse.
    """
    code = (language or "").strip().lower().replace("_", "-")
    codes = supported_languages()
    if code in codes:
        return code
    if not _LANGUAGE_TAG.match(code):
        return None
    base, *subtags = code.split("-")
    if base == "zh":
        return None if _TRADITIONAL_CHINESE & set(subtags) or "zh-hans" not in codes else "zh-hans"
    return base if base in codes else None


def babel_locale(language: str) -> str:
    """Babel's locale for one of our language codes: "zh-hans" is written as in mainland China."""
    return {"zh-hans": "zh_Hans_CN", "en": "en_US"}.get(language, language.replace("-", "_"))


def _detector_factory() -> Any:
    """The detector's language profiles, loaded once per process (about a third of a second)."""
    global _factory
    if _factory is None:
        with _factory_lock:
            if _factory is None:
                from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory

                factory = DetectorFactory()
                factory.load_profile(PROFILES_DIRECTORY)
                factory.seed = 0  # the detector samples at random: a fixed seed gives one answer per text
                _factory = factory
    return _factory


def text_weight(text: str) -> int:
    """How much language-bearing text there is: letters, CJK characters counting more."""
    weight = 0
    for char in text:
        if not char.isalpha():
            continue
        name = unicodedata.name(char, "")
        weight += CJK_WEIGHT if name.startswith(("CJK", "HIRAGANA", "KATAKANA", "HANGUL")) else 1
    return weight


def _clean(text: str) -> str:
    text = _QUOTED.sub(" ", text[: MAX_TEXT_CHARS * 2])
    return " ".join(_NOISE.sub(" ", text).split())[:MAX_TEXT_CHARS]


def detect_language(text: str) -> str | None:
    """One of our languages when the text is long enough and clearly written in it, else None."""
    from langdetect.lang_detect_exception import LangDetectException

    cleaned = _clean(text or "")
    if text_weight(cleaned) < MIN_TEXT_WEIGHT:
        return None
    factory = _detector_factory()
    detector = factory.create()
    if not _HANGUL.search(cleaned):
        # Han characters alone also fit Korean's profile (Hanja): without Hangul it is not Korean,
        # and Traditional Chinese would otherwise often be taken for it.
        detector.set_prior_map({code: 0.0 if code == "ko" else 1.0 for code in factory.get_lang_list()})
    detector.append(cleaned)
    try:
        ranked = detector.get_probabilities()
    except LangDetectException:  # no usable features in the text
        return None
    totals: dict[str, float] = {}
    for guess in ranked:  # Simplified and Traditional Chinese add up
        code = DETECTOR_CODES.get(guess.lang, guess.lang)
        totals[code] = totals.get(code, 0.0) + guess.prob
    if not totals:
        return None
    code, probability = max(totals.items(), key=lambda item: item[1])
    if probability < MIN_PROBABILITY or code not in supported_languages():
        return None
    return code


def known_language(customer_language: str | None) -> str | None:
    """The customer's stored language when it tells us something: English is also the default of
    a customer we know nothing about, so it does not outrank what their message says."""
    code = (customer_language or "").strip().lower()
    if code in supported_languages() and code != UNKNOWN_DEFAULT:
        return code
    return None


def ticket_language(
    *, customer_language: str | None, first_message: str = "", fallback: str | None = None, chosen: str | None = None
) -> str:
    """The language of a new ticket.

    `chosen`: set by a person or system on purpose (an agent, an integration, the follow-up of a
    ticket), it wins. Then the customer's known language, then the language detected in the
    first message the customer wrote (pass "" when someone else wrote it), then `fallback` (the
    web form's or the email's language), then the customer's stored language.
    """
    if chosen:
        return normalise_language(chosen)
    known = known_language(customer_language)
    if known:
        return known
    detected = detect_language(first_message) if first_message else None
    if detected:
        return detected
    return normalise_language(fallback or customer_language)
