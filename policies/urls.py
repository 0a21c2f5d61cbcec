from django.urls import path

from . import views, views_log

app_name = "policies"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("decisions/", views_log.decision_log, name="decision_log"),
    path("request/<int:ticket_pk>/", views.request_create, name="request_create"),
    path("requests/<int:pk>/", views.request_detail, name="request"),
    path("requests/<int:pk>/decide/", views.decide, name="decide"),
]
