"""The demo's help articles, one JSON file each in demo/help/ with its title and text in the six
languages (modeltranslation field suffixes). Added by slug, so articles already there (and any an
admin edited) are left as they are."""

from __future__ import annotations

import json
from pathlib import Path

from selfservice.models import HelpArticle

ARTICLES = Path(__file__).parent / "help"


def load_demo_articles() -> int:
    """Publish each demo article whose slug is not taken yet; the number added."""
    added = 0
    for path in sorted(ARTICLES.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        if HelpArticle.objects.filter(slug=data["slug"]).exists():
            continue
        fields = {f"title_{lang}": text for lang, text in data["title"].items()}
        fields.update({f"body_{lang}": text for lang, text in data["body"].items()})
        HelpArticle.objects.create(
            slug=data["slug"], topic=data["topic"], position=data["position"], published=True, **fields
        )
        added += 1
    return added
