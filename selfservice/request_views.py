"""The public "My requests" pages: after an email code, a customer sees their tickets with status
and thread (internal notes never), replies, and closes one they no longer need."""

from __future__ import annotations

from django.contrib import messages
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from helpdesk import ratelimit
from helpdesk.errors import ServiceError
from tickets.models import Customer

from . import services
from .forms import CodeForm, ReplyForm, RequestsLookupForm
from .selectors import customer_requests, request_thread
from .views import (
    CODE_REQUESTS_PER_EMAIL,
    CODE_REQUESTS_PER_IP,
    GRANT_MAX_AGE,
    GUESSES_PER_IP,
    GUESSES_PER_ORDER,
    limited,
    page_language,
    redirect_to,
    too_many,
)

_PENDING = "selfservice.requests.pending"
_GRANT = "selfservice.requests.grant"
_GRANT_SALT = "selfservice.requests.grant"


def _granted_customer(request: HttpRequest) -> Customer | None:
    try:
        granted = signing.loads(request.session.get(_GRANT, ""), salt=_GRANT_SALT, max_age=GRANT_MAX_AGE)
    except signing.BadSignature:
        return None
    return Customer.objects.filter(pk=granted).first() if isinstance(granted, int) else None


@require_http_methods(["GET", "POST"])
def lookup(request: HttpRequest) -> HttpResponse:
    language = page_language(request)
    form = RequestsLookupForm(request.POST or None)
    if request.method == "GET" or not form.is_valid():
        return render(request, "selfservice/requests_lookup.html", {"form": form, "lang": language})
    email = form.cleaned_data["email"]
    verdict = limited(
        [
            ("selfservice-code-ip", ratelimit.client_ip(request), CODE_REQUESTS_PER_IP),
            ("selfservice-code-email", email, CODE_REQUESTS_PER_EMAIL),
        ]
    )
    if verdict is not None:
        return too_many(request, language, verdict)
    services.requests_code_request(email=email, language=language, now=timezone.now())
    request.session[_PENDING] = email
    return redirect_to("selfservice:requests_code", language)


@require_http_methods(["GET", "POST"])
def code(request: HttpRequest) -> HttpResponse:
    language = page_language(request)
    email = request.session.get(_PENDING)
    if not email:
        return redirect_to("selfservice:requests_lookup", language)
    form = CodeForm(request.POST or None)
    context = {"form": form, "lang": language, "minutes": services.CODE_MINUTES, "for_requests": True}
    if request.method == "GET" or not form.is_valid():
        return render(request, "selfservice/code.html", context)
    verdict = limited(
        [
            ("selfservice-guess-ip", ratelimit.client_ip(request), GUESSES_PER_IP),
            ("selfservice-guess-email", email.lower(), GUESSES_PER_ORDER),
        ]
    )
    if verdict is not None:
        return too_many(request, language, verdict)
    customer = services.requests_code_verify(email=email, code=form.cleaned_data["code"], now=timezone.now())
    if customer is None:
        form.add_error(
            "code",
            _("This code is not valid or has expired. Check the code in our latest email, or ask for a new one."),
        )
        return render(request, "selfservice/code.html", context, status=400)
    _grant(request, customer)
    return redirect_to("selfservice:requests", language)


def link(request: HttpRequest, token: str) -> HttpResponse:
    language = page_language(request)
    customer = services.requests_link_open(token=token)
    if customer is None:
        messages.error(request, _("This link is no longer valid. Enter your email address instead."))
        return redirect_to("selfservice:requests_lookup", language)
    _grant(request, customer)
    return redirect_to("selfservice:requests", language)


def _grant(request: HttpRequest, customer: Customer) -> None:
    request.session.cycle_key()
    request.session[_GRANT] = signing.dumps(customer.pk, salt=_GRANT_SALT)
    request.session.pop(_PENDING, None)


def requests_list(request: HttpRequest) -> HttpResponse:
    language = page_language(request)
    customer = _granted_customer(request)
    if customer is None:
        return redirect_to("selfservice:requests_lookup", language)
    tickets = customer_requests(customer=customer)
    return render(request, "selfservice/requests.html", {"tickets": tickets, "lang": language})


@require_http_methods(["GET", "POST"])
def request_detail(request: HttpRequest, ticket_id: int) -> HttpResponse:
    language = page_language(request)
    customer = _granted_customer(request)
    if customer is None:
        if request.method == "POST":
            raise Http404
        return redirect_to("selfservice:requests_lookup", language)
    found = request_thread(customer=customer, ticket_id=ticket_id)
    if found is None:
        raise Http404
    ticket, thread = found
    form = ReplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.request_reply(customer=customer, ticket=ticket, body=form.cleaned_data["message"])
        messages.success(request, _("Your message was added to the request."))
        return redirect_to("selfservice:request", language, ticket_id=ticket.pk)
    context = {"ticket": ticket, "thread": thread, "form": form, "lang": language}
    return render(request, "selfservice/request.html", context, status=400 if form.is_bound else 200)


@require_POST
def request_close(request: HttpRequest, ticket_id: int) -> HttpResponse:
    language = page_language(request)
    customer = _granted_customer(request)
    found = request_thread(customer=customer, ticket_id=ticket_id) if customer is not None else None
    if customer is None or found is None:
        raise Http404
    try:
        services.request_close(customer=customer, ticket=found[0])
    except ServiceError as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("The request is closed. Write to us any time if you need us again."))
    return redirect_to("selfservice:request", language, ticket_id=ticket_id)
