from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MessagingConfig(AppConfig):
    name = "messaging"
    verbose_name = _("Messaging apps")

    def ready(self) -> None:
        from tickets.history import register_event_kinds
        from tickets.panels import register_message_marks, register_panel
        from tickets.services import register_channel

        from .adapters import ADAPTERS
        from .history import MessagingEventKind
        from .panel import message_marks, messaging_panel

        for adapter in ADAPTERS:
            register_channel(adapter)
        register_panel("messaging", template="messaging/panel.html", context=messaging_panel, order=15)
        register_message_marks("messaging", message_marks)
        register_event_kinds(MessagingEventKind)
