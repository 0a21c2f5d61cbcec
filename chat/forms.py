from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from helpdesk import roles
from tickets.models import Team


class TransferForm(forms.Form):
    agent = forms.ModelChoiceField(queryset=get_user_model().objects.none(), required=False, label=_("To an agent"))
    team = forms.ModelChoiceField(
        queryset=Team.objects.order_by("name"), required=False, label=_("Or to a team's queue")
    )
    note = forms.CharField(
        label=_("Note for whoever takes it"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, exclude_user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        agents = get_user_model().objects.filter(roles.users_with_perm_q(roles.WORK_TICKETS), is_active=True)
        if exclude_user is not None:
            agents = agents.exclude(pk=exclude_user.pk)
        self.fields["agent"].queryset = agents.order_by("first_name", "username")  # type: ignore[attr-defined]
        self.fields["agent"].label_from_instance = lambda user: user.get_full_name() or user.get_username()  # type: ignore[attr-defined]
