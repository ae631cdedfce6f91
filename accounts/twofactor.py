"""Two-factor sign-in (TOTP through django-otp) with recovery codes.

Required for supervisors and administrators (superusers and rule administrators), and for
clinicians of a program that requires it; optional for other clinicians. When
STEPWISE_ENFORCE_2FA is off (local development) nobody is forced, but anyone may enrol."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import Membership
from .roles import Role

RECOVERY_CODES = 10
# Paths a signed-in but not yet verified user may still use.
OPEN_PATHS = ("/accounts/2fa/", "/accounts/logout/", "/healthz", "/static/")


def two_factor_required(user) -> bool:
    if not settings.STEPWISE_ENFORCE_2FA or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    memberships = Membership.objects.filter(user=user).select_related("program")
    for m in memberships:
        if m.role in (Role.SUPERVISOR, Role.RULE_ADMIN):
            return True
        if m.role == Role.CLINICIAN and m.program.require_2fa_for_clinicians:
            return True
    return False


def confirmed_totp(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


class TwoFactorMiddleware:
    """After the password: a user with a device must enter a code; a user who must use two
    factors and has no device is sent to set one up. Until then only sign-out works."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not user.is_verified()
            and not request.path.startswith(OPEN_PATHS)
        ):
            if confirmed_totp(user) is not None:
                return redirect(f"{reverse('2fa_verify')}?next={request.path}")
            if two_factor_required(user):
                return redirect(f"{reverse('2fa_setup')}?next={request.path}")
        return self.get_response(request)


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=16,
        help_text="The 6-digit code from your authenticator app, or one of your recovery codes.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def __init__(self, *args, user, devices, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.devices = devices
        self.device = None

    def clean_code(self):
        code = self.cleaned_data["code"].replace(" ", "")
        throttled = False
        with transaction.atomic():
            for device in self.devices:
                if device is None:
                    continue
                allowed, _ = device.verify_is_allowed()
                throttled = throttled or not allowed
                if device.verify_token(code):
                    self.device = device
                    return code
        if throttled:
            raise forms.ValidationError("Too many wrong codes: wait a few seconds and try again.")
        raise forms.ValidationError("That code is not right (or has expired). Try again.")


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or reverse("home")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return reverse("home")
    return target


def _recovery_device(user) -> StaticDevice | None:
    return StaticDevice.objects.filter(user=user, name="recovery", confirmed=True).first()


@transaction.atomic
def recovery_codes_reset(*, user) -> list[str]:
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name="recovery", defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    for code in codes:
        device.token_set.create(token=code)
    return codes


@require_http_methods(["GET", "POST"])
def verify(request):
    device = confirmed_totp(request.user)
    if device is None:
        return redirect("2fa_setup")
    form = CodeForm(
        request.POST or None,
        user=request.user,
        devices=[device, _recovery_device(request.user)],
    )
    if request.method == "POST" and form.is_valid():
        otp_login(request, form.device)
        if isinstance(form.device, StaticDevice):
            left = form.device.token_set.count()
            messages.warning(
                request, f"You used a recovery code; {left} left. Set up new ones when low."
            )
        return redirect(_next(request))
    return render(request, "registration/2fa_verify.html", {"form": form, "next": _next(request)})


@require_http_methods(["GET", "POST"])
def setup(request):
    import segno

    if confirmed_totp(request.user) is not None and request.user.is_verified():
        return redirect("account_security")
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name="authenticator", confirmed=False)
    form = CodeForm(request.POST or None, user=request.user, devices=[device])
    if request.method == "POST" and form.is_valid():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=request.user).exclude(pk=device.pk).delete()
        otp_login(request, device)
        codes = recovery_codes_reset(user=request.user)
        return render(
            request, "registration/2fa_recovery.html", {"codes": codes, "next": _next(request)}
        )
    qr = segno.make(device.config_url, error="m").png_data_uri(scale=5, border=2)
    secret = device.config_url.split("secret=")[1].split("&")[0]
    return render(
        request,
        "registration/2fa_setup.html",
        {"form": form, "qr": qr, "secret": secret, "next": _next(request)},
    )


@require_http_methods(["GET", "POST"])
def security(request):
    """The signed-in person's own security settings."""
    device = confirmed_totp(request.user)
    required = two_factor_required(request.user)
    codes = None
    if request.method == "POST" and device is not None:
        action = request.POST.get("action")
        if action == "recovery":
            codes = recovery_codes_reset(user=request.user)
        elif action == "disable" and not required:
            TOTPDevice.objects.filter(user=request.user).delete()
            StaticDevice.objects.filter(user=request.user).delete()
            messages.info(request, "Two-factor sign-in is off for your account.")
            return redirect("account_security")
    recovery = _recovery_device(request.user)
    return render(
        request,
        "registration/security.html",
        {
            "device": device,
            "required": required,
            "codes": codes,
            "recovery_left": recovery.token_set.count() if recovery else 0,
        },
    )
