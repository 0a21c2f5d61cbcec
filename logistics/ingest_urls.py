"""The URLs of the ingestion-only tier (logistics.ingest_settings): the two webhooks, nothing else."""

from django.urls import path

from . import webhook_views

app_name = "logistics"

urlpatterns = [
    path("webhooks/aftership/", webhook_views.aftership, name="webhook_aftership"),
    path("webhooks/17track/", webhook_views.seventeentrack, name="webhook_17track"),
]
