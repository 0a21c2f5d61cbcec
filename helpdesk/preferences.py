"""An agent's own preferences: the interface language and the time zone every time is shown in."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .decorators import staff_view
from .form_choices import time_zone_choices


def agent_language_choices() -> list[tuple[str, Any]]:
    return [(code, name) for code, name in settings.LANGUAGES if code in settings.AGENT_LANGUAGES]


class PreferencesForm(forms.Form):
    ui_language = forms.ChoiceField(label=gettext_lazy("Interface language"), choices=agent_language_choices)
    time_zone = forms.ChoiceField(
        label=gettext_lazy("Time zone"),
        help_text=gettext_lazy("Every date and time in the helpdesk is shown in this zone."),
        choices=lambda: time_zone_choices(translation.get_language() or "en"),
    )

    def clean_time_zone(self) -> str:
        name = self.cleaned_data["time_zone"]
        if name not in zoneinfo.available_timezones():  # the choices say so too; this is the rule
            raise forms.ValidationError(_("Unknown time zone."))
        return str(name)


@dataclass(frozen=True)
class PreferencesSection:
    """More preferences from an app above this package (e.g. how notices are delivered), shown on the
    same page and saved with the same button: `form(user, data)` builds the section's form (prefixed),
    `save(user, form)` stores its cleaned data through the app's own service."""

    name: str
    title: Any
    form: Callable[[Any, Any], forms.Form]
    save: Callable[[Any, forms.Form], None]


_SECTIONS: dict[str, PreferencesSection] = {}


def register_preferences_section(section: PreferencesSection) -> None:
    _SECTIONS[section.name] = section


@staff_view()
def preferences(request: HttpRequest) -> HttpResponse:
    profile = getattr(request.user, "agent_profile", None)
    if profile is None:
        return render(request, "helpdesk/preferences.html", {"form": None, "nav": "preferences"}, status=404)
    user = request.user
    if request.method == "POST":
        form = PreferencesForm(request.POST)
        sections = [(section, section.form(user, request.POST)) for section in _SECTIONS.values()]
        if form.is_valid() and all(section_form.is_valid() for _section, section_form in sections):
            for section, section_form in sections:
                section.save(user, section_form)
            profile.ui_language = form.cleaned_data["ui_language"]
            profile.time_zone = form.cleaned_data["time_zone"]
            profile.save(update_fields=["ui_language", "time_zone"])
            translation.activate(profile.ui_language)
            request.LANGUAGE_CODE = profile.ui_language
            messages.success(request, _("Your preferences are saved."))
            response = redirect("preferences")
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                profile.ui_language,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
            return response
        status = 400
    else:
        form = PreferencesForm(initial={"ui_language": profile.ui_language, "time_zone": profile.time_zone})
        sections = [(section, section.form(user, None)) for section in _SECTIONS.values()]
        status = 200
    context = {"form": form, "sections": sections, "nav": "preferences", "now": timezone.now()}
    return render(request, "helpdesk/preferences.html", context, status=status)
