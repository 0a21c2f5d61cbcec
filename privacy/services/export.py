"""One customer's data, every record that holds it, as JSON and as a readable page in a zip."""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone

from helpdesk.uploads import safe_filename
from tickets.models import Customer
from workspace.audit import audit_record

from ..registry import Holding, holdings
from ._access import require_data_officer


@dataclass(frozen=True)
class Section:
    label: str
    title: str
    columns: list[str]  # the fields' names, as read
    headings: list[str]  # and as shown
    rows: list[dict[str, Any]]


def _fields(holding: Holding) -> list[models.Field[Any, Any]]:
    concrete = [f for f in holding.model._meta.concrete_fields if f.name not in ("search_vector",)]
    if holding.exported:
        return [f for f in concrete if f.name in holding.exported]
    return concrete


def _plain(value: Any) -> Any:
    if isinstance(value, memoryview | bytes):
        return bytes(value).decode("utf-8", errors="replace")
    return value


def customer_sections(customer: Customer) -> list[Section]:
    """Every registered record of the customer, in the registry's order, as plain values."""
    sections = []
    for holding in holdings():
        fields = _fields(holding)
        names = [f.attname for f in fields]
        rows = [
            {name: _plain(value) for name, value in row.items()}
            for row in holding.rows_for(customer).order_by("pk").values(*names)
        ]
        sections.append(
            Section(
                label=holding.label,
                title=str(holding.model._meta.verbose_name_plural).capitalize(),
                columns=names,
                headings=[str(f.verbose_name) for f in fields],
                rows=rows,
            )
        )
    return sections


def _files(customer: Customer) -> list[tuple[str, Any]]:
    found = []
    for holding in holdings():
        for name in holding.files:
            for obj in holding.rows_for(customer).order_by("pk"):
                stored = getattr(obj, name)
                if stored:
                    shown = safe_filename(getattr(obj, "original_name", "") or stored.name.rsplit("/", 1)[-1])
                    found.append((f"files/{holding.model._meta.model_name}-{obj.pk}-{shown}", stored))
    return found


def customer_export(*, customer: Customer, actor: Any, request: HttpRequest | None = None) -> bytes:
    """The zip a customer asked for: data.json (machine-readable), index.html (readable) and the
    files of their attachments. The export is audited."""
    require_data_officer(actor)
    sections = customer_sections(customer)
    files = _files(customer)
    made_at = timezone.now()
    data = {
        "customer_id": customer.pk,
        "exported_at": made_at,
        "records": {section.label: section.rows for section in sections},
        "files": [path for path, _stored in files],
    }
    page = render_to_string(
        "privacy/export.html",
        {"customer": customer, "sections": [s for s in sections if s.rows], "made_at": made_at, "files": files},
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2))
        archive.writestr("index.html", page)
        for path, stored in files:
            try:
                with stored.open("rb") as handle:
                    archive.writestr(path, handle.read())
            except FileNotFoundError:
                continue
    audit_record(
        action="privacy.export",
        request=request,
        actor=actor,
        target=customer,
        records=sum(len(s.rows) for s in sections),
        files=len(files),
    )
    return buffer.getvalue()


def export_filename(customer: Customer) -> str:
    return f"customer-{customer.pk}-{timezone.now():%Y%m%d}.zip"
