"""The OpenAPI schema says what the answers are, errors included: every operation documents the
error answers it can give (400 with the fields at fault, 401, 403, 404, 409, 413, 415), in the
shapes Django REST framework and our middleware really send."""

from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="What went wrong, in words for people.")


ERROR = ErrorSerializer

# A refused input: each field at fault names its messages (a list, or the errors of the fields
# inside it), "non_field_errors" those about several fields; a body that could not be read at all
# (not JSON, a NUL, nested too deep) is {"detail": "..."}.
VALIDATION_ERROR: dict[str, Any] = {
    "type": "object",
    "description": 'Field name → its error messages, or {"detail": "..."} when the body could not be read.',
    "additionalProperties": {},
}

WRITES = ("POST", "PUT", "PATCH")


class HelpdeskAutoSchema(AutoSchema):
    def _error_responses(self) -> dict[str, OpenApiResponse]:
        errors = {
            "401": OpenApiResponse(ERROR, description="No valid credentials (a token or a signed-in session)."),
            "403": OpenApiResponse(
                ERROR, description="The caller may not do this (permission, role, or a missing CSRF token)."
            ),
        }
        writes = self.method in WRITES
        listing = self.method == "GET" and self._is_list_view()
        if writes or listing:
            errors["400"] = OpenApiResponse(VALIDATION_ERROR, description="The input was refused; nothing changed.")
        if writes or listing or "{" in self.path:
            errors["404"] = OpenApiResponse(
                ERROR,
                description=(
                    "Not found, or not visible to the caller: the row of the path, a row the body names, "
                    "or a list's cursor."
                ),
            )
        if writes:
            errors["409"] = OpenApiResponse(ERROR, description="The change conflicts with the row's current state.")
            errors["413"] = OpenApiResponse(ERROR, description="The request body is too large.")
            errors["415"] = OpenApiResponse(ERROR, description="The body's content type is not accepted here.")
        return errors

    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        for code, error in self._error_responses().items():
            if code not in responses:
                responses[code] = self._get_response_for_code(error, code, direction=direction)
        return responses


# Ids are PostgreSQL bigints from 1 up; the URL patterns take digits only.
BIGINT_MAX = 2**63 - 1


def ids_are_positive_bigints(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """Postprocessing hook: integer path parameters (ids) are documented as 1 to 2^63 - 1."""
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []) if isinstance(operation, dict) else []:
                schema = parameter.get("schema", {})
                if parameter.get("in") == "path" and schema.get("type") == "integer":
                    schema.update(minimum=1, maximum=BIGINT_MAX)
    return result
