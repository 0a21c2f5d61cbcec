"""Pages: the channel health page (supervisors and admins), sending a WhatsApp template from a ticket."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from helpdesk import roles
from helpdesk.decorators import staff_view
from helpdesk.errors import ServiceError
from helpdesk.links import page_url
from tickets.selectors import ticket_for_user

from . import selectors
from .forms import TemplateForm
from .services import templates_for, whatsapp_template_send


@staff_view(roles.SUPERVISE)
@require_GET
def health(request: HttpRequest) -> HttpResponse:
    return render(request, "messaging/health.html", {"nav": "messaging", "accounts": selectors.account_health()})


@staff_view()
@require_POST
def template_send(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = ticket_for_user(request.user, pk)
    form = TemplateForm(request.POST, templates=templates_for(ticket), prefix="template")
    if not form.is_valid():
        messages.error(request, _("Choose one of the approved templates."))
        return redirect(page_url(ticket, "panel-messaging"))
    try:
        whatsapp_template_send(
            ticket=ticket, template=form.cleaned_data["template"], parameters=form.parameter_list(), actor=request.user
        )
    except ServiceError as error:
        messages.error(request, error.message)
        return redirect(page_url(ticket, "panel-messaging"))
    messages.success(request, _("Template sent by WhatsApp."))
    return redirect(page_url(ticket, "thread-end"))
