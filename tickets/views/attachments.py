"""Downloading attachments: only for staff who may see the ticket, never rendered inline."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.http import require_GET

from helpdesk.decorators import staff_view

from .. import selectors
from ..models import Attachment


@staff_view()
@require_GET
def download(request: HttpRequest, pk: int, token: str) -> FileResponse:
    ticket = selectors.ticket_for_user(request.user, pk)  # 404 outside the user's scope
    attachment = Attachment.objects.filter(ticket=ticket, token=token).first()
    if attachment is None:
        raise Http404("No attachment found.")
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404("The file is missing from storage.") from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    # Uploaded by customers: the browser must neither guess the type nor run anything in it.
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox; frame-ancestors 'none'"
    response["Cache-Control"] = "private, no-store"
    return response
