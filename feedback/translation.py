from modeltranslation.translator import TranslationOptions, register

from .models import SurveyText


@register(SurveyText)
class SurveyTextTranslation(TranslationOptions):
    fields = ("text",)
    required_languages = ("en",)
