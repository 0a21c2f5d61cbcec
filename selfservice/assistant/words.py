"""Reading a customer's short answers: a request for a person (in the six languages), a menu digit,
an order number, an email address, a code. Matched on text folded like the intents'."""

from __future__ import annotations

import re

from ..intents import Intent, fold

# The menu, in the order it is shown: a digit picks an intent, the last one a person.
MENU: tuple[Intent, ...] = (
    Intent.WHERE_IS_MY_ORDER,
    Intent.RETURN,
    Intent.DAMAGED,
    Intent.CHANGE_ADDRESS,
    Intent.PAYMENT,
)
PERSON_CHOICE = len(MENU) + 1

_PERSON = (
    r"\b(agent|human|person|representative|operator|real (person|people)|someone real|customer service)\b",
    r"\b(mitarbeiter|mitarbeiterin|mensch|menschen|person|berater|beraterin|kundendienst)\b",
    r"\b(un agent|un humain|une personne|un conseiller|une conseillere|quelqu'un|un operateur|service client)\b",
    r"\b(agente|humano|una persona|asesor|asesora|operador|alguien real)\b",
    r"担当者|オペレーター|人間|スタッフ|有人|人と話",
    r"人工|真人|转人工|客服人员|人工客服",
)
_PERSON_RE = re.compile("|".join(f"(?:{fold(p)})" for p in _PERSON))
_EMAIL_RE = re.compile(r"[^\s@<>()\[\],;:\"']+@[^\s@<>()\[\],;:\"']+\.[^\s@<>()\[\],;:\"']+")
_DIGIT_RE = re.compile(r"^\s*([0-9０-９])\s*[.)]?\s*$")
_CODE_RE = re.compile(r"\b(\d{6})\b")


def asks_for_person(text: str) -> bool:
    return bool(_PERSON_RE.search(fold(text)))


def menu_choice(text: str) -> int | None:
    """The number the customer typed alone (1 to the person choice), or None."""
    found = _DIGIT_RE.match(fold(text))
    if not found:
        return None
    number = int(found.group(1))
    return number if 1 <= number <= PERSON_CHOICE else None


def menu_intent(choice: int | None) -> Intent | None:
    return MENU[choice - 1] if choice is not None and choice <= len(MENU) else None


def email_in(text: str) -> str:
    found = _EMAIL_RE.search(text or "")
    return found.group(0).strip(".").lower()[:254] if found else ""


def order_number_in(text: str) -> str:
    """A word with a digit in a short answer (an order number such as SO-1001 or #4521), or ''."""
    words = [w.strip("#.,;:!?()[]\"'") for w in (text or "").split()]
    candidates = [w for w in words if any(ch.isdigit() for ch in w) and 3 <= len(w) <= 40]
    return candidates[0] if len(words) <= 12 and candidates else ""


def code_in(text: str) -> str:
    found = _CODE_RE.search(fold(text).replace(" ", ""))
    return found.group(1) if found else ""
