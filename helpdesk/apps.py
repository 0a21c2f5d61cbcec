from django.apps import AppConfig


class HelpdeskConfig(AppConfig):
    name = "helpdesk"
    verbose_name = "Helpdesk"

    def ready(self) -> None:
        from . import (
            audit,  # noqa: F401  (connects the audit signal receivers)
            bulk,  # noqa: F401  (registers the `__any` lookup)
        )
