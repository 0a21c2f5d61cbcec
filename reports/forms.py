"""The dashboard's filters. The choices offered follow the viewer's scope (reports.access)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, cast

from django import forms
from django.contrib.auth import get_user_model
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helpdesk.countries import real_countries
from tickets.models import Category, Channel, Team

from .access import Access, ReportFilters
from .periods import MAX_DAYS, Period

BREAKDOWNS = {
    "team": _("Team"),
    "agent": _("Agent"),
    "category": _("Category"),
    "country": _("Country"),
    "channel": _("Channel"),
}


class ReportFilterForm(forms.Form):
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    team = forms.TypedChoiceField(label=_("Team"), coerce=int, required=False, empty_value=None)
    agent = forms.TypedChoiceField(label=_("Agent"), coerce=int, required=False, empty_value=None)
    category = forms.TypedChoiceField(label=_("Category"), coerce=int, required=False, empty_value=None)
    country = forms.ChoiceField(label=_("Country"), required=False)
    channel = forms.ChoiceField(label=_("Channel"), required=False)
    step = forms.ChoiceField(
        label=_("Trend"),
        required=False,
        choices=[("", _("Automatic")), ("day", _("By day")), ("week", _("By week"))],
    )
    by = forms.ChoiceField(label=_("Breakdown by"), required=False)

    def __init__(self, data: Any = None, *, access: Access, now: datetime | None = None) -> None:
        self.now = now or timezone.now()
        self.default_period = Period.default(self.now)
        data = data.copy() if data is not None else QueryDict(mutable=True)
        if not data.get("date_from") and not data.get("date_to"):
            # Show the period in effect rather than empty date boxes.
            data["date_from"] = self.default_period.first.isoformat()
            data["date_to"] = self.default_period.last.isoformat()
        super().__init__(data)
        self.access = access
        self.teams = list(Team.objects.all() if access.all_teams else Team.objects.filter(pk=access.team_id or 0))
        self.categories = list(Category.objects.all())
        self.agents = self._agents()
        self._choices("team", [("", _("All teams"))] if access.all_teams else [], [(t.pk, t.name) for t in self.teams])
        self._choices("agent", [("", _("All agents"))], [(a.pk, a.get_full_name() or a.username) for a in self.agents])
        self._choices("category", [("", _("All categories"))], [(c.pk, c.name) for c in self.categories])
        self._choices("country", [("", _("All countries"))], real_countries())
        self._choices("channel", [("", _("All channels"))], Channel.choices)
        breakdowns = {k: v for k, v in BREAKDOWNS.items() if self._may_break_down_by(k)}
        self._choices("by", [], list(breakdowns.items()))
        if not access.may_choose_team:
            del self.fields["team"]
        if not access.may_choose_agent:
            del self.fields["agent"]

    def _agents(self) -> list[Any]:
        if not self.access.may_choose_agent:
            return []
        users = get_user_model().objects.filter(is_active=True, agent_profile__isnull=False)
        if not self.access.all_teams:
            users = users.filter(agent_profile__team_id=self.access.team_id or 0)
        return list(users.order_by("first_name", "last_name", "username"))

    def _choices(self, name: str, head: list[Any], options: list[Any]) -> None:
        cast(forms.ChoiceField, self.fields[name]).choices = head + options

    def _may_break_down_by(self, name: str) -> bool:
        if name == "team":
            return self.access.all_teams
        return name != "agent" or self.access.may_choose_agent

    def default_breakdown(self) -> str:
        if self.access.all_teams:
            return "team"
        return "agent" if self.access.may_choose_agent else "category"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        last = data.get("date_to") or self.default_period.last
        first = data.get("date_from") or last - timedelta(days=self.default_period.days - 1)
        if first > last:
            self.add_error("date_to", _("The end of the period comes before its start."))
        elif (last - first).days + 1 > MAX_DAYS:
            self.add_error("date_to", _("A period is at most %(days)d days long.") % {"days": MAX_DAYS})
        else:
            data["period"] = Period(first, last)
        return data

    def filters(self) -> ReportFilters:
        """The filters to apply; a field with an error is left out (its error is shown on the page)."""
        self.is_valid()
        data = self.cleaned_data
        period = data.get("period") or self.default_period
        return ReportFilters(
            access=self.access,
            period=period,
            step=data.get("step") or period.default_step(),
            team_id=data.get("team") if self.access.may_choose_team else None,
            agent_id=data.get("agent") if self.access.may_choose_agent else None,
            category_id=data.get("category"),
            country=data.get("country") or "",
            channel=data.get("channel") or "",
            now=self.now,
        )

    def breakdown(self) -> str:
        by = self.cleaned_data.get("by") if hasattr(self, "cleaned_data") else None
        return by or self.default_breakdown()
