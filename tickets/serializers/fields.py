"""Fields the API's serializers share: named enums, priorities by name, languages and countries
checked strictly (a value we cannot use is a 400 naming what is accepted, never stored as something
else), and the decimal strings amounts travel as."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import ResolvedComponent
from rest_framework import serializers

from helpdesk.countries import is_real_country, real_country_codes
from helpdesk.language import supported_language, supported_languages

from ..models import Priority

PRIORITY_NAMES: dict[int, str] = {p.value: p.name.lower() for p in Priority}
PRIORITY_VALUES: dict[str, int] = {name: value for value, name in PRIORITY_NAMES.items()}


class NamedChoiceField(serializers.ChoiceField):
    """A choice documented as its own named enum (TicketStatus, MessageKind, ...). Field names such as
    "status" or "kind" are used by other apps for other choices; shared names would collide."""

    def __init__(self, *, enum_name: str, **kwargs: Any) -> None:
        self.enum_name = enum_name
        super().__init__(**kwargs)


class NamedChoiceFieldExtension(OpenApiSerializerFieldExtension):
    target_class = NamedChoiceField
    match_subclasses = True

    def map_serializer_field(self, auto_schema: Any, direction: Any) -> dict[str, Any]:
        choices = self.target.choices
        schema = {
            "type": "string",
            "enum": [str(value) for value in choices],
            "description": "\n".join(f"* `{value}` - {label}" for value, label in choices.items()),
        }
        component = ResolvedComponent(
            name=self.target.enum_name, type=ResolvedComponent.SCHEMA, object=self.target.enum_name, schema=schema
        )
        auto_schema.registry.register_on_missing(component)
        return component.ref


class PriorityField(NamedChoiceField):
    """Priorities by name (low, normal, high, urgent) rather than the stored number."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=list(PRIORITY_VALUES), enum_name="TicketPriority", **kwargs)

    def to_internal_value(self, data: Any) -> int:
        return PRIORITY_VALUES[super().to_internal_value(data)]

    def to_representation(self, value: Any) -> str:
        return PRIORITY_NAMES.get(int(value), str(value))


class LanguageField(serializers.CharField):
    """A language we write in. A regional variant of one counts as it ("de-AT" is "de", "zh-CN" is
    "zh-hans"); any other language ("pt-BR", "xx") is refused with the list of accepted codes."""

    default_error_messages = {
        "unsupported": _(
            "{value} is not a language we support. Accepted: {accepted} "
            '(a regional variant such as "de-AT" counts as its language).'
        ),
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 35)
        kwargs.setdefault(
            "help_text",
            _('One of en, zh-hans, de, fr, es, ja; a regional variant ("de-AT", "zh-CN") counts as its language.'),
        )
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> str:
        text = super().to_internal_value(data)
        if text == "":
            return text
        code = supported_language(text)
        if code is None:
            self.fail("unsupported", value=repr(text[:35]), accepted=", ".join(supported_languages()))
        return str(code)


class CountryField(serializers.CharField):
    """A real country's ISO 3166-1 alpha-2 code, any case, stored in capitals. Regions that are no
    country (EU, ZZ, XA, ...) are refused."""

    default_error_messages = {
        "unknown": _("{value} is not an ISO 3166-1 country code (two letters, such as DE)."),
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 2)
        kwargs.setdefault("help_text", _("ISO 3166-1 alpha-2 country code, e.g. DE."))
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> str:
        text = super().to_internal_value(data).strip().upper()
        if text and not is_real_country(text):
            self.fail("unknown", value=repr(text))
        return text


class CountryFieldExtension(OpenApiSerializerFieldExtension):
    """Documented as one named list of the real countries' codes, in capitals (any case is accepted)."""

    target_class = CountryField

    def map_serializer_field(self, auto_schema: Any, direction: Any) -> dict[str, Any]:
        codes: list[str] = sorted(real_country_codes())
        name = "CountryCode"
        if getattr(self.target, "allow_blank", False):
            codes.append("")
            name = "CountryCodeOrBlank"
        schema = {"type": "string", "enum": codes, "description": "ISO 3166-1 alpha-2 country code."}
        component = ResolvedComponent(name=name, type=ResolvedComponent.SCHEMA, object=name, schema=schema)
        auto_schema.registry.register_on_missing(component)
        return component.ref


# An amount as a decimal string: what OrderSerializer.total and the policies' amounts answer.
DECIMAL_STRING = {"type": "string", "format": "decimal", "pattern": r"^-?\d+(\.\d+)?$"}
