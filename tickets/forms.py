"""Forms of the agent workspace. They shape input; the services decide and raise ServiceError."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from helpdesk.countries import real_countries
from helpdesk.errors import ServiceError
from helpdesk.uploads import MAX_ATTACHMENT_BYTES

from . import filter_choices, selectors
from .filter_choices import Choice
from .models import Category, CategoryField, Channel, FactType, Priority, Status, Ticket

LANGUAGE_CHOICES = [(code, name) for code, name in settings.LANGUAGES]


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class QueueFilterForm(forms.Form):
    STATUS_CHOICES = [
        (selectors.STATUS_UNSOLVED, _("Unsolved (new, open, pending)")),
        *Status.choices,
        (selectors.STATUS_ANY, _("Any status")),
    ]
    SORT_CHOICES = [
        ("activity", _("Last activity")),
        ("newest", _("Newest")),
        ("oldest", _("Oldest")),
        ("priority", _("Priority")),
        ("due", _("Time left")),
    ]

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    status = forms.ChoiceField(label=_("Status"), choices=STATUS_CHOICES, required=False)
    category = forms.TypedChoiceField(label=_("Category"), coerce=int, required=False, empty_value=None)
    priority = forms.TypedChoiceField(
        label=_("Priority"),
        coerce=int,
        required=False,
        empty_value=None,
        choices=[("", _("Any priority")), *Priority.choices],
    )
    language = forms.ChoiceField(
        label=_("Language"), required=False, choices=[("", _("Any language")), *LANGUAGE_CHOICES]
    )
    country = forms.CharField(label=_("Country"), required=False, max_length=2)
    channel = forms.ChoiceField(label=_("Channel"), required=False, choices=[("", _("Any channel")), *Channel.choices])
    assignee = forms.ChoiceField(label=_("Assignee"), required=False)
    sort = forms.ChoiceField(label=_("Sort by"), choices=SORT_CHOICES, required=False)
    tag = forms.CharField(label=_("Tag"), required=False, max_length=50)

    def __init__(self, *args: Any, categories: list[Choice], agents: list[Choice], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.categories, self.agents = categories, agents
        cast(forms.ChoiceField, self.fields["category"]).choices = [("", _("Any category"))] + [
            (c.pk, c.name) for c in categories
        ]
        cast(forms.ChoiceField, self.fields["assignee"]).choices = [("", _("Anyone")), ("none", _("Nobody"))] + [
            (str(a.pk), a.name) for a in agents
        ]
        self.fields["country"].widget.attrs.update(size=3, placeholder="DE", autocomplete="off")
        self.fields["q"].widget = forms.TextInput(
            attrs={"type": "search", "placeholder": _("Words, email or HD-000123")}
        )

    def filters(self) -> selectors.QueueFilters:
        """The filters; an invalid value is ignored rather than failing the page."""
        self.is_valid()  # invalid fields are left out of cleaned_data
        data = self.cleaned_data
        return selectors.QueueFilters(
            status=data.get("status") or selectors.STATUS_UNSOLVED,
            category=data.get("category"),
            priority=data.get("priority"),
            language=data.get("language") or "",
            country=(data.get("country") or "").strip().upper(),
            channel=data.get("channel") or "",
            assignee=data.get("assignee") or "",
            q=(data.get("q") or "").strip(),
            tag=(data.get("tag") or "").strip(),
        )


class MessageForm(forms.Form):
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 6}), max_length=50_000)
    attachments = forms.FileField(
        label=_("Attachments"),
        required=False,
        widget=MultipleFileInput(),
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["attachments"].help_text = gettext("Images, PDF or plain text, up to %(size)d MB each.") % {
            "size": MAX_ATTACHMENT_BYTES // 2**20
        }

    def clean_attachments(self) -> None:
        # Files are read from request.FILES by the view; the services check them.
        return None


class ReplyForm(MessageForm):
    set_pending = forms.BooleanField(label=_("Set to pending (waiting on the customer)"), required=False)
    # The newest message on the page when the agent wrote: a newer one from the customer holds the reply once.
    seen = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["body"].label = _("Your reply")


class NoteForm(MessageForm):
    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["body"].label = _("Your note")


_SETTABLE_STATUSES = [Status.OPEN, Status.PENDING, Status.SOLVED, Status.CLOSED]


class PropertyForm(forms.Form):
    """One property of a ticket in a select that saves itself when changed (with JavaScript)."""

    def __init__(self, *args: Any, **kwargs: Any):
        kwargs.setdefault("auto_id", "prop-%s")
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["data-autosubmit"] = ""


class StatusForm(PropertyForm):
    status = forms.ChoiceField(label=_("Status"))

    def __init__(self, *args: Any, ticket: Ticket, **kwargs: Any):
        kwargs.setdefault("initial", {"status": ticket.status})
        super().__init__(*args, **kwargs)
        choices: list[tuple[str, Any]] = [(s.value, s.label) for s in _SETTABLE_STATUSES]
        if ticket.status not in [c for c, _label in choices]:
            choices.insert(0, (ticket.status, ticket.get_status_display()))
        cast(forms.ChoiceField, self.fields["status"]).choices = choices


class AssigneeForm(PropertyForm):
    assignee = forms.ChoiceField(label=_("Assignee"), required=False)

    def __init__(self, *args: Any, ticket: Ticket, agents: list[Any], **kwargs: Any):
        kwargs.setdefault("initial", {"assignee": str(ticket.assignee_id or "")})
        super().__init__(*args, **kwargs)
        self.agents = {str(a.pk): a for a in agents}
        choices = [("", _("Nobody"))] + [(pk, a.get_full_name() or a.get_username()) for pk, a in self.agents.items()]
        if ticket.assignee_id and str(ticket.assignee_id) not in self.agents and ticket.assignee:
            # Assigned to someone outside the team: keep them visible rather than silently unset.
            choices.append((str(ticket.assignee_id), ticket.assignee.get_username()))
        cast(forms.ChoiceField, self.fields["assignee"]).choices = choices

    def chosen(self) -> Any:
        pk = self.cleaned_data.get("assignee") or ""
        return self.agents.get(pk) if pk else None


class PriorityForm(PropertyForm):
    priority = forms.TypedChoiceField(label=_("Priority"), coerce=int, choices=Priority.choices)

    def __init__(self, *args: Any, ticket: Ticket, **kwargs: Any):
        kwargs.setdefault("initial", {"priority": ticket.priority})
        super().__init__(*args, **kwargs)


class CategoryChoiceField(forms.ChoiceField):
    """An active category, offered by its name in the reader's language. The form's __init__ reads the
    choices once (`with_categories`) as (id, name) pairs through a kept statement, not as model
    instances; the chosen category is loaded when the form is cleaned."""

    def __init__(self, *, empty_label: Any, **kwargs: Any) -> None:
        super().__init__(required=False, **kwargs)
        self.empty_label = empty_label

    def with_categories(self) -> None:
        self.choices = [("", self.empty_label), *((str(c.pk), c.name) for c in filter_choices.categories())]

    def clean(self, value: Any) -> Category | None:
        chosen = super().clean(value)
        if not chosen:
            return None
        category = Category.objects.filter(pk=int(chosen), is_active=True).first()
        if category is None:  # deactivated since the form was shown
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice", params={"value": chosen}
            )
        return category


class CategoryForm(PropertyForm):
    category = CategoryChoiceField(label=_("Category"), empty_label=_("No category"))

    def __init__(self, *args: Any, ticket: Ticket, **kwargs: Any):
        kwargs.setdefault("initial", {"category": ticket.category_id})
        super().__init__(*args, **kwargs)
        cast(CategoryChoiceField, self.fields["category"]).with_categories()


class LanguageForm(PropertyForm):
    language = forms.ChoiceField(label=_("Language"), choices=LANGUAGE_CHOICES)

    def __init__(self, *args: Any, ticket: Ticket, **kwargs: Any):
        kwargs.setdefault("initial", {"language": ticket.language})
        super().__init__(*args, **kwargs)


class FactsForm(forms.Form):
    """One input per fact of the ticket's category (money: amount and currency); image facts
    have no input, they are satisfied by an image attachment."""

    def __init__(self, *args: Any, ticket: Ticket, fields: list[CategoryField], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.category_fields = [f for f in fields if f.field_type != FactType.IMAGE]
        facts = ticket.facts or {}
        for fact in self.category_fields:
            value = facts.get(fact.key, "")
            label = fact.label
            if fact.field_type == FactType.MONEY:
                money = value if isinstance(value, dict) else {}
                self.fields[f"{fact.key}__amount"] = forms.CharField(
                    label=label,
                    required=False,
                    initial=money.get("amount", ""),
                    widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 10}),
                )
                self.fields[f"{fact.key}__currency"] = forms.CharField(
                    label=_("Currency"),
                    required=False,
                    max_length=3,
                    initial=money.get("currency", ""),
                    widget=forms.TextInput(attrs={"size": 4, "placeholder": "EUR"}),
                )
            elif fact.field_type == FactType.DATE:
                self.fields[fact.key] = forms.CharField(
                    label=label,
                    required=False,
                    initial=value,
                    widget=forms.DateInput(attrs={"type": "date"}),
                )
            elif fact.field_type == FactType.COUNTRY:
                self.fields[fact.key] = forms.ChoiceField(
                    label=label,
                    required=False,
                    initial=value,
                    choices=[("", "—"), *real_countries()],
                )
            else:
                self.fields[fact.key] = forms.CharField(label=label, required=False, initial=value, max_length=500)

    def facts(self) -> dict[str, Any]:
        data = self.cleaned_data
        result: dict[str, Any] = {}
        for fact in self.category_fields:
            if fact.field_type == FactType.MONEY:
                amount = (data.get(f"{fact.key}__amount") or "").strip()
                currency = (data.get(f"{fact.key}__currency") or "").strip()
                result[fact.key] = {"amount": amount, "currency": currency} if amount else ""
            else:
                result[fact.key] = (data.get(fact.key) or "").strip()
        return result

    def add_fact_error(self, error: ServiceError) -> None:
        name = error.field or ""
        if name not in self.fields and f"{name}__amount" in self.fields:
            name = f"{name}__amount"
        self.add_error(name if name in self.fields else None, error.message)


class MergeForm(forms.Form):
    target = forms.CharField(
        label=_("Merge into ticket"),
        max_length=20,
        widget=forms.TextInput(attrs={"placeholder": "HD-000123", "size": 12}),
        help_text=_("Its messages move to the other ticket of the same customer; this one is closed."),
    )
    confirm = forms.BooleanField(label=_("I understand that a merge cannot be undone."))

    def target_pk(self) -> int | None:
        from .models import parse_reference

        text = self.cleaned_data["target"].strip()
        return int(text) if text.isdigit() else parse_reference(text)


class CreateTicketForm(forms.Form):
    email = forms.EmailField(label=_("Customer email"))
    name = forms.CharField(label=_("Customer name"), required=False, max_length=200)
    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        choices=[("", _("The customer's language")), *LANGUAGE_CHOICES],
        help_text=_("For a new customer, English when left empty."),
    )
    country = forms.ChoiceField(label=_("Country"), required=False)
    order_number = forms.CharField(label=_("Order number"), required=False, max_length=100)
    category = CategoryChoiceField(label=_("Category"), empty_label=_("Not classified yet"))
    priority = forms.TypedChoiceField(
        label=_("Priority"), coerce=int, choices=Priority.choices, initial=Priority.NORMAL
    )
    channel = forms.ChoiceField(
        label=_("Channel"),
        choices=[(Channel.PHONE, Channel.PHONE.label), (Channel.CHAT, Channel.CHAT.label)],
    )
    subject = forms.CharField(label=_("Subject"), max_length=255)
    body = forms.CharField(
        label=_("What the customer told us"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=50_000,
    )
    attachments = forms.FileField(
        label=_("Attachments"),
        required=False,
        widget=MultipleFileInput(),
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["country"]).choices = [("", "—"), *real_countries()]
        cast(CategoryChoiceField, self.fields["category"]).with_categories()
        self.fields["email"].widget.attrs.update(
            {
                "autocomplete": "off",
                "hx-get": reverse("tickets:customer_lookup"),
                "hx-trigger": "input changed delay:400ms, change",
                "hx-target": "#customer-lookup",
            }
        )

    def clean_attachments(self) -> None:
        # Files are read from request.FILES by the view; the services check them.
        return None
