"""The two webhook endpoints: thin; the body is read with a size limit and handed to intake.

Answers: 202 stored, 200 a repeat (nothing changed), 401 bad or missing signature, 400 not a
usable body (with the reason), 411 a chunked body the server cannot hand over, 413 too large.
Nothing is stored on any refusal.
"""

from __future__ import annotations

from django.conf import settings
from django.core.handlers.asgi import ASGIRequest
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from helpdesk import jsonsafe

from . import conf
from .choices import Sender
from .services import delivery_receive
from .services.intake import verify_signature

READ_SIZE = 64 * 1024


class BodyTooLarge(Exception):
    pass


class BodyUnreadable(Exception):
    def __init__(self, reason: str, status: int) -> None:
        super().__init__(reason)
        self.status = status


def _read_to_end(stream: object, limit: int) -> bytes:
    parts, total = [], 0
    while total <= limit:
        data = stream.read(min(READ_SIZE, limit + 1 - total))  # type: ignore[attr-defined]
        if not data:
            break
        parts.append(data)
        total += len(data)
    return b"".join(parts)


def read_body(request: HttpRequest, limit: int) -> bytes:
    """The body as received, at most `limit` bytes, whatever the transfer encoding. Django reads
        only Content-Length bytes, so a chunked body (no Content-Length) would read as empty and its
        signature fail: it is read from the server's stream to its end, which WSGI servers that decode
        chunked bodies (gunicorn, uWSGI, mod_wsgi) say is safe with wsgi.input_terminated; under ASGI the
    server has already decoded it and Django spooled it whole."""
    raw_length = request.META.get("CONTENT_LENGTH") or ""
    chunked = "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower()
    if raw_length or not chunked:
        try:
            length = int(raw_length or 0)
        except ValueError:
            raise BodyUnreadable("invalid Content-Length", 400) from None
        if length > limit:
            raise BodyTooLarge
        body = request.read(limit + 1)
    elif request.META.get("wsgi.input_terminated"):
        body = _read_to_end(request.META["wsgi.input"], limit)
    elif isinstance(request, ASGIRequest):
        # The ASGI server (uvicorn) decoded the chunks and Django holds the whole body: read it all.
        body = _read_to_end(request, limit)
    else:
        raise BodyUnreadable("this server cannot read a chunked body: send a Content-Length", 411)
    if len(body) > limit:
        raise BodyTooLarge
    return body


def _receive(request: HttpRequest, sender: str, signature_header: str) -> JsonResponse:
    limit = min(conf.webhook_max_bytes(), settings.MAX_REQUEST_BYTES)
    try:
        body = read_body(request, limit)
    except BodyTooLarge:
        return JsonResponse({"error": f"the body is larger than {limit} bytes"}, status=413)
    except BodyUnreadable as error:
        return JsonResponse({"error": str(error)}, status=error.status)
    signature = request.META.get(signature_header, "")
    # A body PostgreSQL could not store (NUL, lone surrogate) or nested too deep: a 400 with the
    # reason, once the signature is known good (a forged one is answered 401 below, as always).
    problem = jsonsafe.problem(body)
    if problem is not None and verify_signature(sender=sender, body=body, signature=signature) is not None:
        return JsonResponse({"error": problem}, status=400)
    result = delivery_receive(sender=sender, body=body, signature=signature)
    return JsonResponse(result.payload, status=result.status)


@csrf_exempt
@require_POST
def aftership(request: HttpRequest) -> JsonResponse:
    return _receive(request, Sender.AFTERSHIP, "HTTP_AFTERSHIP_HMAC_SHA256")


@csrf_exempt
@require_POST
def seventeentrack(request: HttpRequest) -> JsonResponse:
    return _receive(request, Sender.SEVENTEENTRACK, "HTTP_SIGN")
