from modeltranslation.translator import TranslationOptions, register

from .models import CannedReply, Category, CategoryField, Macro


@register(Category)
class CategoryTranslation(TranslationOptions):
    fields = ("name", "description")


@register(CategoryField)
class CategoryFieldTranslation(TranslationOptions):
    fields = ("label",)


@register(CannedReply)
class CannedReplyTranslation(TranslationOptions):
    fields = ("body",)


@register(Macro)
class MacroTranslation(TranslationOptions):
    fields = ("reply",)
