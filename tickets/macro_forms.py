"""The form an agent keeps a macro with: its name, its reply in each language, the changes it makes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import AssigneeAction, Category, Macro, Priority, Status
from .placeholders import PLACEHOLDERS

REPLY_FIELDS = [(f"reply_{code.replace('-', '_')}", name) for code, name in settings.LANGUAGES]


class MacroForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("Leave as it is"))])
    priority = forms.TypedChoiceField(
        label=_("Priority"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("Leave as it is")), *Priority.choices],
    )
    category: forms.ModelChoiceField[Category] = forms.ModelChoiceField(
        label=_("Category"),
        queryset=Category.objects.filter(is_active=True),
        required=False,
        empty_label=_("Leave as it is"),
    )
    assignee = forms.ChoiceField(label=_("Assignee"), required=False, choices=AssigneeAction.choices)
    tags = forms.CharField(label=_("Tags to add"), required=False, max_length=500, help_text=_("Separated by commas."))
    facts = forms.CharField(
        label=_("Facts"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One a line, as key: value (e.g. ship_date: 2026-11-02); the keys of the category chosen."),
    )
    shared = forms.BooleanField(label=_("Share with my team"), required=False)

    def __init__(self, *args: Any, may_share: bool, macro: Macro | None = None, **kwargs: Any):
        if macro is not None:
            kwargs.setdefault("initial", initial_for(macro))
        super().__init__(*args, **kwargs)
        placeholders = ", ".join("{" + name + "}" for name in PLACEHOLDERS)
        for field_name, language in REPLY_FIELDS:
            self.fields[field_name] = forms.CharField(
                label=_("Reply in %(language)s") % {"language": language},
                required=False,
                widget=forms.Textarea(attrs={"rows": 4}),
                help_text=_("Placeholders: %(names)s") % {"names": placeholders} if field_name == "reply_en" else "",
            )
        if not may_share:
            del self.fields["shared"]
        # the status choice list without "new" (a macro sets what an agent may set)
        self.fields["status"].choices = [("", _("Leave as it is"))] + [  # type: ignore[attr-defined]
            c for c in Status.choices if c[0] != Status.NEW
        ]

    def clean_facts(self) -> dict[str, str]:
        facts: dict[str, str] = {}
        for line in (self.cleaned_data.get("facts") or "").splitlines():
            if not line.strip():
                continue
            key, sep, value = line.partition(":")
            if not sep or not key.strip():
                raise forms.ValidationError(_("Write each fact as key: value."))
            facts[key.strip()] = value.strip()
        return facts

    def clean_tags(self) -> list[str]:
        return [n.strip() for n in (self.cleaned_data.get("tags") or "").split(",") if n.strip()]

    def model_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        fields = {name: data.get(name) or "" for name, _lang in REPLY_FIELDS}
        fields.update(
            name=data["name"],
            status=data.get("status") or "",
            priority=data.get("priority"),
            category=data.get("category"),
            assignee=data.get("assignee") or "",
            facts=data.get("facts") or {},
        )
        return fields


def initial_for(macro: Macro) -> dict[str, Any]:
    initial: dict[str, Any] = {name: getattr(macro, name) or "" for name, _lang in REPLY_FIELDS}
    initial.update(
        name=macro.name,
        status=macro.status,
        priority=macro.priority,
        category=macro.category_id,
        assignee=macro.assignee,
        tags=", ".join(t.name for t in macro.tags.all()),
        facts="\n".join(f"{k}: {v}" for k, v in (macro.facts or {}).items()),
        shared=macro.owner_id is None,
    )
    return initial
