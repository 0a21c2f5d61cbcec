"""REST API shapes: one serializer for what a client sends, one for what it gets back.

Input serializers only check shape and types; business rules live in the services, whose
errors the views turn into HTTP answers (helpdesk.api.as_api_error).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import ResolvedComponent
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from helpdesk.money import quantize

from .models import (
    Attachment,
    Category,
    Channel,
    Customer,
    Message,
    MessageKind,
    Order,
    Priority,
    Status,
    Ticket,
)

User = get_user_model()

PRIORITY_NAMES: dict[int, str] = {p.value: p.name.lower() for p in Priority}
PRIORITY_VALUES: dict[str, int] = {name: value for value, name in PRIORITY_NAMES.items()}


class NamedChoiceField(serializers.ChoiceField):
    """A choice documented as its own named enum (TicketStatus, MessageKind, ...). Field names such as
    "status" or "kind" are used by other apps for other choices; shared names would collide."""

    def __init__(self, *, enum_name: str, **kwargs: Any) -> None:
        self.enum_name = enum_name
        super().__init__(**kwargs)


class NamedChoiceFieldExtension(OpenApiSerializerFieldExtension):
    target_class = NamedChoiceField
    match_subclasses = True

    def map_serializer_field(self, auto_schema: Any, direction: Any) -> dict[str, Any]:
        choices = self.target.choices
        schema = {
            "type": "string",
            "enum": [str(value) for value in choices],
            "description": "\n".join(f"* `{value}` - {label}" for value, label in choices.items()),
        }
        component = ResolvedComponent(
            name=self.target.enum_name, type=ResolvedComponent.SCHEMA, object=self.target.enum_name, schema=schema
        )
        auto_schema.registry.register_on_missing(component)
        return component.ref


class PriorityField(NamedChoiceField):
    """Priorities by name (low, normal, high, urgent) rather than the stored number."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=list(PRIORITY_VALUES), enum_name="TicketPriority", **kwargs)

    def to_internal_value(self, data: Any) -> int:
        return PRIORITY_VALUES[super().to_internal_value(data)]

    def to_representation(self, value: Any) -> str:
        return PRIORITY_NAMES.get(int(value), str(value))


# --- Customers -----------------------------------------------------------------------------


class CustomerSerializer(serializers.ModelSerializer):
    class Meta:
        model = Customer
        fields = [
            "id",
            "name",
            "email",
            "phone",
            "language",
            "country",
            "time_zone",
            "external_ids",
            "created_at",
        ]
        read_only_fields = fields


def _validate_country(value: str) -> str:
    value = (value or "").strip().upper()
    if value and not (len(value) == 2 and value.isalpha()):
        raise serializers.ValidationError(_("Enter a two-letter country code such as DE."))
    return value


class CustomerInputSerializer(serializers.Serializer):
    """Find a customer by email, or create them. Known customers keep their stored details."""

    email = serializers.CharField(max_length=254)
    name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    language = serializers.CharField(max_length=10, required=False, allow_blank=True, default="")
    country = serializers.CharField(max_length=2, required=False, allow_blank=True, default="")
    time_zone = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    external_ids = serializers.DictField(
        child=serializers.CharField(max_length=100),
        required=False,
        default=dict,
        help_text=_('Ids on store platforms, e.g. {"shopify": "123"}.'),
    )

    def validate_country(self, value: str) -> str:
        return _validate_country(value)


class InlineCustomerSerializer(serializers.Serializer):
    """The customer of a new ticket, given by their details instead of an id."""

    email = serializers.CharField(max_length=254)
    name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    language = serializers.CharField(max_length=10, required=False, allow_blank=True, default="")
    country = serializers.CharField(max_length=2, required=False, allow_blank=True, default="")

    def validate_country(self, value: str) -> str:
        return _validate_country(value)


class CustomerFilterSerializer(serializers.Serializer):
    email = serializers.CharField(required=False, help_text=_("Exact email address, any case."))
    country = serializers.CharField(required=False, max_length=2, help_text=_("ISO 3166 alpha-2 code."))
    external_id = serializers.RegexField(
        r"^[^:]+:.+$",
        required=False,
        help_text=_('An id on a store platform, as "platform:id", e.g. "shopify:123".'),
    )


# --- Orders --------------------------------------------------------------------------------


class CustomerSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Customer
        fields = ["id", "name", "email", "language", "country"]
        read_only_fields = fields


class OrderSerializer(serializers.ModelSerializer):
    total = serializers.SerializerMethodField(
        help_text=_("Decimal string in the currency's minor unit (JPY 0 places, EUR 2, KWD 3).")
    )

    class Meta:
        model = Order
        fields = [
            "id",
            "customer",
            "platform",
            "external_number",
            "currency",
            "total",
            "ship_to_country",
            "placed_at",
            "delivered_at",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.DECIMAL)
    def get_total(self, order: Order) -> str:
        try:
            return str(quantize(order.total, order.currency))
        except ValueError:  # a currency unknown to this version of the currency table
            return str(order.total)


class OrderInputSerializer(serializers.Serializer):
    customer = serializers.PrimaryKeyRelatedField(queryset=Customer.objects.all())
    platform = serializers.CharField(max_length=50, required=False, default="web")
    external_number = serializers.CharField(max_length=100)
    currency = serializers.CharField(max_length=3, help_text=_("ISO 4217 code, e.g. EUR."))
    total = serializers.DecimalField(
        max_digits=14,
        decimal_places=3,
        min_value=0,
        help_text=_('Decimal string with at most the currency\'s minor-unit places, e.g. JPY "1200".'),
    )
    ship_to_country = serializers.CharField(max_length=2, required=False, allow_blank=True, default="")
    placed_at = serializers.DateTimeField()

    def validate_ship_to_country(self, value: str) -> str:
        return _validate_country(value)


class OrderFilterSerializer(serializers.Serializer):
    customer = serializers.IntegerField(required=False, min_value=1)
    external_number = serializers.CharField(required=False)
    platform = serializers.CharField(required=False)


class OrderSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Order
        fields = ["id", "platform", "external_number", "currency"]
        read_only_fields = fields


# --- Tickets -------------------------------------------------------------------------------


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


class TicketDetailSerializer(TicketSerializer):
    missing_facts = serializers.SerializerMethodField(
        help_text=_("Keys of the category's required facts still to capture before the ticket can be solved.")
    )

    class Meta(TicketSerializer.Meta):
        fields = [*TicketSerializer.Meta.fields, "missing_facts"]
        read_only_fields = fields

    def get_missing_facts(self, ticket: Ticket) -> list[str]:
        from .services import missing_facts

        return [field.key for field in missing_facts(ticket)]


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
    language = serializers.CharField(max_length=10, required=False, allow_blank=True, default="")
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
    language = serializers.CharField(max_length=10)


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
    language = serializers.CharField(required=False)
    channel = serializers.ChoiceField(choices=Channel.choices, required=False)
    team = serializers.IntegerField(required=False, min_value=1)
    assignee = serializers.RegexField(
        r"^(\d+|none)$", required=False, help_text=_('A user id, or "none" for unassigned tickets.')
    )
    customer = serializers.IntegerField(required=False, min_value=1)
    order = serializers.IntegerField(required=False, min_value=1)
    updated_since = serializers.DateTimeField(required=False)


# --- Messages and attachments --------------------------------------------------------------


class AttachmentSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="original_name", read_only=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = ["id", "ticket", "message", "name", "content_type", "size", "sha256", "created_at", "download_url"]
        read_only_fields = fields

    def get_download_url(self, attachment: Attachment) -> str:
        url = reverse("tickets_api:attachment-download", args=[attachment.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url


class MessageSerializer(serializers.ModelSerializer):
    kind = NamedChoiceField(choices=MessageKind.choices, enum_name="MessageKind", read_only=True)
    channel = serializers.CharField(read_only=True, help_text=_("How a customer message arrived; empty for notes."))
    author = UserSummarySerializer(read_only=True, allow_null=True)
    attachments = AttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = Message
        fields = ["id", "ticket", "kind", "body", "author", "channel", "is_automatic", "created_at", "attachments"]
        read_only_fields = fields


class MessageInputSerializer(serializers.Serializer):
    kind = NamedChoiceField(
        choices=MessageKind.choices,
        enum_name="MessageKind",
        help_text=_(
            "reply: emailed to the customer; note: staff only; customer: a customer's message "
            "relayed by a platform (reopens a solved ticket, a closed one gets a follow-up)."
        ),
    )
    body = serializers.CharField()
    attachments = serializers.ListField(child=serializers.FileField(), required=False, default=list)
    set_pending = serializers.BooleanField(
        required=False, default=False, help_text=_("Replies only: wait on the customer after sending.")
    )
