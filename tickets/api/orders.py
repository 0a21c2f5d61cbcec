"""Orders: a store platform records the orders its customers complain about. Staff see the orders
of the tickets they may see (tickets.scope); store platforms see all."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.request import Request
from rest_framework.response import Response

from .. import services
from ..models import Order
from ..serializers import OrderFilterSerializer, OrderInputSerializer, OrderSerializer, visible_orders
from .base import ApiViewSet, service_errors


@extend_schema_view(
    list=extend_schema(summary="List orders", parameters=[OrderFilterSerializer]),
    retrieve=extend_schema(summary="Get an order"),
)
@extend_schema(tags=["orders"])
class OrderViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    serializer_class = OrderSerializer
    queryset = Order.objects.all()
    lookup_value_converter = "int"

    def get_queryset(self) -> QuerySet[Order]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user
            return Order.objects.none()
        queryset = visible_orders(self.request.user)
        if self.action != "list":
            return queryset
        filters = self.query(OrderFilterSerializer)
        if "customer" in filters:
            queryset = queryset.filter(customer_id=filters["customer"])
        if "external_number" in filters:
            queryset = queryset.filter(external_number=filters["external_number"].strip())
        if "platform" in filters:
            queryset = queryset.filter(platform=filters["platform"])
        return queryset

    @extend_schema(summary="Create an order", request=OrderInputSerializer, responses={201: OrderSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = self.body(OrderInputSerializer)  # the customer must be one the caller may see
        with service_errors():
            order = services.order_create(**data)
        return Response(OrderSerializer(order).data, status=status.HTTP_201_CREATED)
