from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from returns.models import ReturnKind, ReturnReason
from tickets.models import Category
from tickets.public_forms import CategoryChoiceField

from .help import QUERY_MAX_CHARS, search_terms


class LookupForm(forms.Form):
    order_number = forms.CharField(label=_("Order number"), max_length=100)
    email = forms.EmailField(label=_("Your email address"), max_length=254)


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("The 6-digit code from our email"),
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


class ProblemForm(forms.Form):
    category = CategoryChoiceField(
        label=_("What is it about?"), queryset=Category.objects.none(), empty_label=_("Please choose")
    )
    message = forms.CharField(label=_("Message"), max_length=10_000, widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        category = self.fields["category"]
        assert isinstance(category, forms.ModelChoiceField)
        category.queryset = Category.objects.filter(is_active=True).order_by("position", "slug")


class ReturnForm(forms.Form):
    kind = forms.ChoiceField(label=_("What would you like?"), choices=ReturnKind.choices)
    reason = forms.ChoiceField(label=_("Why?"), choices=ReturnReason.choices)
    sku = forms.CharField(label=_("Item (SKU from your order confirmation)"), max_length=64)
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=999, initial=1)
    detail = forms.CharField(
        label=_("Anything to add?"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class RequestsLookupForm(forms.Form):
    email = forms.EmailField(label=_("Your email address"), max_length=254)


class ReplyForm(forms.Form):
    message = forms.CharField(label=_("Your reply"), max_length=10_000, widget=forms.Textarea(attrs={"rows": 5}))


class HelpSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search the help centre"),
        max_length=QUERY_MAX_CHARS,
        error_messages={
            "required": _("Type a few words to search for."),
            "max_length": _("Your search is too long: use at most %(limit_value)d characters."),
        },
        widget=forms.TextInput(attrs={"type": "search"}),
    )

    def clean_q(self) -> str:
        query = self.cleaned_data["q"]
        if not search_terms(query):
            raise forms.ValidationError(_("Type a few words to search for."), code="required")
        return str(query)
