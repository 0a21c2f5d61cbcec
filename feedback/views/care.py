"""Customer care pages for supervisors: the follow-ups of their team, and recording a call."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from helpdesk import roles
from helpdesk.decorators import staff_view
from helpdesk.errors import ServiceError, add_service_error

from .. import selectors, services
from ..forms import CareOutcomeForm


@staff_view(roles.SUPERVISE)
def care_list(request: HttpRequest) -> HttpResponse:
    show = "done" if request.GET.get("show") == "done" else "open"
    context = {"follow_ups": selectors.care_list(request.user, show=show), "show": show, "nav": "care"}
    return render(request, "feedback/care_list.html", context)


@staff_view(roles.SUPERVISE)
@require_http_methods(["GET", "POST"])
def care_detail(request: HttpRequest, pk: int) -> HttpResponse:
    follow_up = get_object_or_404(selectors.care_visible_to(request.user), pk=pk)
    status = 200
    if request.method == "POST":
        form = CareOutcomeForm(request.POST)
        if form.is_valid():
            try:
                services.care_record_outcome(follow_up=follow_up, actor=request.user, **form.cleaned_data)
            except ServiceError as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("The outcome of the call was recorded."))
                return redirect("feedback:care_list")
        status = 400
    else:
        form = CareOutcomeForm()
    context = {"follow_up": follow_up, "form": form, "nav": "care"}
    return render(request, "feedback/care_detail.html", context, status=status)
