"""REST API shapes: one serializer for what a client sends, one for what it gets back.

Input serializers only check shape and types; business rules live in the services, whose
errors the views turn into HTTP answers (helpdesk.api.as_api_error).
"""

from .customers import (
    CustomerFilterSerializer,
    CustomerInputSerializer,
    CustomerSerializer,
    CustomerSummarySerializer,
    InlineCustomerSerializer,
    OrderFilterSerializer,
    OrderInputSerializer,
    OrderSerializer,
    OrderSummarySerializer,
    visible_customers,
    visible_orders,
)
from .fields import CountryField, LanguageField, NamedChoiceField, PriorityField
from .messages import AttachmentSerializer, MessageInputSerializer, MessageSerializer
from .tickets import (
    TicketCreateSerializer,
    TicketDetailSerializer,
    TicketFactsSerializer,
    TicketFilterSerializer,
    TicketSerializer,
    TicketUpdateSerializer,
    UserSummarySerializer,
)

__all__ = [
    "AttachmentSerializer",
    "CountryField",
    "CustomerFilterSerializer",
    "CustomerInputSerializer",
    "CustomerSerializer",
    "CustomerSummarySerializer",
    "InlineCustomerSerializer",
    "LanguageField",
    "MessageInputSerializer",
    "MessageSerializer",
    "NamedChoiceField",
    "OrderFilterSerializer",
    "OrderInputSerializer",
    "OrderSerializer",
    "OrderSummarySerializer",
    "PriorityField",
    "TicketCreateSerializer",
    "TicketDetailSerializer",
    "TicketFactsSerializer",
    "TicketFilterSerializer",
    "TicketSerializer",
    "TicketUpdateSerializer",
    "UserSummarySerializer",
    "visible_customers",
    "visible_orders",
]
