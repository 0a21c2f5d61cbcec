"""Post the sample tracking deliveries of docs/samples/ to a running helpdesk, signed with the
configured secret (the quick start's demo secrets when DEBUG is on), and print the answers."""

from __future__ import annotations

import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.urls import reverse

from logistics import conf
from logistics.services.intake import aftership_signature, seventeentrack_signature

SAMPLES = Path(settings.BASE_DIR) / "docs" / "samples"


def sample_files(names: list[str]) -> list[Path]:
    if not names:
        return sorted(SAMPLES.glob("*.json"))
    files = []
    for name in names:
        path = SAMPLES / (name if name.endswith(".json") else f"{name}.json")
        if path.parent != SAMPLES or not path.is_file():
            known = ", ".join(p.stem for p in sorted(SAMPLES.glob("*.json")))
            raise CommandError(f"No sample named {name!r}; the samples are: {known}")
        files.append(path)
    return files


def signed_request(path: Path, base_url: str) -> urllib.request.Request:
    body = path.read_bytes()
    if path.name.startswith("17track"):
        keys = conf.seventeentrack_keys()
        if not keys:
            raise CommandError("SEVENTEENTRACK_API_KEYS is empty: set it (the quick start sets a demo key).")
        url, headers = reverse("logistics:webhook_17track"), {"sign": seventeentrack_signature(body, keys[0])}
    else:
        secrets = conf.aftership_secrets()
        if not secrets:
            raise CommandError("AFTERSHIP_WEBHOOK_SECRETS is empty: set it (the quick start sets a demo secret).")
        url = reverse("logistics:webhook_aftership")
        headers = {"aftership-hmac-sha256": aftership_signature(body, secrets[0]), "as-webhook-version": "2025-07"}
    headers["Content-Type"] = "application/json"
    if not base_url.startswith(("http://", "https://")):
        raise CommandError(f"{base_url!r} is not an http(s) address.")
    full_url = base_url.rstrip("/") + url
    return urllib.request.Request(full_url, data=body, headers=headers, method="POST")  # noqa: S310 - http(s) only


class Command(BaseCommand):
    help = "Post the sample tracking deliveries (docs/samples/) to the running helpdesk, signed."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("names", nargs="*", help="samples to post, e.g. aftership_in_transit (default: all)")
        parser.add_argument("--url", default=settings.SITE_URL, help="the helpdesk's address (default: SITE_URL)")

    def handle(self, *args: Any, **options: Any) -> None:
        failed = 0
        for path in sample_files(options["names"]):
            request = signed_request(path, options["url"])
            try:
                with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - http(s) only
                    status, text = response.status, response.read().decode("utf-8", "replace")
            except urllib.error.HTTPError as error:
                status, text = error.code, error.read().decode("utf-8", "replace")
            except urllib.error.URLError as error:
                raise CommandError(f"{request.full_url} cannot be reached: {error.reason}") from None
            failed += status >= 300
            self.stdout.write(f"{path.stem}: {status} {text.strip()[:200]}")
        if failed:
            raise CommandError(f"{failed} delivery(ies) refused")
