"""What the assistant says, in English here and translated in each language's catalogue. Each
function is called under `translation.override(<the ticket's language>)`."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from ..intents import Intent
from ..models import HandoverReason
from .words import MENU, PERSON_CHOICE


def intent_label(intent: str) -> str:
    labels: dict[str, str] = {
        Intent.WHERE_IS_MY_ORDER: pgettext("assistant menu", "Where is my order"),
        Intent.RETURN: pgettext("assistant menu", "Return or refund"),
        Intent.DAMAGED: pgettext("assistant menu", "Damaged or wrong item"),
        Intent.CHANGE_ADDRESS: pgettext("assistant menu", "Change the delivery address"),
        Intent.PAYMENT: pgettext("assistant menu", "Payment question"),
    }
    return str(labels.get(intent, intent))


def menu() -> str:
    lines = [f"{number}. {intent_label(intent)}" for number, intent in enumerate(MENU, start=1)]
    lines.append(f"{PERSON_CHOICE}. {pgettext('assistant menu', 'Talk to a person')}")
    return "\n".join(lines)


def greeting() -> str:
    intro = _("Hello! I am the shop's automatic assistant. What can I help you with? Reply with a number:")
    return f"{intro}\n{menu()}"


def not_understood() -> str:
    return f"{_('Sorry, I did not understand. Reply with a number:')}\n{menu()}"


def anything_else() -> str:
    return _("Can I help with anything else? Reply with a number, or %(person)d to talk to a person.") % {
        "person": PERSON_CHOICE
    }


def ask_order_number(again: bool = False) -> str:
    if again:
        return _("I could not read an order number. Please type it as it appears on your order confirmation.")
    return _("Which order is it? Please type the order number from your order confirmation.")


def ask_email(again: bool = False) -> str:
    if again:
        return _("That does not look like an email address. Please type the email address you used for this order.")
    return _("Thank you. Which email address did you use for this order?")


def code_sent(number: str) -> str:
    return _(
        "If order %(number)s was placed with this email address, we have just sent a 6-digit code to it. "
        "Please type the code here."
    ) % {"number": number}


def code_wrong() -> str:
    return _("This code is not right or has expired. Please check the email and type the code again.")


def order_verified(number: str) -> str:
    return _("Thank you, order %(number)s is verified.") % {"number": number}


def order_news(number: str) -> str:
    return _("Here is the latest news of the delivery of order %(number)s:") % {"number": number}


def nothing_sent_yet(number: str) -> str:
    return _("Order %(number)s has not been sent yet. We will tell you as soon as it leaves our warehouse.") % {
        "number": number
    }


def order_page(link: str) -> str:
    return f"{_('Follow the delivery step by step on your order page:')}\n{link}"


def article(title: str, excerpt: str, link: str) -> str:
    intro = _("This article of our help centre should answer your question:")
    return "\n".join(part for part in (intro, title, excerpt, link) if part)


def offer_person() -> str:
    return _("If it does not answer your question, reply %(person)d to talk to a person.") % {"person": PERSON_CHOICE}


def complaint_intro() -> str:
    return _("I am sorry to hear that. I will note the details for our team.")


def ask_fact(label: str) -> str:
    return _("Please tell me: %(fact)s") % {"fact": label}


def ask_photo(label: str) -> str:
    return _("Please send a photo of the problem here (%(fact)s).") % {"fact": label}


def fact_refused(error: str, label: str) -> str:
    return _("%(error)s Please try again: %(fact)s") % {"error": error, "fact": label}


def handover(reason: str) -> str:
    texts = {
        HandoverReason.REQUESTED: _(
            "Of course. A person from our team will answer you here as soon as possible. "
            "They will see what you have told me."
        ),
        HandoverReason.NOT_UNDERSTOOD: _(
            "I am sorry I could not help. A person from our team will answer you here as soon as possible."
        ),
        HandoverReason.COMPLAINT: _(
            "Thank you, I have noted everything our team needs. A person will answer you here as soon as possible."
        ),
        HandoverReason.NOT_VERIFIED: _(
            "I could not verify this order. A person from our team will answer you here as soon as possible."
        ),
        HandoverReason.NO_ANSWER: _("A person from our team will answer your question here as soon as possible."),
    }
    return texts.get(HandoverReason(reason), "")
