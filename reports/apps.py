from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from .expressions import register_sqlite_functions

        # The quick start runs on SQLite, which has no percentile_cont: give it one.
        connection_created.connect(register_sqlite_functions, dispatch_uid="reports.sqlite_functions")
