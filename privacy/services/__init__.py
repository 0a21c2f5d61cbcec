from .erasure import (
    PlannedChange,
    customer_erase,
    erasure_cancel,
    erasure_carry_out,
    erasure_dry_run,
    erasure_request,
    erasure_sweep,
    erasures_due,
)
from .export import customer_export, customer_sections, export_filename
from .retention import RetentionLine, retention_apply, retention_dry_run, retention_policies

__all__ = [
    "PlannedChange",
    "RetentionLine",
    "customer_erase",
    "customer_export",
    "customer_sections",
    "erasure_cancel",
    "erasure_carry_out",
    "erasure_dry_run",
    "erasure_request",
    "erasure_sweep",
    "erasures_due",
    "export_filename",
    "retention_apply",
    "retention_dry_run",
    "retention_policies",
]
