"""The page where agents keep their own macros and supervisors share macros with their team.
Macros shared with everyone are kept by admins in the admin and listed here to read."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from helpdesk import roles
from helpdesk.decorators import staff_view
from helpdesk.errors import ServiceError, add_service_error

from .. import services
from ..macro_forms import REPLY_FIELDS, MacroForm
from ..models import Macro
from ..placeholders import PLACEHOLDERS

UNPROCESSABLE = 422


@staff_view()
def macro_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    editable = list(services.macros_editable_by(user).select_related("team"))
    editable_ids = {m.pk for m in editable}
    others = [m for m in services.macros_visible_to(user).select_related("team") if m.pk not in editable_ids]
    context = {
        "nav": "queue",
        "editable": editable,
        "others": others,
        "may_share": roles.is_supervisor(user),
    }
    return render(request, "tickets/macros/list.html", context)


@staff_view()
@require_http_methods(["GET", "POST"])
def macro_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    user = request.user
    macro = None
    if pk is not None:
        macro = services.macros_editable_by(user).prefetch_related("tags").filter(pk=pk).first()
        if macro is None:
            raise Http404("No macro found.")
    may_share = roles.is_supervisor(user)
    form = MacroForm(request.POST or None, may_share=may_share, macro=macro)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                saved = services.macro_save(
                    actor=user,
                    macro=macro,
                    shared=bool(form.cleaned_data.get("shared")),
                    fields=form.model_fields(),
                    tag_names=form.cleaned_data["tags"],
                )
            except ServiceError as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("Macro “%(name)s” saved.") % {"name": saved.name})
                return redirect("tickets:macros")
        status = UNPROCESSABLE
    context = {
        "nav": "queue",
        "form": form,
        "macro": macro,
        "reply_fields": [form[name] for name, _lang in REPLY_FIELDS],
        "placeholders": PLACEHOLDERS,
    }
    return render(request, "tickets/macros/edit.html", context, status=status)


@staff_view()
@require_POST
def macro_delete(request: HttpRequest, pk: int) -> HttpResponse:
    macro = Macro.objects.filter(pk=pk).first()
    try:
        if macro is None:
            raise Http404("No macro found.")
        services.macro_delete(actor=request.user, macro=macro)
    except ServiceError as error:
        raise Http404(error.message) from None
    messages.success(request, _("Macro deleted."))
    return redirect("tickets:macros")
