"""The two webhook endpoints: thin; the body is read with a size limit and handed to intake.

Answers: 202 stored, 200 a repeat (nothing changed), 401 bad or missing signature, 400 not a
usable body (with the reason), 413 too large. Nothing is stored on any refusal.
"""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from helpdesk import jsonsafe

from . import conf
from .choices import Sender
from .services import delivery_receive
from .services.intake import verify_signature


def _receive(request: HttpRequest, sender: str, signature_header: str) -> JsonResponse:
    limit = conf.webhook_max_bytes()
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return JsonResponse({"error": "invalid Content-Length"}, status=400)
    if length > limit:
        return JsonResponse({"error": f"the body is larger than {limit} bytes"}, status=413)
    body = request.read(limit + 1)
    if len(body) > limit:
        return JsonResponse({"error": f"the body is larger than {limit} bytes"}, status=413)
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
