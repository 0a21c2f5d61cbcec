"""The webhook endpoints, one per account: /webhooks/messaging/<provider>/<slug>/. Thin: the raw body
(size-limited) goes to `webhook_receive`. Answers: 200 stored or already known, 401 unsigned or
wrong (or an unknown account), 400 not the provider's shape, 413 too large; WhatsApp's GET handshake."""

from __future__ import annotations

import hmac

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from .models import ChannelAccount, Provider
from .services import webhook_receive


def _handshake(request: HttpRequest, slug: str) -> HttpResponse:
    """WhatsApp's subscription check: echo hub.challenge when hub.verify_token is the account's."""
    account = ChannelAccount.objects.filter(provider=Provider.WHATSAPP, slug=slug, active=True).first()
    token = request.GET.get("hub.verify_token", "")
    if (
        account is None
        or not account.verify_token
        or request.GET.get("hub.mode") != "subscribe"
        or not hmac.compare_digest(token.encode("utf-8"), account.verify_token.encode("utf-8"))
    ):
        return HttpResponse("forbidden", status=403, content_type="text/plain")
    return HttpResponse(request.GET.get("hub.challenge", ""), content_type="text/plain")


@csrf_exempt
@require_http_methods(["GET", "POST"])
def webhook(request: HttpRequest, provider: str, slug: str) -> HttpResponse:
    if request.method == "GET":
        if provider != Provider.WHATSAPP:
            return HttpResponse(status=405)
        return _handshake(request, slug)
    limit = min(settings.MESSAGING_WEBHOOK_MAX_BYTES, settings.MAX_REQUEST_BYTES)
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return JsonResponse({"error": "invalid Content-Length"}, status=400)
    if length > limit:
        return JsonResponse({"error": f"the body is larger than {limit} bytes"}, status=413)
    body = request.read(limit + 1)
    if len(body) > limit:
        return JsonResponse({"error": f"the body is larger than {limit} bytes"}, status=413)
    answer = webhook_receive(provider=provider, slug=slug, body=body, meta=request.META)
    return JsonResponse(answer.payload, status=answer.status)
