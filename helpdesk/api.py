"""Shared pieces of the REST API."""

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults
from rest_framework import pagination, parsers
from rest_framework.exceptions import APIException, NotFound, ParseError, PermissionDenied, ValidationError

from . import jsonsafe
from .errors import Conflict, NotAllowed, ServiceError
from .errors import NotFound as ServiceNotFound


class CursorPagination(pagination.CursorPagination):
    """Keyset pagination: stable and fast however deep the client pages."""

    ordering = "-id"
    page_size_query_param = "page_size"
    max_page_size = 200

    def decode_cursor(self, request: Any) -> Any:
        """A cursor whose position is not an id (tampered with, or cut short) is a bad cursor, as one
        that cannot be decoded is: answered 404 "Invalid cursor", not an error of the server."""
        cursor = super().decode_cursor(request)
        position = cursor.position if cursor is not None else None
        if position is not None and not (position.isascii() and position.isdigit()):
            raise NotFound(self.invalid_cursor_message)
        return cursor


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


# --- Parsers: every body is checked by helpdesk.jsonsafe before a serializer sees it ---------


def _parse_error(error: jsonsafe.UnsafeJSON) -> ParseError:
    return ParseError(str(error))


class SafeJSONParser(parsers.JSONParser):
    """JSON refused with a 400 and its reason when PostgreSQL could not store it (NUL, lone
    surrogates, NaN), when it is nested too deep, or is not valid in its declared charset."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        encoding = parsers.get_encoding(parser_context or {})
        try:
            return jsonsafe.loads(stream.read(), encoding=encoding)
        except jsonsafe.UnsafeJSON as error:
            raise _parse_error(error) from None


def _check_form(data: Any, files: Any = None) -> None:
    """Form fields and file names: no NUL (a form cannot carry a lone surrogate: Django decodes
    its bytes with replacement characters)."""
    pairs = list(data.lists()) + (list(files.lists()) if files is not None else [])
    try:
        jsonsafe.check(
            {key: [getattr(value, "name", value) for value in values] for key, values in pairs}, depth_limit=2
        )
    except jsonsafe.UnsafeJSON as error:
        raise _parse_error(error) from None


class SafeFormParser(parsers.FormParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        data = super().parse(stream, media_type, parser_context)
        _check_form(data)
        return data


class SafeMultiPartParser(parsers.MultiPartParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        result = super().parse(stream, media_type, parser_context)
        _check_form(result.data, result.files)
        return result


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The site's 404 (settings' handler404): a URL under /api/ that matches no route (an id that is
    not a number, a path that does not exist) answers JSON as the API's own 404s do; pages keep
    Django's page."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": str(NotFound.default_detail)}, status=404)
    return defaults.page_not_found(request, exception)
