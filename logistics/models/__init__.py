from .carriers import Carrier, CarrierExceptionCode
from .episodes import ExceptionEpisode
from .exceptions import ExceptionRule, ShipmentException
from .shipments import Shipment, ShipmentStatusChange, TrackingEvent
from .webhooks import WebhookDelivery

__all__ = [
    "Carrier",
    "CarrierExceptionCode",
    "ExceptionEpisode",
    "ExceptionRule",
    "Shipment",
    "ShipmentException",
    "ShipmentStatusChange",
    "TrackingEvent",
    "WebhookDelivery",
]
