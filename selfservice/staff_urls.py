from django.urls import path

from . import assistant_views

app_name = "assistant"

urlpatterns = [
    path("report/", assistant_views.report, name="report"),
]
