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
        self._expire_cached_pages_on_change()

    def _expire_cached_pages_on_change(self) -> None:
        """What the queue and the ticket list show: a change to any of these makes cached pages stale."""
        from django.contrib.auth import get_user_model
        from django.db.models.signals import post_delete, post_save

        from helpdesk.pagecache import data_changed

        from .models import AgentProfile, Category, Customer, Macro, SavedView, Team, Ticket

        # Macro: the queue's bulk bar offers them; SavedView: the sidebar lists them
        for model in (Ticket, Customer, Category, Team, AgentProfile, Macro, SavedView, get_user_model()):
            post_save.connect(data_changed, sender=model, dispatch_uid=f"pagecache-save-{model._meta.label}")
            post_delete.connect(data_changed, sender=model, dispatch_uid=f"pagecache-delete-{model._meta.label}")
