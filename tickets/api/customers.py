"""Customers: a store platform finds or creates them by email. Staff see the customers of the
tickets they may see (tickets.scope); store platforms see all."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.db.models.functions import Lower
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.request import Request
from rest_framework.response import Response

from helpdesk.api import ConflictError
from helpdesk.api_schema import ERROR

from .. import services
from ..models import Customer
from ..serializers import CustomerFilterSerializer, CustomerInputSerializer, CustomerSerializer, visible_customers
from .base import ApiViewSet, service_errors


@extend_schema_view(
    list=extend_schema(summary="List customers", parameters=[CustomerFilterSerializer]),
    retrieve=extend_schema(summary="Get a customer"),
)
@extend_schema(tags=["customers"])
class CustomerViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    serializer_class = CustomerSerializer
    queryset = Customer.objects.all()
    lookup_value_converter = "int"

    def get_queryset(self) -> QuerySet[Customer]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user
            return Customer.objects.none()
        queryset = visible_customers(self.request.user)
        if self.action != "list":
            return queryset
        filters = self.query(CustomerFilterSerializer)
        if "email" in filters:
            # Lower(email) is what the unique index covers, so this lookup is an index scan.
            queryset = queryset.alias(email_lower=Lower("email")).filter(email_lower=filters["email"].strip().lower())
        if "country" in filters:
            queryset = queryset.filter(country=filters["country"])
        if "external_id" in filters:
            platform, external_id = filters["external_id"].split(":", 1)
            match = Q(external_ids__contains={platform: external_id})
            if external_id.isdigit():  # platforms send numeric ids as numbers or as strings
                match |= Q(external_ids__contains={platform: int(external_id)})
            queryset = queryset.filter(match)
        return queryset

    @extend_schema(
        summary="Find or create a customer by email",
        request=CustomerInputSerializer,
        responses={
            200: OpenApiResponse(CustomerSerializer, description="A customer with this email already existed."),
            201: OpenApiResponse(CustomerSerializer, description="The customer was created."),
            409: OpenApiResponse(
                ERROR, description="A customer with this email exists, but none of the caller's tickets is theirs."
            ),
        },
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = self.body(CustomerInputSerializer)
        existing = Customer.objects.filter(email__iexact=data["email"].strip()).first()
        existed = existing is not None
        if existing is not None and not visible_customers(request.user).filter(pk=existing.pk).exists():
            # Neither their details nor a change to them: the caller works none of their tickets.
            raise ConflictError(_("A customer with this email already exists, outside the tickets you may see."))
        with service_errors():
            customer = services.customer_get_or_create(**data)
        return Response(
            CustomerSerializer(customer).data, status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED
        )
