"""Tickets: store platforms open them; staff and integrations read and work them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from .. import services
from ..models import Channel, Customer, Order, Ticket
from ..scope import ticket_scope_q
from ..serializers import (
    TicketCreateSerializer,
    TicketDetailSerializer,
    TicketFactsSerializer,
    TicketFilterSerializer,
    TicketSerializer,
    TicketUpdateSerializer,
    visible_customers,
    visible_orders,
)
from .base import ApiViewSet, service_errors
from .ticket_list import ListedTickets

# What a list row shows, fetched in the one query of the page.
TICKET_RELATIONS = ("customer", "category", "team", "assignee", "order")


def scoped_tickets(user: Any) -> QuerySet[Ticket]:
    """The tickets the user may see: their team's and their own (all of them for admins)."""
    queryset = Ticket.objects.select_related(*TICKET_RELATIONS)
    scope = ticket_scope_q(user)
    return queryset if scope is None else queryset.filter(scope)


@extend_schema_view(
    list=extend_schema(summary="List tickets", parameters=[TicketFilterSerializer]),
    retrieve=extend_schema(summary="Get a ticket", responses=TicketDetailSerializer),
)
@extend_schema(tags=["tickets"])
class TicketViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    serializer_class = TicketSerializer
    queryset = Ticket.objects.none()
    lookup_value_converter = "int"

    def get_queryset(self) -> QuerySet[Any]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user
            return Ticket.objects.none()
        return scoped_tickets(self.request.user)  # the list reads its page through ListedTickets

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        # The page is read as rows of plain values, not as tickets with five related instances each.
        tickets = ListedTickets(request.user, self.query(TicketFilterSerializer))
        page = self.paginate_queryset(tickets)  # read as DRF's paginator asks a queryset
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def get_serializer_class(self) -> type[TicketSerializer]:
        return TicketSerializer if self.action == "list" else TicketDetailSerializer

    def _detail(self, ticket: Ticket, code: int = status.HTTP_200_OK) -> Response:
        # Unscoped on purpose: the caller may always read back what it just created or changed,
        # even when routing put the new ticket outside its team.
        fresh = Ticket.objects.select_related(*TICKET_RELATIONS).get(pk=ticket.pk)
        return Response(TicketDetailSerializer(fresh, context=self.get_serializer_context()).data, status=code)

    @extend_schema(
        summary="Open a ticket for a customer", request=TicketCreateSerializer, responses={201: TicketDetailSerializer}
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = self.body(TicketCreateSerializer)
        with transaction.atomic():
            customer = self._customer(data)
            order = self._order(data.get("order_id"))
            with service_errors(fields={"order": "order_id"}):
                ticket = services.ticket_create(
                    customer=customer,
                    subject=data["subject"],
                    body=data["body"],
                    channel=Channel.API,
                    actor=request.user,
                    category=data.get("category"),
                    order=order,
                    priority=data["priority"],
                    language=data["language"] or None,
                    attachments=data["attachments"],
                    acknowledge=data["acknowledge"],
                )
        return self._detail(ticket, status.HTTP_201_CREATED)

    def _customer(self, data: dict[str, Any]) -> Customer:
        if "customer_id" in data:
            customer = visible_customers(self.request.user).filter(pk=data["customer_id"]).first()
            if customer is None:
                raise ValidationError({"customer_id": [_("No customer with this id.")]})
            return customer
        with service_errors(under="customer"):
            return services.customer_get_or_create(**data["customer"])

    def _order(self, order_id: int | None) -> Order | None:
        if order_id is None:
            return None
        order = visible_orders(self.request.user).filter(pk=order_id).first()
        if order is None:
            raise ValidationError({"order_id": [_("No order with this id.")]})
        return order

    @extend_schema(
        summary="Change a ticket's status, priority, category, assignee or language",
        description="Each change goes through its rule and is recorded in the ticket's history. "
        "Any other field is refused with 400; a refused change leaves the ticket as it was.",
        request=TicketUpdateSerializer,
        responses=TicketDetailSerializer,
    )
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        ticket = self.get_object()
        if isinstance(request.data, Mapping):
            refused = sorted(set(request.data) - set(TicketUpdateSerializer().fields))
            if refused:
                raise ValidationError({name: [_("This field cannot be changed here.")] for name in refused})
        data = self.body(TicketUpdateSerializer, partial=True)
        actor = request.user
        # One transaction: when a later change is refused, the earlier ones are undone too.
        with transaction.atomic(), service_errors():
            if "category" in data:
                services.ticket_set_category(ticket=ticket, category=data["category"], actor=actor)
            if "language" in data:
                services.ticket_set_language(ticket=ticket, language=data["language"], actor=actor)
            if "priority" in data:
                services.ticket_set_priority(ticket=ticket, priority=data["priority"], actor=actor)
            if "assignee" in data:
                services.ticket_assign(ticket=ticket, assignee=data["assignee"], actor=actor)
            if "status" in data:  # last, so solving sees the category and facts as changed above
                services.ticket_set_status(ticket=ticket, status=data["status"], actor=actor)
        return self._detail(ticket)

    @extend_schema(
        summary="Record facts the ticket's category requires",
        request=TicketFactsSerializer,
        responses=TicketDetailSerializer,
    )
    @action(detail=True, methods=["post"])
    def facts(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        ticket = self.get_object()
        data = self.body(TicketFactsSerializer)
        with service_errors(under="facts"):
            services.ticket_record_facts(ticket=ticket, facts=data["facts"], actor=request.user)
        return self._detail(ticket)
