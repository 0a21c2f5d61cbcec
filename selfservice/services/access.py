"""Who may see an order without an account: whoever holds the order's number, its email, and the
one-time code we sent to that email (or a signed link from one of our emails).

Unknown orders and wrong emails answer exactly as a match does; the code exists only for a match,
so no guess can ever open anything. Codes are stored hashed, work once, expire after CODE_MINUTES
and die after CODE_ATTEMPTS wrong tries."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from django.core import signing
from django.db import transaction
from django.db.models import QuerySet
from django.utils.crypto import constant_time_compare, salted_hmac

from tickets.models import Customer, Order
from tickets.services.email import email_queue

from ..models import AccessCode

CODE_MINUTES = 10
CODE_ATTEMPTS = 5
LINK_MAX_AGE = 30 * 24 * 3600
_HASH_SALT = "selfservice.code"
_LINK_SALT = "selfservice.order-link"
_REQUESTS_LINK_SALT = "selfservice.requests-link"


def clean_number(number: str) -> str:
    return " ".join((number or "").split())[:100]


def clean_email(email: str) -> str:
    return (email or "").strip().lower()[:254]


def _hash(code: str, salt: str) -> str:
    return f"{salt}${salted_hmac(_HASH_SALT, f'{salt}:{code}', algorithm='sha256').hexdigest()}"


def _matches(code: str, stored: str) -> bool:
    salt, _sep, _digest = stored.partition("$")
    return constant_time_compare(_hash(code, salt), stored)


def find_order(*, order_number: str, email: str) -> Order | None:
    number, address = clean_number(order_number), clean_email(email)
    if not number or not address:
        return None
    return (
        Order.objects.select_related("customer")
        .filter(external_number__iexact=number, customer__email__iexact=address)
        .order_by("-placed_at")
        .first()
    )


def _issue(*, customer: Customer, email: str, now: datetime, order: Order | None, number: str = "") -> str:
    """A new code for these keys (the earlier ones stop working); the code itself, to send."""
    AccessCode.objects.filter(
        email=email, order_number__iexact=number, order__isnull=order is None, used_at__isnull=True
    ).update(used_at=now)
    code = f"{secrets.randbelow(10**6):06d}"
    AccessCode.objects.create(
        customer=customer,
        order=order,
        order_number=number,
        email=email,
        code_hash=_hash(code, secrets.token_hex(8)),
        created_at=now,
        expires_at=now + timedelta(minutes=CODE_MINUTES),
    )
    return code


def _check(codes: QuerySet[AccessCode], code: str, now: datetime) -> AccessCode | None:
    """The latest live code of `codes` when `code` is it; every try counts, a right one uses it up."""
    row = codes.select_for_update().filter(used_at__isnull=True).order_by("-created_at", "-id").first()
    if row is None or row.expires_at <= now or row.attempts >= CODE_ATTEMPTS:
        return None
    row.attempts += 1
    given = "".join((code or "").split())
    if given.isdigit() and len(given) == 6 and _matches(given, row.code_hash):
        row.used_at = now
        row.save(update_fields=["attempts", "used_at"])
        return row
    row.save(update_fields=["attempts"])
    return None


@transaction.atomic
def code_request(*, order_number: str, email: str, language: str, now: datetime) -> None:
    """Send a code when the order is this email's; say nothing either way."""
    order = find_order(order_number=order_number, email=email)
    if order is None:
        return
    customer = order.customer
    code = _issue(customer=customer, email=clean_email(email), now=now, order=order, number=clean_number(order_number))
    email_queue(
        key=f"selfservice-code:{secrets.token_hex(12)}",
        to=customer.email,
        template="selfservice/code",
        context={"customer": customer, "order": order, "code": code, "minutes": CODE_MINUTES},
        language=language,
        time_zone=customer.time_zone,
    )


@transaction.atomic
def code_verify(*, order_number: str, email: str, code: str, now: datetime) -> Order | None:
    """The order when `code` is the latest live code of this order number and email."""
    codes = AccessCode.objects.filter(
        email=clean_email(email), order_number__iexact=clean_number(order_number), order__isnull=False
    )
    row = _check(codes, code, now)
    return None if row is None else Order.objects.select_related("customer").get(pk=row.order_id or 0)


@transaction.atomic
def requests_code_request(*, email: str, language: str, now: datetime) -> None:
    """Send a code to open the requests of the customer with this email, when there is one with a
    request; say nothing either way."""
    address = clean_email(email)
    customer = Customer.objects.filter(email__iexact=address).first() if address else None
    if customer is None or not customer.tickets.exists():
        return
    code = _issue(customer=customer, email=address, now=now, order=None)
    email_queue(
        key=f"selfservice-requests-code:{secrets.token_hex(12)}",
        to=customer.email,
        template="selfservice/requests_code",
        context={"customer": customer, "code": code, "minutes": CODE_MINUTES},
        language=language,
        time_zone=customer.time_zone,
    )


@transaction.atomic
def requests_code_verify(*, email: str, code: str, now: datetime) -> Customer | None:
    row = _check(AccessCode.objects.filter(email=clean_email(email), order__isnull=True), code, now)
    return None if row is None else Customer.objects.get(pk=row.customer_id)


def order_link_token(*, order: Order) -> str:
    """A token for a link in our emails that opens the order page without a code."""
    return signing.dumps({"o": order.pk, "e": clean_email(order.customer.email)}, salt=_LINK_SALT, compress=True)


def order_link_open(*, token: str, max_age: int = LINK_MAX_AGE) -> Order | None:
    """The order of a valid, unexpired link whose email is still the order's customer's."""
    try:
        data = signing.loads(token, salt=_LINK_SALT, max_age=max_age)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("o"), int):
        return None
    order = Order.objects.select_related("customer").filter(pk=data["o"]).first()
    if order is None or not order.customer.email or clean_email(order.customer.email) != data.get("e"):
        return None
    return order


def requests_link_token(*, customer: Customer) -> str:
    """A token for a link in our emails that opens the customer's requests without a code."""
    return signing.dumps({"c": customer.pk, "e": clean_email(customer.email)}, salt=_REQUESTS_LINK_SALT, compress=True)


def requests_link_open(*, token: str, max_age: int = LINK_MAX_AGE) -> Customer | None:
    """The customer of a valid, unexpired link whose email is still theirs."""
    try:
        data = signing.loads(token, salt=_REQUESTS_LINK_SALT, max_age=max_age)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("c"), int):
        return None
    customer = Customer.objects.filter(pk=data["c"]).first()
    if customer is None or not customer.email or clean_email(customer.email) != data.get("e"):
        return None
    return customer
