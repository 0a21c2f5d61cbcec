"""The public support form: what a customer types, checked before the service sees it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from helpdesk.countries import real_countries

from .models import Category
from .services.messages import MAX_ATTACHMENTS_PER_MESSAGE, MAX_BODY_CHARS

# Bots fill every field they find; people never see this one. Its name is one that browsers'
# autofill leaves alone.
HONEYPOT_FIELD = "homepage"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; the service checks their size and type."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*,application/pdf,text/plain"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if len(files) > MAX_ATTACHMENTS_PER_MESSAGE:
            raise forms.ValidationError(
                _("At most %(count)d attachments per message."), params={"count": MAX_ATTACHMENTS_PER_MESSAGE}
            )
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Category) -> str:
        return obj.name  # modeltranslation: the active language's name, English as fallback


class PublicTicketForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=200)
    email = forms.EmailField(label=_("Your email address"), max_length=254)
    country = forms.ChoiceField(
        label=_("Country"),
        required=False,  # without it the ticket goes to a team that speaks its language
        help_text=_("Where you live: your request goes to the team serving your country."),
    )
    order_number = forms.CharField(
        label=_("Order number"), max_length=100, required=False, help_text=_("If your request is about an order.")
    )
    category = CategoryChoiceField(
        label=_("What is it about?"), queryset=Category.objects.none(), empty_label=_("Please choose")
    )
    subject = forms.CharField(label=_("Subject"), max_length=255)
    message = forms.CharField(label=_("Message"), max_length=MAX_BODY_CHARS, widget=forms.Textarea(attrs={"rows": 8}))
    attachments = MultipleFileField(
        label=_("Attachments"),
        required=False,
        help_text=_("Photos, PDF or text files, up to 10 files of 10 MB each."),
    )
    homepage = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    # Service error fields that have another name here.
    SERVICE_FIELDS = {"body": "message"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        category = self.fields["category"]
        assert isinstance(category, forms.ModelChoiceField)
        category.queryset = Category.objects.filter(is_active=True).order_by("position", "slug")
        country = self.fields["country"]
        assert isinstance(country, forms.ChoiceField)
        country.choices = [("", _("Please choose")), *real_countries()]
