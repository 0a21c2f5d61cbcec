"""Customers: found or created by whichever identity they wrote with, merged, their orders; and their
care, how a customer's standing changes the handling of their new tickets."""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Exists, ForeignObjectRel, OuterRef, Q, UniqueConstraint
from django.utils.translation import gettext as _

from helpdesk import roles
from helpdesk.errors import ServiceError
from helpdesk.language import normalise_language
from workspace.audit import audit_record

from ..history import TicketEventKind, ticket_events_record
from ..models import Customer, Order, Priority, Ticket, Tier

__all__ = [
    "Care",
    "care_for",
    "cares_for",
    "customer_find",
    "customer_get_or_create",
    "customer_merge",
    "customers_care_set",
    "meets_tier",
    "normalise_language",
    "order_create",
    "raised_priority",
    "tighter_first_response",
]


def _clean_email(email: str) -> str:
    email = (email or "").strip()
    try:
        validate_email(email)
    except ValidationError:
        raise ServiceError(_("Enter a valid email address."), field="email") from None
    return email


_APP_KEY = re.compile(r"^[a-z][a-z0-9_]{0,29}$")


def _clean_phone(phone: str) -> str:
    """A phone number as one string of digits with its leading +, so one number is one customer."""
    phone = (phone or "").strip()
    if not phone:
        return ""
    digits = re.sub(r"[\s().\-/]", "", phone)
    if not re.fullmatch(r"\+?\d{6,15}", digits):
        raise ServiceError(_("Enter a valid phone number."), field="phone")
    return digits


def _clean_ids(external_ids: dict[str, Any] | None) -> dict[str, Any]:
    return {str(key): value for key, value in (external_ids or {}).items() if value not in (None, "")}


def _known(email: str, phone: str, ids: dict[str, str]) -> Customer | None:
    """Whoever the strongest identity given belongs to: the email when there is one, else the phone,
    else an app id. A weaker one never overrides a stronger one, so a stranger who gives someone
    else's phone number with their own email address is not taken for them."""
    if email:
        return Customer.objects.filter(email__iexact=email).first()
    if phone:
        return Customer.objects.filter(phone=phone).order_by("pk").first()
    for key, value in ids.items():
        if (
            _APP_KEY.match(key)
            and isinstance(value, str | int)
            and (found := Customer.objects.filter(**{f"external_ids__{key}": value}).order_by("pk").first())
        ):
            return found
    return None


def _learn(customer: Customer, phone: str, ids: dict[str, str], country: str) -> None:
    """What a known customer tells us anew by another channel is added; what we knew stays."""
    changes: dict[str, Any] = {}
    if phone and not customer.phone:
        changes["phone"] = phone
    merged = {**customer.external_ids, **ids}
    if merged != customer.external_ids:
        changes["external_ids"] = merged
    if country and not customer.country:
        changes["country"] = country
    if changes:
        for field, value in changes.items():
            setattr(customer, field, value)
        customer.save(update_fields=list(changes))


def customer_get_or_create(
    *,
    email: str = "",
    phone: str = "",
    name: str = "",
    language: str | None = None,
    country: str = "",
    time_zone: str = "",
    external_ids: dict[str, Any] | None = None,
) -> Customer:
    """The customer known by this email (any case), phone or app/platform id, whichever channel they
    wrote by; created when new. Known fields are not overwritten; a new identity is added."""
    email = _clean_email(email) if (email or "").strip() or not (phone or external_ids) else ""
    phone = _clean_phone(phone)
    ids = _clean_ids(external_ids)
    if not (email or phone or ids):
        raise ServiceError(_("Enter a valid email address."), field="email")
    country = (country or "").strip().upper()[:2]
    if time_zone:
        try:
            zoneinfo.ZoneInfo(time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ServiceError(_("Unknown time zone."), field="time_zone") from None
    existing = _known(email, phone, ids)
    if existing is not None:
        _learn(existing, phone, ids, country)
        return existing
    fallback_name = email.split("@")[0] if email else phone or str(next(iter(ids.values())))
    try:
        with transaction.atomic():
            return Customer.objects.create(
                email=email,
                phone=phone,
                name=" ".join((name or "").split())[:200] or fallback_name,
                language=normalise_language(language),
                country=country,
                time_zone=time_zone or "UTC",
                external_ids=ids,
            )
    except IntegrityError:  # created meanwhile by a concurrent request
        found = _known(email, phone, ids)
        if found is None:
            raise
        return found


def customer_find(identity: str) -> Customer | None:
    """The customer known by this email address (any case) or phone number, or None."""
    identity = (identity or "").strip()
    if "@" in identity:
        return Customer.objects.filter(email__iexact=identity).first()
    try:
        phone = _clean_phone(identity)
    except ServiceError:
        return None
    return Customer.objects.filter(phone=phone).order_by("pk").first() if phone else None


def _label(customer: Customer) -> str:
    return f"{customer.name} <{customer.email or customer.phone or customer.pk}>"


@transaction.atomic
def _move_relation(model: Any, name: str, source: Customer, target: Customer) -> None:
    """Point `model`'s rows from `source` to `target`. A row the target already has the like of, where only
    one may exist (a membership of the same segment), is dropped; a clash on a rule with a condition (one
    pending erasure request) refuses the merge."""
    rows = model._default_manager.filter(**{name: source})
    for constraint in model._meta.constraints:
        if not isinstance(constraint, UniqueConstraint) or constraint.condition is not None:
            continue
        others = [f for f in constraint.fields if f != name]
        if name in constraint.fields and others:
            held = model._default_manager.filter(**{name: target}, **{f: OuterRef(f) for f in others})
            rows.filter(Exists(held)).delete()
    try:
        with transaction.atomic():
            rows.update(**{name: target})
    except IntegrityError:
        raise ServiceError(
            _("Both customers have what a person may have only one of (%(what)s): settle one before merging.")
            % {"what": model._meta.verbose_name}
        ) from None


def customer_merge(*, source: Customer, target: Customer, actor: Any) -> Customer:
    """Two records of one person (a WhatsApp number and the email they shop with) become one.
    Everything that points at `source` (tickets, orders, compensation requests: every relation to
    customers, whichever app holds it) moves to `target`, which learns the email, phone and app ids
    it lacked (its own win where both have one); each moved ticket records the merge in its history,
    its earlier events kept; the audit trail records who merged whom; `source` is then deleted."""
    roles.require(actor, roles.WORK_TICKETS)
    if source.pk == target.pk:
        raise ServiceError(_("A customer cannot be merged into itself."))
    locked = {
        c.pk: c for c in Customer.objects.select_for_update().filter(pk__in=[source.pk, target.pk]).order_by("pk")
    }
    if len(locked) != 2:
        raise ServiceError(_("This customer no longer exists."))
    source, target = locked[source.pk], locked[target.pk]
    ticket_ids = list(Ticket.objects.filter(customer=source).values_list("pk", flat=True))
    # Hidden relations (related_name="+") too: a callback planned for them follows the person.
    for relation in Customer._meta.get_fields(include_hidden=True):
        if isinstance(relation, ForeignObjectRel) and relation.one_to_many:
            reverse: Any = relation  # a reverse relation: .field is the other model's foreign key
            _move_relation(reverse.related_model, reverse.field.name, source, target)
    old_label, source_email = _label(source), source.email
    changes: dict[str, Any] = {"external_ids": {**source.external_ids, **target.external_ids}}
    # Until the app that keeps it works it out again, the person has the care either record had.
    changes.update(_care_of(source).combine(_care_of(target)).as_fields())
    if source.phone and not target.phone:
        changes["phone"] = source.phone
    if source_email and not target.email:
        source.email = ""  # the address is unique: freed before the target takes it
        source.save(update_fields=["email"])
        changes["email"] = source_email
    for field, value in changes.items():
        setattr(target, field, value)
    target.save(update_fields=list(changes))
    ticket_events_record((pk, TicketEventKind.CUSTOMER_MERGED, old_label, _label(target)) for pk in ticket_ids)
    audit_record(
        action="customer_merged",
        actor=actor,
        target=target,
        merged=old_label,
        merged_id=source.pk,
        tickets=len(ticket_ids),
    )
    source.delete()
    return target


def _money(amount: Any, currency: str) -> tuple[Decimal, str]:
    from helpdesk.money import currency_exponent

    currency = (currency or "").strip().upper()
    exponent = currency_exponent(currency)
    if exponent is None:
        raise ServiceError(_("Unknown currency code."), field="currency")
    try:
        value = Decimal(str(amount))
    except (InvalidOperation, ValueError):
        raise ServiceError(_("Enter a valid amount."), field="total") from None
    if not value.is_finite() or value < 0:
        raise ServiceError(_("Enter a valid amount."), field="total")
    if value != value.quantize(Decimal(1).scaleb(-exponent)):
        raise ServiceError(
            _("%(currency)s amounts have at most %(places)d decimal places.")
            % {"currency": currency, "places": exponent},
            field="total",
        )
    return value, currency


@transaction.atomic
def order_create(
    *,
    customer: Customer,
    external_number: str,
    currency: str,
    total: Any,
    placed_at: datetime,
    platform: str = "web",
    ship_to_country: str = "",
) -> Order:
    external_number = (external_number or "").strip()
    if not external_number:
        raise ServiceError(_("The order number is required."), field="external_number")
    value, currency = _money(total, currency)
    if Order.objects.filter(platform=platform, external_number=external_number).exists():
        raise ServiceError(_("This order already exists."), field="external_number")
    return Order.objects.create(
        customer=customer,
        platform=platform,
        external_number=external_number,
        currency=currency,
        total=value,
        placed_at=placed_at,
        ship_to_country=(ship_to_country or customer.country).upper()[:2],
    )


# --- Customer care: how a customer's standing changes the handling of their new tickets, without tickets
# knowing why. An app above tickets (insights: segments) works it out when the standing changes and
# stores it with the customer (`customers_care_set`); the intake, the SLA targets, routing and the chat
# queue read it with the customer (`care_for`, `cares_for`: one query). Several reasons combine (`Care.combine`):
# the largest priority bump, the tightest first-response target and the most senior tier win.

TIER_RANK: dict[str, int] = {Tier.L1.value: 1, Tier.L2.value: 2, Tier.L3.value: 3}
_CARE_BATCH = 5000
_CARE_FIELDS = ("care_priority_bump", "care_first_response_minutes", "care_min_tier", "care_queue_rank")


@dataclass(frozen=True)
class Care:
    priority_bump: int = 0  # steps above the priority the ticket arrived with (capped at Urgent)
    first_response_minutes: int | None = None  # a tighter first-response target, if any
    min_tier: str = ""  # "L2" or "L3": give the ticket to an agent of that tier or above when one is on shift
    queue_rank: int = 0  # higher comes first where customers queue to talk to a person (the chat)

    def combine(self, other: Care) -> Care:
        minutes = [m for m in (self.first_response_minutes, other.first_response_minutes) if m]
        return Care(
            priority_bump=max(self.priority_bump, other.priority_bump),
            first_response_minutes=min(minutes) if minutes else None,
            min_tier=max((self.min_tier, other.min_tier), key=lambda t: TIER_RANK.get(t, 0)),
            queue_rank=max(self.queue_rank, other.queue_rank),
        )

    def as_fields(self) -> dict[str, Any]:
        values = (max(0, self.priority_bump), self.first_response_minutes or None, self.min_tier, self.queue_rank)
        return dict(zip(_CARE_FIELDS, values, strict=True))


NO_CARE = Care()


def cares_for(customer_ids: Iterable[int]) -> dict[int, Care]:
    """The care of each customer, by id (NO_CARE for an unknown one): one query however many."""
    ids = set(customer_ids)
    cares = dict.fromkeys(ids, NO_CARE)
    for pk, *values in Customer.objects.filter(pk__in=ids).values_list("pk", *_CARE_FIELDS):
        cares[pk] = Care(*values)
    return cares


def _care_of(customer: Customer) -> Care:
    return Care(*(getattr(customer, name) for name in _CARE_FIELDS))


def care_for(customer_id: int) -> Care:
    return cares_for([customer_id])[customer_id]


def customers_care_set(cares: dict[int, Care]) -> int:
    """Store the care of each customer given (NO_CARE: their standing asks nothing), as the app that knows
    their standing worked it out: one UPDATE per distinct care, those already right untouched.
    Returns the number of customers whose care changed."""
    by_care: dict[Care, list[int]] = {}
    for customer_id, care in cares.items():
        by_care.setdefault(care, []).append(customer_id)
    changed = 0
    for care, ids in by_care.items():
        fields = care.as_fields()
        minutes = fields["care_first_response_minutes"]
        same = Q(**{name: value for name, value in fields.items() if value is not None}) & (
            Q() if minutes is not None else Q(care_first_response_minutes__isnull=True)
        )
        ids.sort()
        for start in range(0, len(ids), _CARE_BATCH):
            chunk = ids[start : start + _CARE_BATCH]
            changed += Customer.objects.filter(pk__in=chunk).exclude(same).update(**fields)
    return changed


def raised_priority(priority: int, care: Care) -> int:
    return min(int(Priority.URGENT), int(priority) + max(0, care.priority_bump))


def tighter_first_response(minutes: int, care: Care) -> int:
    return min(minutes, care.first_response_minutes) if care.first_response_minutes else minutes


def meets_tier(tier: str, care: Care) -> bool:
    return TIER_RANK.get(tier, 0) >= TIER_RANK.get(care.min_tier, 0)
