from modeltranslation.translator import TranslationOptions, register

from .models import ExceptionRule


@register(ExceptionRule)
class ExceptionRuleTranslation(TranslationOptions):
    fields = ("customer_note",)
