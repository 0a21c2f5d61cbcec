from django.urls import path

from . import views, webhook_views

app_name = "logistics"

urlpatterns = [
    path("webhooks/aftership/", webhook_views.aftership, name="webhook_aftership"),
    path("webhooks/17track/", webhook_views.seventeentrack, name="webhook_17track"),
    path("logistics/exceptions/", views.exceptions, name="exceptions"),
    path("logistics/tickets/<int:pk>/tracking/", views.tracking_add, name="tracking_add"),
    path("logistics/tickets/<int:pk>/shipments/<int:shipment_pk>/", views.shipment_edit, name="shipment_edit"),
]
