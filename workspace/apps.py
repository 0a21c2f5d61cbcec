from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkspaceConfig(AppConfig):
    """What the staff's workspace shares across the apps: the bell's notices, the audit trail and the
    workers' heartbeats. Its tables kept the names they had when they lived in the project package."""

    name = "workspace"
    verbose_name = _("Workspace")

    def ready(self) -> None:
        from helpdesk.preferences import register_preferences_section

        from . import audit  # noqa: F401  (connects the audit signal receivers)
        from .preferences import SECTION

        register_preferences_section(SECTION)
