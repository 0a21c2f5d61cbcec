from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    name = "insights"
    verbose_name = _("Customers and scorecards")

    def ready(self) -> None:
        from . import receivers

        receivers.connect()
