"""Tickets as the API lists and shows them, and what a client may send to open or change one."""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ..models import Category, Channel, Priority, Status, Ticket
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

    def to_representation(self, ticket: Ticket) -> dict[str, Any]:
        """The fields above, read straight from the joined row: a list of tickets is the API's hottest
        answer, and DRF's field-by-field walk cost most of it. The nested parts and formats are the
        declared fields' own (a test compares this with DRF's generic output)."""
        zone = timezone.get_current_timezone()
        customer, order, assignee, category = ticket.customer, ticket.order, ticket.assignee, ticket.category
        return {
            "id": ticket.pk,
            "reference": ticket.reference,
            "subject": ticket.subject,
            "status": ticket.status,
            "priority": PRIORITY_NAMES.get(int(ticket.priority), str(ticket.priority)),
            "category": category.slug if category is not None else None,
            "team": ticket.team.slug,
            "assignee": None
            if assignee is None
            else {
                "id": assignee.pk,
                "username": assignee.get_username(),
                "name": assignee.get_full_name() or assignee.get_username(),
            },
            "customer": {
                "id": customer.pk,
                "name": customer.name,
                "email": customer.email,
                "language": customer.language,
                "country": customer.country,
            },
            "order": None
            if order is None
            else {
                "id": order.pk,
                "platform": order.platform,
                "external_number": order.external_number,
                "currency": order.currency,
            },
            "channel": ticket.channel,
            "language": ticket.language,
            "facts": ticket.facts,
            "follow_up_of": ticket.follow_up_of_id,
            "merged_into": ticket.merged_into_id,
            **{name: _iso(value, zone) if (value := getattr(ticket, name)) else None for name in _TIMES},
        }


def _iso(value: datetime, zone: tzinfo) -> str:
    """As DRF's DateTimeField writes a time: ISO 8601 in the current time zone, UTC as "Z"."""
    text = value.astimezone(zone).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


_TIMES = ("created_at", "updated_at", "last_activity_at", "first_response_at", "solved_at", "closed_at")


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

    def to_representation(self, ticket: Ticket) -> dict[str, Any]:
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
