"""Two-factor sign-in (TOTP through django-otp) with recovery codes.

Required for supervisors and administrators (superusers and rule administrators), and for
clinicians of a program that requires it; optional for other clinicians. When
STEPWISE_ENFORCE_2FA is off (local development) nobody is forced, but anyone may enrol.

Who may change a second factor: a person with no device yet enrols right after the password
(the first enrolment). Once a device is confirmed, the session must be verified with it (or
with a recovery code) before anything else, and adding, replacing or removing a device or the
recovery codes needs that verified session *and* the password again (``accounts.reauth``)."""

from __future__ import annotations

import time

from django import forms
from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import Membership
from .reauth import ReauthLocked, password_reconfirm
from .roles import Role

RECOVERY_CODES = 10
# Paths a signed-in but not yet verified user may still use.
OPEN_PATHS = ("/accounts/2fa/", "/accounts/logout/", "/healthz", "/static/")
# After the password is confirmed on the security page, a new device may be enrolled for
# this long.
REAUTH_SESSION_KEY = "stepwise_2fa_reauth_at"
REAUTH_VALID_S = 5 * 60


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


def has_second_factor(user) -> bool:
    """Any confirmed device: an authenticator or recovery codes."""
    return user_has_device(user, confirmed=True)


def session_complete(user) -> bool:
    """Signed in with everything this user's sign-in asks for: the second factor entered
    when they have one or must use one."""
    if not user.is_authenticated:
        return False
    if user.is_verified():
        return True
    return not has_second_factor(user) and not two_factor_required(user)


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
            if has_second_factor(user):
                return redirect(f"{reverse('2fa_verify')}?next={request.path}")
            if two_factor_required(user):
                return redirect(f"{reverse('2fa_setup')}?next={request.path}")
        return self.get_response(request)


def _totp_verify_once(device: TOTPDevice, code: str) -> bool:
    """django-otp's TOTP check, with the used time step recorded by a conditional update: of
    several sessions sending the same code at once, exactly one succeeds (django-otp reads
    ``last_t``, then saves the whole row, so all of them could)."""

    try:
        token = int(code)
    except ValueError:
        return False
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    if not totp.verify(token, device.tolerance, device.last_t + 1):
        return False
    now = timezone.now()
    used = TOTPDevice.objects.filter(pk=device.pk, last_t__lt=totp.t()).update(
        last_t=totp.t(),
        drift=totp.drift,
        throttling_failure_count=0,
        throttling_failure_timestamp=None,
        last_used_at=now,
    )
    if used:
        device.last_t, device.drift, device.last_used_at = totp.t(), totp.drift, now
    return bool(used)


def _recovery_verify_once(device: StaticDevice, code: str) -> bool:
    """A recovery code is used up by deleting it: only the request whose delete removed the
    row succeeds."""
    deleted, _ = StaticToken.objects.filter(device=device, token=code).delete()
    if deleted:
        StaticDevice.objects.filter(pk=device.pk).update(
            throttling_failure_count=0,
            throttling_failure_timestamp=None,
            last_used_at=timezone.now(),
        )
    return bool(deleted)


def verify_once(device, code: str) -> bool:
    """True when ``code`` is right for ``device`` now and was not used before; a wrong code
    counts toward the device's throttle."""
    allowed, _ = device.verify_is_allowed()
    if not allowed:
        return False
    if isinstance(device, TOTPDevice):
        ok = _totp_verify_once(device, code)
    elif isinstance(device, StaticDevice):
        ok = _recovery_verify_once(device, code)
    else:
        ok = device.verify_token(code)
    if not ok:
        device.throttle_increment(commit=True)
    return ok


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
                if verify_once(device, code):
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
    recovery = _recovery_device(request.user)
    if device is None and recovery is None:
        return redirect("2fa_setup")
    form = CodeForm(request.POST or None, user=request.user, devices=[device, recovery])
    if request.method == "POST" and form.is_valid():
        otp_login(request, form.device)
        if isinstance(form.device, StaticDevice):
            left = form.device.token_set.count()
            messages.warning(
                request, f"You used a recovery code; {left} left. Set up new ones when low."
            )
        return redirect(_next(request))
    return render(request, "registration/2fa_verify.html", {"form": form, "next": _next(request)})


def _reauth_fresh(request) -> bool:
    at = request.session.get(REAUTH_SESSION_KEY)
    return at is not None and 0 <= time.time() - at <= REAUTH_VALID_S


def enrolment_refusal(request):
    """Why this session may not enrol a device now (a redirect), or None when it may: the
    first device needs only the password just entered; any later change needs the current
    device's code first and the password again."""
    user = request.user
    if not has_second_factor(user):
        return None
    if not user.is_verified():
        messages.info(request, "Enter a code from your authenticator app (or a recovery code).")
        return redirect(f"{reverse('2fa_verify')}?next={reverse('account_security')}")
    if not _reauth_fresh(request):
        messages.info(request, "Confirm your password to set up a new authenticator.")
        return redirect("account_security")
    return None


@require_http_methods(["GET", "POST"])
def setup(request):
    # The QR code library is needed only on the enrolment page.
    import segno

    refusal = enrolment_refusal(request)
    if refusal is not None:
        return refusal
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name="authenticator", confirmed=False)
    form = CodeForm(request.POST or None, user=request.user, devices=[device])
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            TOTPDevice.objects.filter(user=request.user).exclude(pk=device.pk).delete()
            codes = recovery_codes_reset(user=request.user)
        request.session.pop(REAUTH_SESSION_KEY, None)
        otp_login(request, device)
        return render(
            request, "registration/2fa_recovery.html", {"codes": codes, "next": _next(request)}
        )
    qr = segno.make(device.config_url, error="m").png_data_uri(scale=5, border=2)
    secret = device.config_url.split("secret=")[1].split("&")[0]
    return render(
        request,
        "registration/2fa_setup.html",
        {
            "form": form,
            "qr": qr,
            "secret": secret,
            "next": _next(request),
            "replacing": has_second_factor(request.user),
        },
    )


class PasswordConfirmForm(forms.Form):
    password = forms.CharField(
        label="Your password",
        help_text="Needed to change how you sign in.",
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


@require_http_methods(["GET", "POST"])
def security(request):
    """The signed-in person's own security settings. Every change to the second factor asks
    for the password again (and the middleware has already required a verified session)."""
    user = request.user
    device = confirmed_totp(user)
    required = two_factor_required(user)
    codes = None
    form = PasswordConfirmForm(request.POST or None)
    action = request.POST.get("action")
    if request.method == "POST" and action in ("recovery", "disable", "replace"):
        if form.is_valid():
            try:
                ok = password_reconfirm(
                    request=request, user=user, password=form.cleaned_data["password"]
                )
            except ReauthLocked as exc:
                messages.error(request, str(exc))
                return redirect("login")
            if not ok:
                form.add_error("password", "That password is not right. Nothing was changed.")
        if not form.errors:
            if action == "replace":
                request.session[REAUTH_SESSION_KEY] = time.time()
                return redirect("2fa_setup")
            if action == "recovery" and device is not None:
                codes = recovery_codes_reset(user=user)
                form = PasswordConfirmForm()
            elif action == "disable" and device is not None and not required:
                TOTPDevice.objects.filter(user=user).delete()
                StaticDevice.objects.filter(user=user).delete()
                messages.info(request, "Two-factor sign-in is off for your account.")
                return redirect("account_security")
    recovery = _recovery_device(user)
    return render(
        request,
        "registration/security.html",
        {
            "device": device,
            "required": required,
            "codes": codes,
            "form": form,
            "recovery_left": recovery.token_set.count() if recovery else 0,
        },
        status=400 if form.errors else 200,
    )
