from __future__ import annotations

import json
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from helpdesk.errors import ServiceError

from .models import CallbackOutcome, Segment
from .rules import validate_rule


class CallbackOutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("How did the call go?"),
        choices=[c for c in CallbackOutcome.choices if c[0]],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)
    follow_up_subject = forms.CharField(label=_("Subject of the follow-up ticket"), required=False, max_length=255)


class SegmentAdminForm(forms.ModelForm):
    class Meta:
        model = Segment
        fields = [
            "name",
            "slug",
            "rule",
            "is_active",
            "position",
            "priority_bump",
            "first_response_minutes",
            "route_min_tier",
            "chat_rank",
        ]

    def clean_rule(self) -> Any:
        rule = self.cleaned_data.get("rule")
        if isinstance(rule, str):
            try:
                rule = json.loads(rule)
            except ValueError as error:
                raise forms.ValidationError(_("The rule is not valid JSON.")) from error
        try:
            return validate_rule(rule)
        except ServiceError as error:
            raise forms.ValidationError(error.message) from error


class ScorecardForm(forms.Form):
    weeks = forms.IntegerField(label=_("Weeks"), min_value=1, max_value=52, required=False)
