from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("customers/<int:pk>/", views.customer_data, name="customer"),
    path("customers/<int:pk>/export/", views.export, name="export"),
    path("customers/<int:pk>/erasure/", views.erasure_request, name="erasure_request"),
    path("erasures/<int:pk>/cancel/", views.erasure_cancel, name="erasure_cancel"),
]
