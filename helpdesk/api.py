"""Shared pieces of the REST API."""

from rest_framework import pagination
from rest_framework.exceptions import APIException, NotFound, PermissionDenied, ValidationError

from .errors import Conflict, NotAllowed, ServiceError
from .errors import NotFound as ServiceNotFound


class CursorPagination(pagination.CursorPagination):
    """Keyset pagination: stable and fast however deep the client pages."""

    ordering = "-id"
    page_size_query_param = "page_size"
    max_page_size = 200


class ConflictError(APIException):
    status_code = 409
    default_code = "conflict"


def as_api_error(error: ServiceError) -> APIException:
    """Translate a service error into the DRF exception with the right status."""
    if isinstance(error, NotAllowed):
        return PermissionDenied(error.message)
    if isinstance(error, ServiceNotFound):
        return NotFound(error.message)
    if isinstance(error, Conflict):
        return ConflictError(error.message)
    if error.field:
        return ValidationError({error.field: [error.message]})
    return ValidationError({"detail": error.message})
