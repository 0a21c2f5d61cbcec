from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "privacy"
    verbose_name = _("Customer data")

    def ready(self) -> None:
        from tickets.panels import register_panel

        from .holdings import register_all
        from .panel import customer_data_context

        register_all()
        register_panel("customer_data", template="privacy/panel.html", context=customer_data_context, order=90)
