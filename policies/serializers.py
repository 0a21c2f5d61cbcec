from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from rest_framework import serializers

from .models import CompensationRequest, CouponType, Kind, MessageMode, Reason, RequestState


class InlineChoiceField(serializers.ChoiceField):
    """A choice whose OpenAPI enum stays inline: names like "kind" or "state" are used by other
    apps with other choices, and shared enum components would collide."""


class InlineChoiceFieldExtension(OpenApiSerializerFieldExtension):
    target_class = InlineChoiceField

    def map_serializer_field(self, auto_schema: Any, direction: Any) -> dict[str, Any]:
        values = [str(value) for value in self.target.choices]
        if getattr(self.target, "allow_blank", False):
            values.append("")
        return {"type": "string", "enum": values}


class CompensationRequestInputSerializer(serializers.Serializer):
    """Amounts travel as strings ("12.50", "5000"): the service checks them against the
    currency's minor unit, so JPY "10.5" is refused with a clear message, not rounded."""

    ticket = serializers.IntegerField()
    kind = InlineChoiceField(choices=Kind.choices)
    amount = serializers.CharField(required=False, allow_blank=True, max_length=30)
    currency = serializers.CharField(required=False, allow_blank=True, max_length=3)
    reason = InlineChoiceField(choices=Reason.choices, required=False, allow_blank=True)
    reason_detail = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    items = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    description = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    coupon_type = InlineChoiceField(choices=CouponType.choices, required=False, allow_blank=True)
    coupon_percent = serializers.CharField(required=False, allow_blank=True, max_length=10)
    coupon_valid_until = serializers.DateField(required=False, allow_null=True)
    is_exchange = serializers.BooleanField(required=False, default=False)
    customer_pays_return_shipping = serializers.BooleanField(required=False, default=False)
    message_mode = InlineChoiceField(choices=MessageMode.choices, required=False, default=MessageMode.NOTE)
    message = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class DecisionInputSerializer(serializers.Serializer):
    comment = serializers.CharField(max_length=2000, allow_blank=True)


class CompensationRequestSerializer(serializers.ModelSerializer):
    kind = InlineChoiceField(choices=Kind.choices, read_only=True)
    state = InlineChoiceField(choices=RequestState.choices, read_only=True)
    reason = InlineChoiceField(choices=Reason.choices, read_only=True, allow_blank=True)
    coupon_type = InlineChoiceField(choices=CouponType.choices, read_only=True, allow_blank=True)
    message_mode = InlineChoiceField(choices=MessageMode.choices, read_only=True)
    requested_by = serializers.CharField(source="requested_by.get_username")
    decided_by = serializers.CharField(source="decided_by.get_username", default=None, allow_null=True)
    coupon_code = serializers.SerializerMethodField()

    class Meta:
        model = CompensationRequest
        fields = [
            "id",
            "ticket",
            "order",
            "kind",
            "state",
            "currency",
            "amount",
            "amount_usd",
            "rate",
            "rate_date",
            "reason",
            "reason_detail",
            "items",
            "description",
            "coupon_type",
            "coupon_percent",
            "coupon_valid_until",
            "coupon_code",
            "is_exchange",
            "customer_pays_return_shipping",
            "message_mode",
            "message",
            "waiting_reasons",
            "requested_by",
            "requester_tier",
            "created_at",
            "remind_at",
            "escalate_at",
            "reminded_at",
            "escalated_at",
            "decided_by",
            "decided_at",
            "decision_comment",
        ]
        read_only_fields = fields

    def get_coupon_code(self, obj: CompensationRequest) -> str | None:
        grant = getattr(obj, "grant", None) if obj.state == "approved" else None
        return grant.coupon_code if grant else None
