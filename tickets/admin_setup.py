"""The admin pages where an administrator sets up the helpdesk: teams, agents and their shifts,
SLA targets, customers and orders, categories and canned replies."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from helpdesk.countries import country_name
from helpdesk.money import currency_exponent
from helpdesk.names import person_name

from .admin_forms import AgentProfileAdminForm, CustomerAdminForm, ShiftAdminForm, TeamAdminForm
from .models import AgentProfile, CannedReply, Category, CategoryField, Customer, Order, Shift, SlaTarget, Team

User = get_user_model()
COUNTRIES_LISTED = 8


# --- Teams and agents ----------------------------------------------------------------------


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    form = TeamAdminForm
    list_display = ["name", "slug", "countries_served", "is_default", "auto_assign", "email"]
    list_filter = ["is_default", "auto_assign"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ("name",)}

    @admin.display(description=_("countries served"))
    def countries_served(self, team: Team) -> str:
        names = [country_name(code) for code in team.countries or []]
        shown = ", ".join(names[:COUNTRIES_LISTED])
        more = len(names) - COUNTRIES_LISTED
        return shown + (" " + gettext("and %(count)d more") % {"count": more} if more > 0 else "")


class AgentProfileInline(admin.StackedInline):
    model = AgentProfile
    form = AgentProfileAdminForm
    fk_name = "user"
    can_delete = False
    extra = 0
    max_num = 1
    verbose_name = _("helpdesk profile")
    verbose_name_plural = _("helpdesk profile")


admin.site.unregister(User)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    inlines = [AgentProfileInline]
    list_display = ["username", "email", "first_name", "last_name", "is_active", "team", "tier"]
    list_filter = [*DjangoUserAdmin.list_filter, "agent_profile__team", "agent_profile__tier"]
    list_select_related = ["agent_profile__team"]

    @admin.display(description=_("team"), ordering="agent_profile__team__name")
    def team(self, user: Any) -> Any:
        profile = getattr(user, "agent_profile", None)
        return profile.team if profile is not None and profile.team_id else "-"

    @admin.display(description=_("tier"), ordering="agent_profile__tier")
    def tier(self, user: Any) -> str:
        profile = getattr(user, "agent_profile", None)
        return profile.get_tier_display() if profile is not None else "-"


@admin.register(Shift)
class ShiftAdmin(admin.ModelAdmin):
    """Times are in the support centre's zone (settings.SUPPORT_TIME_ZONE), shown beside them."""

    form = ShiftAdminForm
    list_display = ["name", "region", "starts_at", "ends_at", "time_zone", "agents_on_shift"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Shift]:
        return super().get_queryset(request).prefetch_related("agents__user")

    @admin.display(description=_("time zone"))
    def time_zone(self, shift: Shift) -> str:
        return settings.SUPPORT_TIME_ZONE

    @admin.display(description=_("agents on this shift"))
    def agents_on_shift(self, shift: Shift) -> str:
        return ", ".join(sorted(person_name(profile.user) for profile in shift.agents.all())) or "-"

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        form.save_agents()


@admin.register(SlaTarget)
class SlaTargetAdmin(admin.ModelAdmin):
    list_display = ["kind", "priority", "first_response_minutes", "resolution_minutes"]
    list_filter = ["kind", "priority"]


# --- Customers and orders ------------------------------------------------------------------


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    form = CustomerAdminForm
    list_display = ["name", "email", "country", "language", "created_at"]
    list_filter = ["country", "language"]
    search_fields = ["name", "email"]
    readonly_fields = ["created_at"]


class OrderAdminForm(forms.ModelForm):
    class Meta:
        model = Order
        fields = [
            "customer",
            "platform",
            "external_number",
            "currency",
            "total",
            "ship_to_country",
            "placed_at",
            "delivered_at",
        ]

    def clean_currency(self) -> str:
        currency = (self.cleaned_data.get("currency") or "").upper()
        if currency_exponent(currency) is None:
            raise forms.ValidationError(_("Unknown currency code."))
        return currency

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        currency, total = data.get("currency"), data.get("total")
        exponent = currency_exponent(currency or "")
        if exponent is not None and total is not None and total != round(total, exponent):
            self.add_error(
                "total",
                _("%(currency)s amounts have at most %(places)d decimal places.")
                % {"currency": currency, "places": exponent},
            )
        return data


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    form = OrderAdminForm
    list_display = ["external_number", "platform", "customer", "currency", "total", "placed_at"]
    list_filter = ["platform", "currency"]
    search_fields = ["external_number", "customer__email"]
    list_select_related = ["customer"]
    autocomplete_fields = ["customer"]


# --- Categories and canned replies ---------------------------------------------------------


class CategoryFieldInline(TranslationTabularInline):
    model = CategoryField
    extra = 0
    fields = ["key", "label", "field_type", "required", "position"]


@admin.register(Category)
class CategoryAdmin(TranslationAdmin):  # plain, not Tabbed: the tabbed one loads jQuery UI from a CDN
    list_display = ["name", "slug", "kind", "is_active", "position"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ("name",)}
    inlines = [CategoryFieldInline]


@admin.register(CannedReply)
class CannedReplyAdmin(TranslationAdmin):
    list_display = ["title", "category", "team"]
    list_filter = ["category", "team"]
    search_fields = ["title"]
    list_select_related = ["category", "team"]
