from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PoliciesConfig(AppConfig):
    name = "policies"
    verbose_name = _("Compensation and policies")

    def ready(self) -> None:
        from tickets.compensation import register_compensation_reader
        from tickets.history import register_event_kinds
        from tickets.panels import register_panel
        from workspace.live.access import register_stream_access

        from .history import CompensationEventKind
        from .models import Kind
        from .panel import compensation_panel
        from .selectors import approved_compensation_items
        from .services.audience import may_watch_approvals

        register_event_kinds(CompensationEventKind)
        register_stream_access("approvals", may_watch_approvals)

        register_compensation_reader(approved_compensation_items, dict(Kind.choices))
        register_panel("compensation", template="policies/panel.html", context=compensation_panel, order=30)
