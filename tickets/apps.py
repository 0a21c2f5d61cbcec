from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TicketsConfig(AppConfig):
    name = "tickets"
    verbose_name = _("Tickets")

    def ready(self) -> None:
        from .panels import register_panel
        from .sla_panel import sla_panel_context

        register_panel("sla", template="tickets/sla_panel.html", context=sla_panel_context, order=10)
