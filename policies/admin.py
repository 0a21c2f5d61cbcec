from __future__ import annotations

import zoneinfo
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helpdesk.admin_base import ReadOnlyAdmin
from helpdesk.money import currency_exponent
from helpdesk.names import person_name

from .models import CompensationGrant, CompensationRequest, DecisionLog, ExchangeRate, Kind, TierAuthority
from .services import rate_day


class TierAuthorityForm(forms.ModelForm):
    kinds = forms.MultipleChoiceField(
        label=_("Kinds granted on their own"),
        choices=Kind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = TierAuthority
        fields = ["tier", "limit_usd", "kinds"]


@admin.register(TierAuthority)
class TierAuthorityAdmin(admin.ModelAdmin):
    form = TierAuthorityForm
    list_display = ["tier", "limit_usd", "kinds_granted"]

    @admin.display(description=_("Kinds granted on their own"))
    def kinds_granted(self, tier: TierAuthority) -> str:
        labels = dict(Kind.choices)
        return ", ".join(str(labels.get(kind, kind)) for kind in tier.kinds or []) or "-"


class ExchangeRateForm(forms.ModelForm):
    class Meta:
        model = ExchangeRate
        fields = ["currency", "date", "units_per_usd", "source"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = rate_day
        self.fields["date"].help_text = _(
            "The support centre's calendar day (%(zone)s): compensation requested on that day uses this rate. "
            "Without a rate for the day, the latest of the %(days)s days before it is used."
        ) % {"zone": settings.SUPPORT_TIME_ZONE, "days": settings.EXCHANGE_RATE_MAX_AGE_DAYS}

    def clean_currency(self) -> str:
        code = self.cleaned_data["currency"].strip().upper()
        if currency_exponent(code) is None or code == "USD":
            raise forms.ValidationError(_("Enter an ISO 4217 currency other than USD."))
        return code


@admin.register(ExchangeRate)
class ExchangeRateAdmin(admin.ModelAdmin):
    form = ExchangeRateForm
    list_display = ["date", "currency", "units_per_usd", "source", "updated_at"]
    list_filter = ["currency"]
    date_hierarchy = "date"
    search_fields = ["currency"]

    def changeform_view(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        """Rendered in the support centre's zone, whatever the admin's own: the calendar's "Today"
        is then the day the limit check asks a rate for."""
        with timezone.override(zoneinfo.ZoneInfo(settings.SUPPORT_TIME_ZONE)):
            response = super().changeform_view(request, *args, **kwargs)
            if isinstance(response, TemplateResponse):
                response.render()
            return response


@admin.register(CompensationRequest)
class CompensationRequestAdmin(ReadOnlyAdmin):
    list_display = ["id", "ticket", "kind", "currency", "amount", "amount_usd", "state", "requester", "created_at"]
    list_filter = ["state", "kind", "currency"]
    list_select_related = ["ticket", "requested_by"]
    search_fields = ["ticket__subject", "customer__email"]
    raw_id_fields = ["ticket", "order", "customer"]

    @admin.display(description=_("requested by"), ordering="requested_by")
    def requester(self, request: CompensationRequest) -> str:
        return person_name(request.requested_by)


@admin.register(DecisionLog)
class DecisionLogAdmin(ReadOnlyAdmin):
    list_display = ["request", "decision", "automatic", "decided_by", "comment", "rate", "amount_usd", "created_at"]
    list_filter = ["decision", "automatic"]
    list_select_related = ["request", "actor"]

    @admin.display(description=_("decided by"), ordering="actor")
    def decided_by(self, log: DecisionLog) -> str:
        return person_name(log.actor)


@admin.register(CompensationGrant)
class CompensationGrantAdmin(ReadOnlyAdmin):
    list_display = ["request", "kind", "currency", "amount", "amount_usd", "coupon_code", "created_at"]
    list_filter = ["kind", "currency"]
    search_fields = ["coupon_code"]
    list_select_related = ["request"]
