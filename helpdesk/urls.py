from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import preferences, views

# Unknown URLs under /api/ answer JSON like the API's own 404s; pages keep Django's 404 page.
handler404 = "helpdesk.api.not_found"

admin.site.site_header = _("Helpdesk administration")
admin.site.site_title = _("Helpdesk administration")

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("preferences/language/", views.set_language, name="set_language"),
    path("preferences/", preferences.preferences, name="preferences"),
    path("approvals/", include("policies.urls")),
    path("reports/", include("reports.urls")),
    path("privacy/", include("privacy.urls")),
    path("insights/", include("insights.urls")),
    path("assistant/", include("selfservice.staff_urls")),
    path("", include("workspace.urls")),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/v1/", include("tickets.api_urls")),
    path("api/v1/policies/", include("policies.api_urls")),
    path("support/", include("selfservice.urls")),
    path("chat/", include("chat.urls")),
    path("", include("tickets.public_urls")),
    path("", include("logistics.urls")),
    path("", include("feedback.urls")),
    path("", include("returns.urls")),
    path("", include("messaging.urls")),
    path("", include("tickets.urls")),
]
