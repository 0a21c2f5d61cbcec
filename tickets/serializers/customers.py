"""Customers and orders as the API shows them and takes them."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from helpdesk.money import quantize

from ..models import Customer, Order
from ..scope import through_visible_tickets
from .fields import DECIMAL_STRING, CountryField, LanguageField


def visible_customers(user: Any) -> QuerySet[Customer]:
    return through_visible_tickets(Customer.objects.all(), user, "customer")


def visible_orders(user: Any) -> QuerySet[Order]:
    return through_visible_tickets(Order.objects.all(), user, "order")


class VisibleCustomerField(serializers.PrimaryKeyRelatedField):
    """A customer id among those the caller may see (an unknown one and another team's read alike)."""

    def get_queryset(self) -> QuerySet[Customer]:
        request = self.context.get("request")
        return visible_customers(request.user) if request is not None else Customer.objects.none()


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


class CustomerInputSerializer(serializers.Serializer):
    """Find a customer by email, or create them. Known customers keep their stored details."""

    email = serializers.CharField(max_length=254)
    name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    language = LanguageField(required=False, allow_blank=True, default="")
    country = CountryField(required=False, allow_blank=True, default="")
    time_zone = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    external_ids = serializers.DictField(
        child=serializers.CharField(max_length=100),
        required=False,
        default=dict,
        help_text=_('Ids on store platforms, e.g. {"shopify": "123"}.'),
    )


class InlineCustomerSerializer(serializers.Serializer):
    """The customer of a new ticket, given by their details instead of an id."""

    email = serializers.CharField(max_length=254)
    name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    language = LanguageField(required=False, allow_blank=True, default="")
    country = CountryField(required=False, allow_blank=True, default="")


class CustomerFilterSerializer(serializers.Serializer):
    email = serializers.CharField(required=False, help_text=_("Exact email address, any case."))
    country = CountryField(required=False)
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

    @extend_schema_field(DECIMAL_STRING)
    def get_total(self, order: Order) -> str:
        try:
            return str(quantize(order.total, order.currency))
        except ValueError:  # a currency unknown to this version of the currency table
            return str(order.total)


class OrderInputSerializer(serializers.Serializer):
    customer = VisibleCustomerField(queryset=Customer.objects.all())
    platform = serializers.CharField(max_length=50, required=False, default="web")
    external_number = serializers.CharField(max_length=100)
    currency = serializers.CharField(max_length=3, help_text=_("ISO 4217 code, e.g. EUR."))
    total = serializers.DecimalField(
        max_digits=14,
        decimal_places=3,
        min_value=0,
        help_text=_('Decimal string with at most the currency\'s minor-unit places, e.g. JPY "1200".'),
    )
    ship_to_country = CountryField(
        required=False,
        allow_blank=True,
        default="",
        help_text=_("ISO 3166-1 alpha-2; the customer's country if empty."),
    )
    placed_at = serializers.DateTimeField()


class OrderFilterSerializer(serializers.Serializer):
    customer = serializers.IntegerField(required=False, min_value=1)
    external_number = serializers.CharField(required=False)
    platform = serializers.CharField(required=False)


class OrderSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Order
        fields = ["id", "platform", "external_number", "currency"]
        read_only_fields = fields
