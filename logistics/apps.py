from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LogisticsConfig(AppConfig):
    name = "logistics"
    verbose_name = _("Logistics tracking")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from tickets.history import register_event_kinds
        from tickets.models import Order
        from tickets.panels import register_panel

        from .history import TrackingEventKind
        from .models import CarrierExceptionCode, ExceptionRule, Shipment
        from .panel import tracking_panel
        from .services.matching import order_created, shipment_created
        from .services.rules import rules_cache_clear

        register_panel("logistics", template="logistics/panel.html", context=tracking_panel, order=20)
        register_event_kinds(TrackingEventKind)
        post_save.connect(rules_cache_clear, sender=ExceptionRule, dispatch_uid="logistics-rules-saved")
        post_delete.connect(rules_cache_clear, sender=ExceptionRule, dispatch_uid="logistics-rules-deleted")
        post_save.connect(rules_cache_clear, sender=CarrierExceptionCode, dispatch_uid="logistics-codes-saved")
        post_delete.connect(rules_cache_clear, sender=CarrierExceptionCode, dispatch_uid="logistics-codes-deleted")
        post_save.connect(shipment_created, sender=Shipment, dispatch_uid="logistics-shipment-created")
        post_save.connect(order_created, sender=Order, dispatch_uid="logistics-order-created")
