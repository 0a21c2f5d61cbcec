from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import WhatsAppTemplate


class TemplateChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.language}): {obj.body[:80]}"


class TemplateForm(forms.Form):
    template = TemplateChoiceField(label=_("Template"), queryset=WhatsAppTemplate.objects.none())
    parameters = forms.CharField(
        label=_("Values for the placeholders"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line: the first line fills {{1}}, the second {{2}}, …"),
    )

    def __init__(self, *args: Any, templates: list[WhatsAppTemplate], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["template"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = WhatsAppTemplate.objects.filter(pk__in=[t.pk for t in templates])

    def parameter_list(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data.get("parameters", "").splitlines() if line.strip()]
