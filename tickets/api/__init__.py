"""The REST API for store platforms and integrations: thin viewsets over the ticket services."""

from .attachments import AttachmentViewSet
from .customers import CustomerViewSet
from .messages import MessageViewSet
from .orders import OrderViewSet
from .tickets import TicketViewSet

__all__ = ["AttachmentViewSet", "CustomerViewSet", "MessageViewSet", "OrderViewSet", "TicketViewSet"]
