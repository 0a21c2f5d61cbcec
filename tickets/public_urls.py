"""Public pages (no login): the support form, and the raw-email endpoint for mail providers."""

from django.urls import path

from . import public_views

app_name = "public"

urlpatterns = [
    path("support/", public_views.support_form, name="support"),
    path("support/thanks/", public_views.support_thanks, name="thanks"),
    path("inbound/email/", public_views.inbound_email, name="inbound_email"),
]
