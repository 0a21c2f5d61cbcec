from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LogisticsConfig(AppConfig):
    name = "logistics"
    verbose_name = _("Logistics tracking")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from tickets.history import register_event_label
        from tickets.panels import register_panel

        from .models import ExceptionRule
        from .panel import tracking_panel
        from .services.detection import rules_cache_clear

        register_panel("logistics", template="logistics/panel.html", context=tracking_panel, order=20)
        register_event_label("tracking_added", _("Parcel tracking added"))
        register_event_label("tracking_corrected", _("Parcel tracking corrected"))
        post_save.connect(rules_cache_clear, sender=ExceptionRule, dispatch_uid="logistics-rules-saved")
        post_delete.connect(rules_cache_clear, sender=ExceptionRule, dispatch_uid="logistics-rules-deleted")
