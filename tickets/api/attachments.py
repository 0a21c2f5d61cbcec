"""Attachments: their details, and the file itself, always as a download."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.request import Request

from ..models import Attachment
from ..scope import ticket_scope_q
from ..serializers import AttachmentSerializer
from .base import ApiViewSet


@extend_schema_view(retrieve=extend_schema(summary="Get an attachment's details"))
@extend_schema(tags=["attachments"])
class AttachmentViewSet(mixins.RetrieveModelMixin, ApiViewSet):
    serializer_class = AttachmentSerializer
    queryset = Attachment.objects.none()
    lookup_value_converter = "int"

    def get_queryset(self) -> QuerySet[Attachment]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user
            return Attachment.objects.none()
        scope = ticket_scope_q(self.request.user, prefix="ticket__")
        queryset = Attachment.objects.all()
        return queryset if scope is None else queryset.filter(scope)

    def perform_content_negotiation(self, request: Request, force: bool = False) -> Any:
        # A download answers any Accept header with the file; only its errors are JSON.
        return super().perform_content_negotiation(request, force=force or self.action == "download")

    @extend_schema(
        summary="Download an attachment",
        responses={
            (200, "*/*"): OpenApiResponse(
                OpenApiTypes.BINARY,
                description="The file, as an attachment (never shown inline), with the content type read from "
                "its content on upload (image/png, application/pdf, ...).",
            ),
        },
    )
    @action(detail=True, methods=["get"])
    def download(self, request: Request, *args: Any, **kwargs: Any) -> FileResponse:
        attachment = self.get_object()
        try:
            handle = attachment.file.open("rb")
        except FileNotFoundError:
            raise NotFound(_("The file is missing from storage.")) from None
        response = FileResponse(
            handle, as_attachment=True, filename=attachment.original_name, content_type=attachment.content_type
        )
        # The type was read from the content on upload; the browser must not guess another.
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response
