from django.apps import AppConfig


class HelpdeskConfig(AppConfig):
    name = "helpdesk"
    verbose_name = "Helpdesk"

    def ready(self) -> None:
        from django.conf import settings

        from . import (
            bulk,  # noqa: F401  (registers the `__any` lookup)
            dbpool,
        )

        if settings.DATABASE_IS_POSTGRES:
            dbpool.install()
