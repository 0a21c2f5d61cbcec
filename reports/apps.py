from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from .expressions import register_sqlite_functions
        from .histograms import register_sqlite_bucket

        # The quick start runs on SQLite, which has no percentile_cont nor LN: give it them.
        connection_created.connect(register_sqlite_functions, dispatch_uid="reports.sqlite_functions")
        connection_created.connect(register_sqlite_bucket, dispatch_uid="reports.sqlite_bucket")
