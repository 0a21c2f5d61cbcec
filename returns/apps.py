from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReturnsConfig(AppConfig):
    name = "returns"
    verbose_name = _("Returns and exchanges")

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from logistics.models import ShipmentStatusChange
        from policies.models import DecisionLog
        from policies.services.outcome import register_customer_notice
        from tickets.history import register_event_kinds
        from tickets.panels import register_panel

        from .history import ReturnEventKind
        from .panel import returns_panel
        from .receivers import compensation_decided, compensation_of_a_return, return_parcel_moved

        register_event_kinds(ReturnEventKind)
        register_customer_notice(compensation_of_a_return)
        register_panel("returns", template="returns/panel.html", context=returns_panel, order=35)
        post_save.connect(compensation_decided, sender=DecisionLog, dispatch_uid="returns-compensation-decided")
        post_save.connect(return_parcel_moved, sender=ShipmentStatusChange, dispatch_uid="returns-parcel-moved")
