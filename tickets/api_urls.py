"""/api/v1/: customers, orders, tickets, their messages, and attachments."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from .api import AttachmentViewSet, CustomerViewSet, MessageViewSet, OrderViewSet, TicketViewSet

app_name = "tickets_api"

router = SimpleRouter(use_regex_path=False)
router.register("customers", CustomerViewSet, basename="customer")
router.register("orders", OrderViewSet, basename="order")
router.register("tickets", TicketViewSet, basename="ticket")
router.register("attachments", AttachmentViewSet, basename="attachment")

urlpatterns = [
    path(
        "tickets/<int:ticket_pk>/messages/",
        MessageViewSet.as_view({"get": "list", "post": "create"}),
        name="ticket-messages",
    ),
    *router.urls,
]
