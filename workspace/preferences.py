"""The preferences page's section on notices: for each kind, in the app, by email, both or not at all."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from helpdesk.preferences import PreferencesSection

from .models import Delivery, NoticeKind
from .notifications import DEFAULT_DELIVERY, deliveries, notice_preferences_set


class NoticePreferencesForm(forms.Form):
    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "notices")
        super().__init__(*args, **kwargs)
        chosen = deliveries([user.pk], NoticeKind.values)
        for kind in NoticeKind:
            self.fields[kind.value] = forms.ChoiceField(
                label=kind.label,
                choices=Delivery.choices,
                required=False,  # a form sent without this section leaves the choices as they are
                initial=chosen.get((user.pk, kind.value), DEFAULT_DELIVERY),
            )


def _form(user: Any, data: Any) -> forms.Form:
    return NoticePreferencesForm(data, user=user)


def _save(user: Any, form: forms.Form) -> None:
    notice_preferences_set(user=user, choices={kind: value for kind, value in form.cleaned_data.items() if value})


SECTION = PreferencesSection(name="notices", title=_("Notifications"), form=_form, save=_save)
