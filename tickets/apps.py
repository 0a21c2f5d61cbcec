from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TicketsConfig(AppConfig):
    name = "tickets"
    verbose_name = _("Tickets")

    def ready(self) -> None:
        from workspace.live.access import register_stream_access
        from workspace.notifications import register_notice_mailer

        from .adapters import BUILT_IN
        from .live_access import may_watch_queue, may_watch_ticket
        from .panels import register_panel
        from .services.intake import register_channel
        from .services.notice_emails import notice_emails_queue
        from .sla_panel import sla_panel_context

        for adapter in BUILT_IN:
            register_channel(adapter)

        register_notice_mailer(notice_emails_queue)
        register_panel("sla", template="tickets/sla_panel.html", context=sla_panel_context, order=10)
        register_stream_access("ticket", may_watch_ticket)
        register_stream_access("queue", may_watch_queue)
