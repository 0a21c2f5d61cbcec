"""Tickets as the API lists and shows them, and what a client may send to open or change one."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, tzinfo
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ..models import Category, Channel, Priority, Status, Ticket, format_reference
from .customers import CustomerSummarySerializer, InlineCustomerSerializer, OrderSummarySerializer
from .fields import PRIORITY_NAMES, LanguageField, NamedChoiceField, PriorityField

User = get_user_model()


class UserSummarySerializer(serializers.ModelSerializer):
    name = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "username", "name"]
        read_only_fields = fields

    def get_name(self, user: Any) -> str:
        return user.get_full_name() or user.get_username()


class TicketSerializer(serializers.ModelSerializer):
    """A ticket as listed: everything comes from one joined query (no per-row lookups)."""

    reference = serializers.CharField(read_only=True)
    status = NamedChoiceField(choices=Status.choices, enum_name="TicketStatus", read_only=True)
    priority = PriorityField(read_only=True)
    channel = NamedChoiceField(choices=Channel.choices, enum_name="TicketChannel", read_only=True)
    category = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    team = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    assignee = UserSummarySerializer(read_only=True, allow_null=True)
    customer = CustomerSummarySerializer(read_only=True)
    order = OrderSummarySerializer(read_only=True, allow_null=True)

    class Meta:
        model = Ticket
        fields = [
            "id",
            "reference",
            "subject",
            "status",
            "priority",
            "category",
            "team",
            "assignee",
            "customer",
            "order",
            "channel",
            "language",
            "facts",
            "follow_up_of",
            "merged_into",
            "created_at",
            "updated_at",
            "last_activity_at",
            "first_response_at",
            "solved_at",
            "closed_at",
        ]
        read_only_fields = fields

    def to_representation(self, ticket: Ticket | Mapping[str, Any]) -> dict[str, Any]:
        """The fields above, from a row of LIST_COLUMNS (the list reads its page as such rows) or from a
        ticket loaded with its relations. A list of tickets is the API's hottest answer, and DRF's
        field-by-field walk cost most of it; the nested parts and formats are the declared fields' own
        (a test compares this with DRF's generic output)."""
        row = ticket if isinstance(ticket, Mapping) else _row_of(ticket)
        zone = timezone.get_current_timezone()
        username = row["assignee__username"]
        full_name = f"{row['assignee__first_name']} {row['assignee__last_name']}".strip()
        return {
            "id": row["id"],
            "reference": format_reference(row["id"]),
            "subject": row["subject"],
            "status": row["status"],
            "priority": PRIORITY_NAMES.get(int(row["priority"]), str(row["priority"])),
            "category": row["category__slug"],
            "team": row["team__slug"],
            "assignee": None
            if row["assignee_id"] is None
            else {"id": row["assignee_id"], "username": username, "name": full_name or username},
            "customer": {name: row[f"customer__{name}"] for name in _CUSTOMER},
            "order": None if row["order_id"] is None else {name: row[f"order__{name}"] for name in _ORDER},
            "channel": row["channel"],
            "language": row["language"],
            "facts": row["facts"],
            "follow_up_of": row["follow_up_of_id"],
            "merged_into": row["merged_into_id"],
            **{name: _iso(value, zone) if (value := row[name]) else None for name in _TIMES},
        }


def _iso(value: datetime, zone: tzinfo) -> str:
    """As DRF's DateTimeField writes a time: ISO 8601 in the current time zone, UTC as "Z"."""
    text = value.astimezone(zone).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


_TIMES = ("created_at", "updated_at", "last_activity_at", "first_response_at", "solved_at", "closed_at")
_CUSTOMER = ("id", "name", "email", "language", "country")
_ORDER = ("id", "platform", "external_number", "currency")
_ASSIGNEE = ("username", "first_name", "last_name")
_PLAIN = ("id", "subject", "status", "priority", "channel", "language", "facts", "follow_up_of_id", "merged_into_id")
# A listed ticket as one row of plain values (queryset.values(*LIST_COLUMNS)): no model instances.
LIST_COLUMNS = (
    *_PLAIN,
    *_TIMES,
    "category__slug",
    "team__slug",
    "assignee_id",
    *(f"assignee__{name}" for name in _ASSIGNEE),
    *(f"customer__{name}" for name in _CUSTOMER),
    "order_id",
    *(f"order__{name}" for name in _ORDER),
)


def _row_of(ticket: Ticket) -> dict[str, Any]:
    """The LIST_COLUMNS row of a ticket loaded with its relations."""
    row = {name: getattr(ticket, name) for name in (*_PLAIN, *_TIMES)}
    related = {"assignee": _ASSIGNEE, "customer": _CUSTOMER, "order": _ORDER}
    for relation, names in related.items():
        instance = getattr(ticket, relation)
        row.update({f"{relation}__{name}": getattr(instance, name, None) for name in names})
    row["assignee_id"], row["order_id"] = ticket.assignee_id, ticket.order_id
    row["category__slug"] = ticket.category.slug if ticket.category is not None else None
    row["team__slug"] = ticket.team.slug
    return row


class TicketDetailSerializer(TicketSerializer):
    missing_facts = serializers.SerializerMethodField(
        help_text=_("Keys of the category's required facts still to capture before the ticket can be solved.")
    )

    class Meta(TicketSerializer.Meta):
        fields = [*TicketSerializer.Meta.fields, "missing_facts"]
        read_only_fields = fields

    def get_missing_facts(self, ticket: Ticket) -> list[str]:
        from ..services import missing_facts

        return [field.key for field in missing_facts(ticket)]

    def to_representation(self, ticket: Ticket | Mapping[str, Any]) -> dict[str, Any]:
        assert isinstance(ticket, Ticket), "a ticket's detail is written from the ticket itself"
        return {**super().to_representation(ticket), "missing_facts": self.get_missing_facts(ticket)}


def _active_categories() -> Any:
    return Category.objects.filter(is_active=True)


class TicketCreateSerializer(serializers.Serializer):
    """A store platform opens a ticket for a customer, given by id or by their details."""

    customer_id = serializers.IntegerField(required=False, min_value=1)
    customer = InlineCustomerSerializer(required=False)
    order_id = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    category = serializers.SlugRelatedField(
        slug_field="slug", queryset=_active_categories(), required=False, allow_null=True
    )
    subject = serializers.CharField(max_length=255)
    body = serializers.CharField()
    priority = PriorityField(required=False, default=Priority.NORMAL)
    language = LanguageField(
        required=False,
        allow_blank=True,
        default="",
        help_text=_(
            "The ticket's language: one of en, zh-hans, de, fr, es, ja, or a regional variant of one; "
            "empty to take the customer's or detect it."
        ),
    )
    acknowledge = serializers.BooleanField(
        required=False, default=True, help_text=_("Email the customer an acknowledgement with the ticket reference.")
    )
    attachments = serializers.ListField(child=serializers.FileField(), required=False, default=list)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if ("customer_id" in attrs) == ("customer" in attrs):
            raise serializers.ValidationError(
                {"customer": [_("Give either customer_id or customer (email, name, language, country).")]}
            )
        return attrs


class TicketUpdateSerializer(serializers.Serializer):
    """The only fields a client may change; each goes through its service and is recorded."""

    status = NamedChoiceField(
        choices=Status.choices,
        enum_name="TicketStatus",
        help_text=_("open, pending, solved or closed; new cannot be set by hand."),
    )
    priority = PriorityField()
    category = serializers.SlugRelatedField(slug_field="slug", queryset=_active_categories(), allow_null=True)
    assignee = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True), allow_null=True)
    language = LanguageField()


class TicketFactsSerializer(serializers.Serializer):
    facts = serializers.DictField(
        child=serializers.JSONField(allow_null=True),
        help_text=_(
            'Facts by key, e.g. {"tracking_number": "LX123", "ship_date": "2026-11-01"}; '
            'an empty value clears a fact. Money facts are {"amount": "12.50", "currency": "EUR"}.'
        ),
    )


class TicketFilterSerializer(serializers.Serializer):
    status = serializers.MultipleChoiceField(choices=Status.choices, required=False)
    category = serializers.SlugField(required=False, help_text=_("Category slug."))
    priority = PriorityField(required=False)
    language = LanguageField(required=False)
    channel = serializers.ChoiceField(choices=Channel.choices, required=False)
    team = serializers.IntegerField(required=False, min_value=1)
    assignee = serializers.RegexField(
        r"^(\d+|none)$", required=False, help_text=_('A user id, or "none" for unassigned tickets.')
    )
    customer = serializers.IntegerField(required=False, min_value=1)
    order = serializers.IntegerField(required=False, min_value=1)
    updated_since = serializers.DateTimeField(required=False)
