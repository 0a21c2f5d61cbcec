"""The one family of errors that services raise; views and the API turn them into answers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django import forms


class ServiceError(Exception):
    """A business rule refused the change. The message is shown to the user as it is."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotAllowed(ServiceError):
    """The actor may not do this (HTTP 403)."""


class NotFound(ServiceError):
    """The object does not exist or is outside what the actor may see (HTTP 404)."""


class Conflict(ServiceError):
    """The object changed meanwhile, or the change was already made (HTTP 409)."""


def add_service_error(
    form: forms.Form, error: ServiceError, *, fallback: str | None = None, renames: Mapping[str, str] | None = None
) -> None:
    """Show a service's refusal on the form field it names (after `renames`, service field to form
    field), else on `fallback`, else on the form as a whole."""
    name = error.field
    if renames and name is not None:
        name = renames.get(name, name)
    if name not in form.fields:
        name = fallback
    form.add_error(name if name in form.fields else None, error.message)
