from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import CareOutcome
from .services.care import MAX_NOTE_CHARS
from .services.cases import SOLUTION_CHARS
from .services.responses import MAX_COMMENT_CHARS


class SurveyForm(forms.Form):
    """The customer's answer; the labels come from the translated survey texts."""

    rating = forms.TypedChoiceField(
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose a rating."),
            "invalid_choice": _("Choose a rating."),
        },
    )
    comment = forms.CharField(required=False, max_length=MAX_COMMENT_CHARS, widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args: Any, texts: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rating_choices = [(n, texts[f"rating_{n}"]) for n in range(5, 0, -1)]
        rating = self.fields["rating"]
        assert isinstance(rating, forms.ChoiceField)
        rating.choices = self.rating_choices
        rating.label = texts["question"]
        self.fields["comment"].label = texts["comment"]


class CareOutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=[("", "—"), *CareOutcome.choices])
    note = forms.CharField(
        label=_("Note"), required=False, max_length=MAX_NOTE_CHARS, widget=forms.Textarea(attrs={"rows": 3})
    )
    reopen = forms.BooleanField(label=_("Reopen the ticket"), required=False)


class CaseSummaryForm(forms.Form):
    solution = forms.CharField(
        label=_("Solution in a few words"), max_length=SOLUTION_CHARS, widget=forms.Textarea(attrs={"rows": 4})
    )


class CaseSearchForm(forms.Form):
    q = forms.CharField(label=_("Search the case library"), required=False, max_length=200)
    ticket = forms.IntegerField(required=False, widget=forms.HiddenInput)
