"""The public "Where is my order" pages: no login. The order is shown only to a browser holding a
grant for it (a session entry, signed and short-lived) got by a one-time code or a signed link."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from helpdesk import ratelimit
from helpdesk.errors import ServiceError
from helpdesk.language import normalise_language
from tickets.models import Order

from . import services
from .forms import CodeForm, LookupForm, ProblemForm, ReturnForm
from .selectors import customer_zone, order_overview

_PENDING = "selfservice.pending"
_GRANT = "selfservice.grant"
_GRANT_SALT = "selfservice.grant"
GRANT_MAX_AGE = 3600
RATE_WINDOW = 3600
CODE_REQUESTS_PER_IP = 10
CODE_REQUESTS_PER_EMAIL = 5
GUESSES_PER_IP = 20
GUESSES_PER_ORDER = 10


def page_language(request: HttpRequest) -> str:
    codes = [code for code, _name in settings.LANGUAGES]
    chosen = (request.POST.get("lang") or request.GET.get("lang") or "").strip().lower()
    language = chosen if chosen in codes else normalise_language(translation.get_language())
    translation.activate(language)
    request.LANGUAGE_CODE = language
    return language


def redirect_to(name: str, language: str, **kwargs: object) -> HttpResponseRedirect:
    return HttpResponseRedirect(f"{reverse(name, kwargs=kwargs or None)}?{urlencode({'lang': language})}")


def limited(checks: list[tuple[str, str, int]]) -> ratelimit.Verdict | None:
    for scope, identity, limit in checks:
        verdict = ratelimit.hit(scope, identity, limit=limit, window=RATE_WINDOW)
        if not verdict.allowed:
            return verdict
    return None


def too_many(request: HttpRequest, language: str, verdict: ratelimit.Verdict) -> HttpResponse:
    response = render(request, "selfservice/rate_limited.html", {"lang": language}, status=429)
    response["Retry-After"] = str(verdict.retry_after)
    return response


def _grant(request: HttpRequest, order: Order) -> None:
    request.session.cycle_key()  # a new session id once verified
    request.session[_GRANT] = signing.dumps(order.pk, salt=_GRANT_SALT)
    request.session.pop(_PENDING, None)


def _granted_order(request: HttpRequest, order_id: int) -> Order | None:
    try:
        granted = signing.loads(request.session.get(_GRANT, ""), salt=_GRANT_SALT, max_age=GRANT_MAX_AGE)
    except signing.BadSignature:
        return None
    if granted != order_id:
        return None
    return Order.objects.select_related("customer").filter(pk=order_id).first()


@require_http_methods(["GET", "POST"])
def lookup(request: HttpRequest) -> HttpResponse:
    language = page_language(request)
    form = LookupForm(request.POST or None)
    if request.method == "GET" or not form.is_valid():
        return render(request, "selfservice/lookup.html", {"form": form, "lang": language}, status=200)
    number, email = form.cleaned_data["order_number"], form.cleaned_data["email"]
    verdict = limited(
        [
            ("selfservice-code-ip", ratelimit.client_ip(request), CODE_REQUESTS_PER_IP),
            ("selfservice-code-email", email, CODE_REQUESTS_PER_EMAIL),
        ]
    )
    if verdict is not None:
        return too_many(request, language, verdict)
    services.code_request(order_number=number, email=email, language=language, now=timezone.now())
    request.session[_PENDING] = {"n": number, "e": email}
    return redirect_to("selfservice:code", language)


@require_http_methods(["GET", "POST"])
def code(request: HttpRequest) -> HttpResponse:
    language = page_language(request)
    pending = request.session.get(_PENDING)
    if not pending:
        return redirect_to("selfservice:lookup", language)
    form = CodeForm(request.POST or None)
    context = {"form": form, "lang": language, "minutes": services.CODE_MINUTES}
    if request.method == "GET" or not form.is_valid():
        return render(request, "selfservice/code.html", context)
    verdict = limited(
        [
            ("selfservice-guess-ip", ratelimit.client_ip(request), GUESSES_PER_IP),
            ("selfservice-guess-order", pending["n"].lower(), GUESSES_PER_ORDER),
        ]
    )
    if verdict is not None:
        return too_many(request, language, verdict)
    order = services.code_verify(
        order_number=pending["n"], email=pending["e"], code=form.cleaned_data["code"], now=timezone.now()
    )
    if order is None:
        form.add_error(
            "code",
            _("This code is not valid or has expired. Check the code in our latest email, or ask for a new one."),
        )
        return render(request, "selfservice/code.html", context, status=400)
    _grant(request, order)
    return redirect_to("selfservice:order", language, order_id=order.pk)


def link(request: HttpRequest, token: str) -> HttpResponse:
    language = page_language(request)
    order = services.order_link_open(token=token)
    if order is None:
        messages.error(request, _("This link is no longer valid. Enter your order number and email instead."))
        return redirect_to("selfservice:lookup", language)
    _grant(request, order)
    return redirect_to("selfservice:order", language, order_id=order.pk)


def _page(request: HttpRequest, order: Order, language: str, status: int = 200, **forms: object) -> HttpResponse:
    context = order_overview(order=order, now=timezone.now())
    context.update(
        lang=language,
        problem_form=forms.get("problem_form") or ProblemForm(),
        return_form=forms.get("return_form") or ReturnForm(),
        return_refusal=forms.get("return_refusal", ""),
    )
    with timezone.override(customer_zone(order.customer.time_zone)):  # the timeline in the customer's hours
        return render(request, "selfservice/order.html", context, status=status)


def order_page(request: HttpRequest, order_id: int) -> HttpResponse:
    language = page_language(request)
    order = _granted_order(request, order_id)
    if order is None:
        return redirect_to("selfservice:lookup", language)
    return _page(request, order, language)


def _order_or_404(request: HttpRequest, order_id: int) -> Order:
    order = _granted_order(request, order_id)
    if order is None:
        raise Http404
    return order


@require_POST
def report_problem(request: HttpRequest, order_id: int) -> HttpResponse:
    language = page_language(request)
    order = _order_or_404(request, order_id)
    form = ProblemForm(request.POST)
    if not form.is_valid():
        return _page(request, order, language, status=400, problem_form=form)
    ticket = services.problem_report(
        order=order, category=form.cleaned_data["category"], body=form.cleaned_data["message"], language=language
    )
    messages.success(
        request,
        _("Thank you: your request has the reference %(reference)s. We will answer you by email.")
        % {"reference": ticket.reference},
    )
    return redirect_to("selfservice:order", language, order_id=order.pk)


@require_POST
def request_return(request: HttpRequest, order_id: int) -> HttpResponse:
    language = page_language(request)
    order = _order_or_404(request, order_id)
    form = ReturnForm(request.POST)
    if not form.is_valid():
        return _page(request, order, language, status=400, return_form=form)
    data = form.cleaned_data
    try:
        services.return_from_order_page(
            order=order,
            kind=data["kind"],
            reason=data["reason"],
            sku=data["sku"],
            quantity=data["quantity"],
            detail=data["detail"],
            language=language,
        )
    except ServiceError as refusal:
        return _page(request, order, language, status=400, return_form=form, return_refusal=refusal.message)
    messages.success(request, _("Your return request was sent. We will tell you by email what happens next."))
    return redirect_to("selfservice:order", language, order_id=order.pk)
