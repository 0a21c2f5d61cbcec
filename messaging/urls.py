from django.urls import path

from . import views, webhook_views

app_name = "messaging"

urlpatterns = [
    path("webhooks/messaging/<str:provider>/<slug:slug>/", webhook_views.webhook, name="webhook"),
    path("messaging/health/", views.health, name="health"),
    path("messaging/tickets/<int:pk>/template/", views.template_send, name="template_send"),
]
