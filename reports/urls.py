from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("returns/", views.returns, name="returns"),
    path("export/<slug:name>.csv", views.export, name="export"),
]
