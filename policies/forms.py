from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tickets.models import Ticket

from .models import CouponType, Decision, Kind, MessageMode, Reason


class CompensationRequestForm(forms.Form):
    """The agent's request; the service does the real validation and its errors land on fields."""

    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    amount = forms.CharField(
        label=_("Amount"),
        required=False,
        max_length=30,
        help_text=_("In the order's currency. Not needed for a full refund or a percent coupon."),
    )
    currency = forms.CharField(label=_("Currency"), required=False, max_length=3)
    reason = forms.ChoiceField(label=_("Reason"), choices=[("", "—"), *Reason.choices], required=False)
    reason_detail = forms.CharField(
        label=_("Reason in words"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    items = forms.CharField(label=_("Items to reship"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    description = forms.CharField(
        label=_("What the customer gets"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    coupon_type = forms.ChoiceField(label=_("Coupon"), choices=[("", "—"), *CouponType.choices], required=False)
    coupon_percent = forms.CharField(label=_("Percent off"), required=False, max_length=10)
    coupon_valid_until = forms.DateField(
        label=_("Valid until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    is_exchange = forms.BooleanField(label=_("Exchange (not a return)"), required=False)
    customer_pays_return_shipping = forms.BooleanField(label=_("Customer pays return shipping"), required=False)
    message_mode = forms.ChoiceField(
        label=_("On approval, add"), choices=MessageMode.choices, initial=MessageMode.NOTE, widget=forms.RadioSelect
    )
    message = forms.CharField(
        label=_("Message"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Your words to the customer (public reply) or to colleagues (note)."),
    )

    def __init__(self, *args: Any, ticket: Ticket, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.ticket = ticket
        if ticket.order is not None:
            self.fields["currency"].initial = ticket.order.currency
            self.fields["currency"].widget.attrs["readonly"] = True


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[(Decision.APPROVED, _("Approve")), (Decision.REJECTED, _("Reject"))])
    comment = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
