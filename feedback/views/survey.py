"""The public survey page. A GET only shows the form (mail scanners open links); a POST records.

Unknown and tampered links get the same 404 page; an expired, replaced or archived survey a
polite 410; too many requests from one address a 429. Never a stack trace."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from helpdesk import ratelimit
from helpdesk.errors import ServiceError, add_service_error

from .. import conf, services
from ..forms import SurveyForm
from ..models import SurveyInvitation
from ..services.texts import stars, survey_texts


def _private(response: HttpResponse) -> HttpResponse:
    response["X-Robots-Tag"] = "noindex, nofollow"
    # The link is a credential: never pass it to another site. (Not "no-referrer": browsers then
    # send "Origin: null" with the form, which CSRF protection rightly refuses.)
    response["Referrer-Policy"] = "same-origin"
    return response


def _closed(request: HttpRequest, invitation: SurveyInvitation, state: services.SurveyState) -> HttpResponse:
    context = {"archived": state is services.SurveyState.ARCHIVED, "ticket": invitation.ticket}
    return _private(render(request, "feedback/survey_closed.html", context, status=410))


def _requested_rating(request: HttpRequest) -> int | None:
    value = request.GET.get("rating", "")
    return int(value) if value in {"1", "2", "3", "4", "5"} else None


@never_cache
@require_http_methods(["GET", "POST"])
def survey(request: HttpRequest, token: str) -> HttpResponse:
    limit, window = conf.survey_rate_limit()
    verdict = ratelimit.hit("feedback-survey", ratelimit.client_ip(request), limit=limit, window=window)
    if not verdict.allowed:
        response = render(request, "feedback/survey_rate_limited.html", status=429)
        response["Retry-After"] = str(verdict.retry_after)
        return _private(response)
    invitation = services.invitation_for_link(token)
    if invitation is None:
        return _private(render(request, "feedback/survey_invalid.html", status=404))
    translation.activate(invitation.language)
    request.LANGUAGE_CODE = invitation.language
    state = services.survey_state(invitation)
    if state is not services.SurveyState.OPEN:
        return _closed(request, invitation, state)
    ticket = invitation.ticket
    texts = survey_texts(
        invitation.language, customer_name=ticket.customer.name, reference=ticket.reference, subject=ticket.subject
    )
    answer = getattr(invitation, "response", None)
    status = 200
    if request.method == "POST":
        form = SurveyForm(request.POST, texts=texts)
        if form.is_valid():
            try:
                services.survey_respond(
                    invitation=invitation, rating=form.cleaned_data["rating"], comment=form.cleaned_data["comment"]
                )
            except services.SurveyClosed:
                return _closed(request, invitation, services.survey_state(invitation))
            except ServiceError as error:
                add_service_error(form, error)
            else:
                return _private(HttpResponseRedirect(f"{request.path}?thanks=1"))
        status = 400
    else:
        rating = _requested_rating(request) or (answer.rating if answer else None)
        form = SurveyForm(initial={"rating": rating, "comment": answer.comment if answer else ""}, texts=texts)
    selected = str(form["rating"].value() or "")
    context = {
        "form": form,
        "ratings": [
            {"value": value, "label": label, "stars": stars(value), "checked": str(value) == selected}
            for value, label in form.rating_choices
        ],
        "texts": texts,
        "ticket": ticket,
        "answer": answer,
        "thanks": answer is not None and request.GET.get("thanks") == "1",
        # Opened from a rating in the email: the rating is chosen, not recorded until confirmed.
        "unconfirmed": request.method == "GET" and answer is None and _requested_rating(request) is not None,
        "expires_at": invitation.expires_at,
    }
    return _private(render(request, "feedback/survey.html", context, status=status))
