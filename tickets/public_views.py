"""Pages and endpoints for people without an account: the support form and the raw-email
endpoint of a mail provider's inbound webhook."""

from __future__ import annotations

import hmac
import logging

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from helpdesk import ratelimit
from helpdesk.countries import country_from_accept_language
from helpdesk.errors import ServiceError, add_service_error

from .adapters import inbound_email_receive, max_inbound_bytes, webform_ticket_create
from .public_forms import HONEYPOT_FIELD, PublicTicketForm
from .services.customers import normalise_language

logger = logging.getLogger(__name__)

_THANKS_SALT = "tickets.public.thanks"
_THANKS_MAX_AGE = 3600
_RAW_EMAIL_TYPES = {"message/rfc822", "application/octet-stream"}


def _activate_customer_language(request: HttpRequest) -> str:
    """?lang= (kept through the POST) when it is one of ours, else the browser's language."""
    codes = [code for code, _name in settings.LANGUAGES]
    chosen = (request.POST.get("lang") or request.GET.get("lang") or "").strip().lower()
    language = chosen if chosen in codes else normalise_language(translation.get_language())
    translation.activate(language)
    request.LANGUAGE_CODE = language
    return language


def _rate_limited(request: HttpRequest, email: str) -> ratelimit.Verdict | None:
    limit = int(settings.WEBFORM_RATE_LIMIT)
    window = int(settings.WEBFORM_RATE_WINDOW)
    checks = [("webform-ip", ratelimit.client_ip(request))]
    if email:
        checks.append(("webform-email", email))
    for scope, identity in checks:
        verdict = ratelimit.hit(scope, identity, limit=limit, window=window)
        if not verdict.allowed:
            return verdict
    return None


def _thanks_redirect(language: str, reference: str = "") -> HttpResponseRedirect:
    query = {"lang": language}
    if reference:
        query["r"] = signing.dumps(reference, salt=_THANKS_SALT)
    return HttpResponseRedirect(f"{reverse('public:thanks')}?{urlencode(query)}")


@require_http_methods(["GET", "POST"])
def support_form(request: HttpRequest) -> HttpResponse:
    language = _activate_customer_language(request)
    if request.method == "GET":
        browser_country = country_from_accept_language(request.headers.get("Accept-Language", ""))
        return _render_form(request, PublicTicketForm(initial={"country": browser_country}), language)
    if request.POST.get(HONEYPOT_FIELD):
        # Only a bot fills the hidden field: it is told "thank you" and nothing is stored.
        logger.info("web form honeypot filled from %s", ratelimit.client_ip(request))
        _rate_limited(request, "")
        return _thanks_redirect(language)
    form = PublicTicketForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_form(request, form, language, status=400)
    verdict = _rate_limited(request, form.cleaned_data["email"])
    if verdict is not None:
        response = _render_form(request, form, language, status=429, template="tickets/public/rate_limited.html")
        response["Retry-After"] = str(verdict.retry_after)
        return response
    data = form.cleaned_data
    try:
        ticket = webform_ticket_create(
            name=data["name"],
            email=data["email"],
            subject=data["subject"],
            body=data["message"],
            category=data["category"],
            order_number=data["order_number"],
            country=data["country"],
            language=language,
            attachments=data["attachments"],
        )
    except ServiceError as error:
        add_service_error(form, error, renames=form.SERVICE_FIELDS)
        return _render_form(request, form, language, status=400)
    return _thanks_redirect(language, ticket.reference)


def _render_form(
    request: HttpRequest,
    form: PublicTicketForm,
    language: str,
    status: int = 200,
    template: str = "tickets/public/form.html",
) -> HttpResponse:
    context = {
        "form": form,
        "lang": language,
        "honeypot": form[HONEYPOT_FIELD],
        "files_lost": form.is_bound and bool(request.FILES),
    }
    return render(request, template, context, status=status)


def support_thanks(request: HttpRequest) -> HttpResponse:
    language = _activate_customer_language(request)
    try:
        reference = signing.loads(request.GET.get("r", ""), salt=_THANKS_SALT, max_age=_THANKS_MAX_AGE)
    except signing.BadSignature:  # also expired: the page still thanks, without the reference
        reference = ""
    return render(request, "tickets/public/thanks.html", {"reference": reference, "lang": language})


def _bearer_token_ok(request: HttpRequest) -> bool:
    expected = settings.INBOUND_EMAIL_TOKEN
    scheme, _sep, given = request.headers.get("Authorization", "").partition(" ")
    if not expected or scheme.lower() != "bearer" or not given:
        return False
    return hmac.compare_digest(given.strip().encode(), str(expected).encode())


@csrf_exempt  # authenticated by a bearer token, not a browser session
@require_POST
def inbound_email(request: HttpRequest) -> HttpResponse:
    """A raw RFC 822 message as the body; 202 once it is stored (whatever became of it)."""
    if not _bearer_token_ok(request):
        response = JsonResponse({"detail": "Authentication required."}, status=401)
        response["WWW-Authenticate"] = 'Bearer realm="inbound-email"'
        return response
    limit = max_inbound_bytes()
    if int(request.META.get("CONTENT_LENGTH") or 0) > limit:
        return JsonResponse({"detail": f"The message is larger than {limit // 2**20} MB."}, status=413)
    if request.content_type not in _RAW_EMAIL_TYPES:
        return JsonResponse({"detail": "Send the message as message/rfc822."}, status=415)
    # Read the stream ourselves: request.body would stop at DATA_UPLOAD_MAX_MEMORY_SIZE.
    raw = request.read(limit + 1)
    if len(raw) > limit:
        return JsonResponse({"detail": f"The message is larger than {limit // 2**20} MB."}, status=413)
    if not raw.strip():
        return JsonResponse({"detail": "The body is empty."}, status=400)
    record = inbound_email_receive(raw=raw, source="http")
    return JsonResponse({"id": record.pk, "state": record.state}, status=202)
