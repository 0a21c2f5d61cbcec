"""What every endpoint of the ticket API shares: who may call it, paging, and error answers."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from rest_framework import permissions, serializers, viewsets
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request

from helpdesk import roles
from helpdesk.api import CursorPagination, as_api_error
from helpdesk.errors import ServiceError

from ..auth_backend import TokenAuthentication


class CanWorkTickets(permissions.BasePermission):
    """Active staff holding tickets.work_tickets (agents, supervisors, admins, platform accounts)."""

    message = "You need the permission to work tickets to use this API."

    def has_permission(self, request: Request, view: Any) -> bool:
        return roles.is_agent(request.user)


class ApiViewSet(viewsets.GenericViewSet):
    # Token first: an anonymous call is answered 401 with "WWW-Authenticate: Token".
    authentication_classes = [TokenAuthentication, SessionAuthentication]
    permission_classes = [CanWorkTickets]
    pagination_class = CursorPagination

    def query(self, serializer_class: type[serializers.Serializer]) -> dict[str, Any]:
        """The list filters of the query string, validated (a bad value is a 400, not ignored)."""
        serializer = serializer_class(data=self.request.query_params)
        serializer.is_valid(raise_exception=True)
        # An absent multiple-choice parameter arrives as an empty list: no filter either.
        return {k: v for k, v in serializer.validated_data.items() if v is not None and v != "" and v != []}

    def body(self, serializer_class: type[serializers.Serializer], **kwargs: Any) -> dict[str, Any]:
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context(), **kwargs)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)


@contextmanager
def service_errors(*, fields: Mapping[str, str] | None = None, under: str | None = None) -> Iterator[None]:
    """Turn service errors into API errors. `fields` renames a service's field to the API's name;
    `under` nests field errors below one input field (e.g. the facts of a facts update)."""
    try:
        yield
    except ServiceError as error:
        if error.field and (fields or under) and type(error) is ServiceError:
            name = (fields or {}).get(error.field, error.field)
            detail: dict[str, Any] = {name: [error.message]}
            raise ValidationError({under: detail} if under else detail) from error
        raise as_api_error(error) from error
