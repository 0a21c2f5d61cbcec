from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PoliciesConfig(AppConfig):
    name = "policies"
    verbose_name = _("Compensation and policies")

    def ready(self) -> None:
        from tickets.panels import register_panel

        from .panel import compensation_panel

        register_panel("compensation", template="policies/panel.html", context=compensation_panel, order=30)
