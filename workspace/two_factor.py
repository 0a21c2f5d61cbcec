"""TOTP two-factor sign-in for supervisors and admins (django-otp).

After the password, such a user confirms a code from their authenticator app; on the first
sign-in they set one up. Until then every page sends them to that step. A code works once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import qrcode
import qrcode.image.svg
from django import forms
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from helpdesk import roles

from .audit import audit_record

EXEMPT_PREFIXES = ("/accounts/two-factor/", "/accounts/logout/", "/static/", "/healthz")


def requires_two_factor(user: Any) -> bool:
    return bool(
        settings.TWO_FACTOR_REQUIRED and user.is_authenticated and (roles.is_supervisor(user) or user.is_superuser)
    )


class TwoFactorRequiredMiddleware:
    """Send a signed-in supervisor or admin who has not confirmed a code to the two-factor step."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user: Any = request.user
        if requires_two_factor(user) and not user.is_verified() and not request.path.startswith(EXEMPT_PREFIXES):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": _("Two-factor verification is required.")}, status=403)
            return redirect(f"{reverse('two_factor')}?next={request.get_full_path()}")
        return self.get_response(request)


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code from your authenticator app"),
        max_length=8,
        min_length=6,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or reverse("home")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return reverse("home")
    return target


def _qr_svg(device: TOTPDevice) -> str:
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return image.to_string(encoding="unicode")


@never_cache
def two_factor(request: HttpRequest) -> HttpResponse:
    """Confirm a code, or set up the authenticator on the first sign-in."""
    user = request.user
    if not user.is_authenticated:
        return redirect("login")
    confirmed = user_has_device(user, confirmed=True)
    device = (
        TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if confirmed
        else TOTPDevice.objects.get_or_create(user=user, confirmed=False, defaults={"name": "authenticator"})[0]
    )
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"].strip().replace(" ", "")
        if device.verify_token(code):
            if not device.confirmed:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
            otp_login(request, device)
            audit_record(request=request, action="two_factor.verified", target=user)
            return redirect(_next_url(request))
        audit_record(request=request, action="two_factor.failed", target=user)
        form.add_error("code", _("That code is not valid. Codes change every 30 seconds and work once."))
    context = {"form": form, "setup": not confirmed, "next": _next_url(request)}
    if not confirmed:
        context["qr_svg"] = mark_safe(_qr_svg(device))  # noqa: S308 - generated SVG, no user input
        context["secret"] = device.config_url.split("secret=")[1].split("&")[0]
    return render(request, "registration/two_factor.html", context)
