"""Admin forms for people who do not write JSON: countries, languages and zones are picked from
lists; shifts say in which zone their times are and who works them."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.admin.widgets import FilteredSelectMultiple
from django.utils.translation import gettext_lazy as _

from helpdesk.countries import real_countries
from helpdesk.form_choices import CountryField, TimeZoneField, language_choices
from helpdesk.names import person_name

from .models import AgentProfile, Customer, Shift, Team


def shift_label(shift: Shift) -> str:
    return _("%(shift)s (%(zone)s)") % {"shift": shift, "zone": settings.SUPPORT_TIME_ZONE}


class ShiftChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return shift_label(obj)


class AgentChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        team = obj.team.name if obj.team_id else "-"
        return f"{person_name(obj.user)} · {team} · {obj.get_tier_display()}"


class TeamAdminForm(forms.ModelForm):
    countries = forms.MultipleChoiceField(
        label=_("countries served"),
        choices=real_countries,
        required=False,
        widget=FilteredSelectMultiple(_("countries"), is_stacked=False),
        help_text=_("Tickets from customers in these countries go to this team."),
    )

    class Meta:
        model = Team
        fields = ["name", "slug", "countries", "is_default", "auto_assign", "email"]

    def clean_countries(self) -> list[str]:
        return sorted(set(self.cleaned_data.get("countries") or []))


class AgentProfileAdminForm(forms.ModelForm):
    languages = forms.MultipleChoiceField(
        label=_("languages spoken"),
        choices=language_choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    time_zone = TimeZoneField(label=_("time zone"), initial="Asia/Shanghai")
    ui_language = forms.ChoiceField(label=_("interface language"), choices=())
    shifts = ShiftChoiceField(
        label=_("shifts"), queryset=Shift.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = AgentProfile
        fields = ["team", "tier", "languages", "time_zone", "ui_language", "on_shift", "shifts"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["ui_language"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(code, name) for code, name in language_choices() if code in settings.AGENT_LANGUAGES]

    def clean_languages(self) -> list[str]:
        chosen = set(self.cleaned_data.get("languages") or [])
        return [code for code, _name in settings.LANGUAGES if code in chosen]  # in the settings' order


class CustomerAdminForm(forms.ModelForm):
    language = forms.ChoiceField(label=_("language"), choices=language_choices)
    country = CountryField(label=_("country"), required=False)
    time_zone = TimeZoneField(label=_("time zone"), initial="UTC")

    class Meta:
        model = Customer
        fields = ["name", "email", "phone", "language", "country", "time_zone", "external_ids"]


class ShiftAdminForm(forms.ModelForm):
    agents = AgentChoiceField(
        label=_("agents on this shift"),
        queryset=AgentProfile.objects.select_related("user", "team").order_by("team__name", "user__first_name"),
        required=False,
        widget=FilteredSelectMultiple(_("agents"), is_stacked=False),
    )

    class Meta:
        model = Shift
        fields = ["name", "region", "starts_at", "ends_at"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        zone = settings.SUPPORT_TIME_ZONE
        self.fields["starts_at"].help_text = _("In the support centre's time zone, %(zone)s.") % {"zone": zone}
        self.fields["ends_at"].help_text = _(
            "In the support centre's time zone, %(zone)s. An end at or before the start runs past midnight."
        ) % {"zone": zone}
        if self.instance.pk:
            self.initial["agents"] = list(self.instance.agents.values_list("pk", flat=True))

    def save_agents(self) -> None:
        self.instance.agents.set(self.cleaned_data.get("agents") or [])
