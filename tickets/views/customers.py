"""Merging the ticket's customer into another record of the same person, from the ticket page."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from helpdesk.decorators import staff_view
from helpdesk.errors import ServiceError
from helpdesk.links import page_url

from .. import selectors, services


@staff_view()
@require_POST
def customer_merge(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = selectors.ticket_for_user(request.user, pk)
    target = services.customer_find(request.POST.get("other", ""))
    if target is None:
        messages.error(request, _("No customer has this email address or phone number."))
        return redirect(page_url(ticket, "ticket-customer"))
    try:
        services.customer_merge(source=ticket.customer, target=target, actor=request.user)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The customer was merged into %(name)s.") % {"name": target.name})
    return redirect(page_url(ticket, "ticket-customer"))
