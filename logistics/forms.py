from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import ExceptionKind, ServiceType
from .models import Carrier


class TrackingForm(forms.Form):
    tracking_number = forms.CharField(label=_("Tracking number"), max_length=60)
    carrier = forms.ModelChoiceField(
        label=_("Carrier"),
        queryset=Carrier.objects.none(),
        required=False,
        empty_label=_("Tell from the number"),
    )
    service_type = forms.ChoiceField(label=_("Service type"), choices=ServiceType.choices, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["carrier"].queryset = Carrier.objects.filter(is_active=True).order_by("name")  # type: ignore[attr-defined]


class ExceptionFilterForm(forms.Form):
    carrier = forms.CharField(label=_("Carrier"), required=False, max_length=100)
    country = forms.CharField(label=_("Country"), required=False, max_length=2)
    kind = forms.ChoiceField(label=_("Kind"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("Any")), *ExceptionKind.choices]  # type: ignore[attr-defined]
