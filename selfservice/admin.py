from __future__ import annotations

from django.contrib import admin
from modeltranslation.admin import TranslationAdmin

from .models import HelpArticle


@admin.register(HelpArticle)
class HelpArticleAdmin(TranslationAdmin):
    """Each language's title and text side by side; an empty translation shows the English one."""

    list_display = ("title", "topic", "position", "published", "updated_at")
    list_filter = ("topic", "published")
    list_editable = ("position", "published")
    search_fields = ("slug", "title", "body")
    prepopulated_fields = {"slug": ("title_en",)}
