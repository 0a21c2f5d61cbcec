from django.urls import path

from . import views

app_name = "policies"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("request/<int:ticket_pk>/", views.request_create, name="request_create"),
    path("requests/<int:pk>/", views.request_detail, name="request"),
    path("requests/<int:pk>/decide/", views.decide, name="decide"),
]
