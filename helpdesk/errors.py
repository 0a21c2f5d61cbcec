"""The one family of errors that services raise; views and the API turn them into answers."""

from __future__ import annotations


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
