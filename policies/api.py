"""REST API for compensation requests and decisions: the same services, the same rules."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from helpdesk import roles
from helpdesk.api import as_api_error
from helpdesk.errors import NotAllowed, NotFound, ServiceError
from tickets.models import Ticket
from tickets.scope import can_see_ticket

from . import selectors, services
from .models import CompensationRequest, Decision, RequestState
from .serializers import (
    CompensationRequestInputSerializer,
    CompensationRequestSerializer,
    DecisionInputSerializer,
)


class IsAgent(permissions.BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        return roles.is_agent(request.user)


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("state", str, enum=list(RequestState.values), description="Only requests in this state."),
            OpenApiParameter("ticket", int, description="Only the requests of this ticket."),
        ]
    )
)
class CompensationRequestViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    permission_classes = [permissions.IsAuthenticated, IsAgent]
    serializer_class = CompensationRequestSerializer

    def get_queryset(self) -> Any:
        rows = selectors.requests_visible_to(self.request.user).select_related("grant")
        state = self.request.query_params.get("state")
        if state:
            rows = rows.filter(state=state)
        ticket = self.request.query_params.get("ticket")
        if ticket and ticket.isdigit():
            rows = rows.filter(ticket_id=int(ticket))
        return rows

    @extend_schema(request=CompensationRequestInputSerializer, responses={201: CompensationRequestSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = CompensationRequestInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        ticket = Ticket.objects.select_related("order").filter(pk=fields.pop("ticket")).first()
        try:
            if ticket is None or not can_see_ticket(request.user, ticket):
                raise NotFound(_("Ticket not found."))
            comp = services.compensation_request_create(ticket=ticket, actor=request.user, **fields)
        except ServiceError as error:
            raise as_api_error(error) from error
        return Response(CompensationRequestSerializer(comp).data, status=status.HTTP_201_CREATED)

    def _decide(self, request: Request, pk: str | None, decision: str) -> Response:
        if not roles.is_supervisor(request.user):
            raise as_api_error(NotAllowed(_("Only a supervisor can approve or reject compensation.")))
        comp = get_object_or_404(selectors.requests_visible_to(request.user), pk=pk)
        data = DecisionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            comp = services.compensation_request_decide(
                request=comp, actor=request.user, decision=decision, comment=data.validated_data["comment"]
            )
        except ServiceError as error:
            raise as_api_error(error) from error
        comp = CompensationRequest.objects.select_related("grant", "requested_by", "decided_by").get(pk=comp.pk)
        return Response(CompensationRequestSerializer(comp).data)

    @extend_schema(request=DecisionInputSerializer, responses={200: CompensationRequestSerializer})
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        return self._decide(request, pk, Decision.APPROVED)

    @extend_schema(request=DecisionInputSerializer, responses={200: CompensationRequestSerializer})
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str | None = None) -> Response:
        return self._decide(request, pk, Decision.REJECTED)
