from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from logistics.models import Carrier

from .models import ReturnKind, ReturnReason


def parse_items(text: str) -> list[dict[str, Any]]:
    """One item a line: the SKU, then the quantity ("TS-42-BLUE 2"); 1 when no quantity is given."""
    rows = []
    for line in (text or "").splitlines():
        parts = line.replace(",", " ").replace(";", " ").split()
        if not parts:
            continue
        quantity = parts[-1] if len(parts) > 1 else "1"
        sku = " ".join(parts[:-1]) if len(parts) > 1 else parts[0]
        rows.append({"sku": sku, "quantity": quantity})
    return rows


class ReturnRequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ReturnKind.choices)
    reason = forms.ChoiceField(label=_("Reason"), choices=ReturnReason.choices)
    items = forms.CharField(
        label=_("Items"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One item a line: the SKU, then the quantity."),
    )
    refund_amount = forms.CharField(label=_("Refund amount"), required=False, help_text=_("Empty: the order total."))
    reason_detail = forms.CharField(label=_("Details"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReturnStepForm(forms.Form):
    note = forms.CharField(label=_("Why"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    tracking_number = forms.CharField(label=_("Tracking number"), required=False)
    carrier = forms.ModelChoiceField(label=_("Carrier"), queryset=Carrier.objects.order_by("name"), required=False)
    label_url = forms.CharField(label=_("Label link"), required=False)
    label_file = forms.FileField(label=_("Label file"), required=False)
    passed = forms.TypedChoiceField(
        label=_("Inspection"),
        choices=[("1", _("Items as expected")), ("0", _("Items not as expected"))],
        coerce=lambda v: v == "1",
        required=False,
    )
