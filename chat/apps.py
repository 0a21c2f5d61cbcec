from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChatConfig(AppConfig):
    name = "chat"
    verbose_name = _("Live chat")

    def ready(self) -> None:
        from tickets.panels import register_panel
        from tickets.services import register_channel

        from .adapters import ADAPTER
        from .panel import chat_panel

        register_channel(ADAPTER)
        register_panel("chat", template="chat/panel.html", context=chat_panel, order=12)
