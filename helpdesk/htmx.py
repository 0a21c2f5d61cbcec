"""How a view tells an htmx request for a fragment from a plain page load."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers


def is_htmx(request: HttpRequest) -> bool:
    """True for any request htmx sends (a fragment, a boosted page, a history restore)."""
    return request.headers.get("HX-Request") == "true"


def wants_fragment(request: HttpRequest) -> bool:
    """True for an htmx request that swaps part of the page (not a boosted page load, not
    htmx restoring a page from its history, which needs the whole page)."""
    headers = request.headers
    return (
        is_htmx(request) and headers.get("HX-Boosted") != "true" and headers.get("HX-History-Restore-Request") != "true"
    )


def vary_on_htmx(response: HttpResponse) -> HttpResponse:
    patch_vary_headers(response, ["HX-Request"])
    return response


def htmx_redirect(url: str) -> HttpResponse:
    """A redirect htmx performs as a full navigation instead of swapping the page into a target."""
    response = HttpResponse(status=204)
    response["HX-Redirect"] = url
    return response
