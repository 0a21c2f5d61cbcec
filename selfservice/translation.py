from modeltranslation.translator import TranslationOptions, register

from .models import HelpArticle


@register(HelpArticle)
class HelpArticleTranslation(TranslationOptions):
    fields = ("title", "body")
    required_languages = ("en",)
