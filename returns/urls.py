from django.urls import path

from . import views

app_name = "returns"

urlpatterns = [
    path("tickets/<int:ticket_id>/returns/", views.return_request, name="request"),
    path("returns/<int:pk>/<slug:step>/", views.return_step, name="step"),
]
