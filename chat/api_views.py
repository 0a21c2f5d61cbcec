"""The widget's HTTP API (docs/chat.md): JSON in and out, the visitor known by the bearer token their
widget keeps. No cookies are involved, so no CSRF token either; a browser page of another origin
is refused (only the widget's frame, served from here, and the site's own pages may call it)."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from helpdesk import ratelimit
from helpdesk.errors import ServiceError
from helpdesk.language import normalise_language
from tickets.models import Attachment, Category, MessageKind

from . import services
from .models import ChatConversation, ChatSite
from .services.visitors import ChatEnded

View = Callable[..., HttpResponseBase]


def _error(text: str, status: int = 400, *, field: str | None = None, retry_after: int = 0) -> JsonResponse:
    response = JsonResponse({"detail": text, "field": field}, status=status)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


def _own_origins(request: HttpRequest) -> set[str]:
    parts = urlsplit(settings.SITE_URL)
    return {f"{parts.scheme}://{parts.netloc}".lower(), f"{request.scheme}://{request.get_host()}".lower()}


def _origin_allowed(request: HttpRequest, site: ChatSite) -> bool:
    origin = request.headers.get("Origin", "").strip().rstrip("/").lower()
    return not origin or origin in _own_origins(request) or site.allows(origin)


def _token(request: HttpRequest) -> str:
    scheme, _sep, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else request.GET.get("token", "")


def _body(request: HttpRequest) -> dict[str, Any]:
    if request.content_type == "multipart/form-data":
        return {key: request.POST.get(key, "") for key in request.POST}
    try:
        data = json.loads(request.body or b"{}")
    except ValueError:
        raise ServiceError(_("The request is not valid JSON.")) from None
    if not isinstance(data, dict):
        raise ServiceError(_("The request is not valid JSON."))
    return data


def widget_api(method: str, *, visitor: bool = True) -> Callable[[View], View]:
    """The checks every call shares: the method, the site by its key, the caller's origin, the
    visitor's token (unless starting), the language of the answers, and refusals as JSON."""

    def decorate(view: View) -> View:
        @csrf_exempt
        @wraps(view)
        def wrapper(request: HttpRequest, key: str, **kwargs: Any) -> HttpResponseBase:
            language = normalise_language(request.GET.get("lang") or request.headers.get("Accept-Language", "")[:5])
            with translation.override(language):
                if request.method != method:
                    return _error(_("This method is not allowed here."), 405)
                site = ChatSite.objects.filter(public_key=key).first()
                if site is None:
                    return _error(_("This chat does not exist."), 404)
                if not site.active or not _origin_allowed(request, site):
                    return _error(_("This chat is not available on this page."), 403)
                conversation = None
                if visitor:
                    conversation = services.chat_for_token(site, _token(request))
                    if conversation is None:
                        return _error(_("This conversation is not known. Start a new chat."), 401)
                    translation.activate(conversation.language)
                try:
                    return view(request, site, conversation, **kwargs)
                except ChatEnded as error:
                    return _error(error.message, 409)
                except ServiceError as error:
                    return _error(error.message, field=error.field)

        return wrapper

    return decorate


def _limited(request: HttpRequest, scope: str, identity: str, limit: int, window: int) -> JsonResponse | None:
    verdict = ratelimit.hit(scope, identity, limit=limit, window=window)
    if verdict.allowed:
        return None
    return _error(_("Too many requests. Please wait a moment."), 429, retry_after=verdict.retry_after)


def _categories(site: ChatSite) -> list[Category]:
    offered = list(site.categories.all())
    return offered or list(Category.objects.order_by("name")[:30])


@widget_api("GET", visitor=False)
def status(request: HttpRequest, site: ChatSite, conversation: None) -> HttpResponse:
    language = translation.get_language() or "en"
    availability = services.chat_availability(site, language=language)
    return JsonResponse(
        {
            "online": availability.online and availability.reason != "long_wait",
            "minutes": availability.minutes,
            "reason": availability.reason,
            "categories": [{"id": c.pk, "name": c.name} for c in _categories(site)],
        }
    )


@widget_api("POST", visitor=False)
def start(request: HttpRequest, site: ChatSite, conversation: None) -> HttpResponse:
    limited = _limited(request, "chat-start", ratelimit.client_ip(request), settings.CHAT_STARTS_PER_IP_HOUR, 3600)
    if limited is not None:
        return limited
    data = _body(request)
    category = None
    if str(data.get("category") or "").isdigit():
        category = Category.objects.filter(pk=int(data["category"])).first()
    started, token = services.chat_start(
        site=site,
        name=str(data.get("name", "")),
        email=str(data.get("email", "")),
        body=str(data.get("body", "")),
        client_id=str(data.get("client_id", "")),
        language=str(data.get("language") or translation.get_language() or "en"),
        order_number=str(data.get("order_number", "")),
        category=category,
        offline=data.get("offline") in (True, "true", "1"),
        attachments=request.FILES.getlist("files"),
    )
    return JsonResponse({"token": token, "conversation": services.conversation_payload(started)}, status=201)


@widget_api("GET")
def conversation_view(request: HttpRequest, site: ChatSite, conversation: ChatConversation) -> HttpResponse:
    return JsonResponse({"conversation": services.conversation_payload(conversation)})


@widget_api("GET")
def events(request: HttpRequest, site: ChatSite, conversation: ChatConversation) -> HttpResponse:
    after = request.GET.get("after", "0")
    if not after.isdigit():
        return _error(_("Give the last event number seen."), field="after")
    found = services.chat_events_after(conversation, int(after))
    if found is None:
        return JsonResponse({"reload": True})
    return JsonResponse(
        {"events": [{"seq": e.seq, "kind": e.kind, "payload": e.payload} for e in found], "last": int(after)}
    )


@widget_api("POST")
def messages(request: HttpRequest, site: ChatSite, conversation: ChatConversation) -> HttpResponse:
    for scope, identity, limit in (
        ("chat-msg", str(conversation.pk), settings.CHAT_MESSAGES_PER_MINUTE),
        ("chat-msg-ip", ratelimit.client_ip(request), settings.CHAT_MESSAGES_PER_IP_MINUTE),
    ):
        limited = _limited(request, scope, identity, limit, 60)
        if limited is not None:
            return limited
    data = _body(request)
    message, created = services.chat_send(
        conversation=conversation,
        client_id=str(data.get("client_id", "")),
        body=str(data.get("body", "")),
        attachments=request.FILES.getlist("files"),
    )
    payload = services.message_payload(conversation, message, str(data.get("client_id", "")))
    return JsonResponse({"message": payload}, status=201 if created else 200)


@widget_api("POST")
def read(request: HttpRequest, site: ChatSite, conversation: ChatConversation) -> HttpResponse:
    seq = _body(request).get("seq")
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 0:
        return _error(_("Give the number of the last event shown."), field="seq")
    services.chat_read(conversation=conversation, seq=seq)
    return HttpResponse(status=204)


@widget_api("POST")
def end(request: HttpRequest, site: ChatSite, conversation: ChatConversation) -> HttpResponse:
    transcript = _body(request).get("transcript") in (True, "true", "1")
    ended = services.chat_end_by_visitor(conversation=conversation, transcript=transcript)
    return JsonResponse({"conversation": services.conversation_payload(ended)})


@widget_api("POST")
def email_me(request: HttpRequest, site: ChatSite, conversation: ChatConversation) -> HttpResponse:
    moved = services.chat_email_me(conversation=conversation)
    return JsonResponse({"conversation": services.conversation_payload(moved)})


@widget_api("POST")
def rating(request: HttpRequest, site: ChatSite, conversation: ChatConversation) -> HttpResponse:
    data = _body(request)
    value = data.get("rating")
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool):
        return _error(_("Choose a rating from 1 to 5."), field="rating")
    services.chat_rate(conversation=conversation, rating=value, comment=str(data.get("comment", "")))
    return HttpResponse(status=204)


@widget_api("GET")
def download(request: HttpRequest, site: ChatSite, conversation: ChatConversation, pk: int) -> HttpResponseBase:
    attachment = Attachment.objects.filter(
        pk=pk, ticket_id=conversation.ticket_id, message__kind__in=[MessageKind.CUSTOMER, MessageKind.REPLY]
    ).first()
    if attachment is None:
        return _error(_("This file does not exist."), 404)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        return _error(_("This file does not exist."), 404)
    response = FileResponse(
        handle, as_attachment=True, filename=attachment.original_name, content_type=attachment.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox; frame-ancestors 'none'"
    response["Cache-Control"] = "private, no-store"
    return response
