from .carriers import Carrier
from .exceptions import ExceptionRule, ShipmentException
from .shipments import Shipment, ShipmentStatusChange, TrackingEvent
from .webhooks import WebhookDelivery

__all__ = [
    "Carrier",
    "ExceptionRule",
    "Shipment",
    "ShipmentException",
    "ShipmentStatusChange",
    "TrackingEvent",
    "WebhookDelivery",
]
