"""The two-factor bypass, tried as an attacker who knows only the password: for every role,
superusers included, nothing past the code prompt is reachable and no device can be enrolled,
replaced or removed. A verified session needs the password again to change a device."""

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.roles import Role
from accounts.twofactor import recovery_codes_reset
from tests.factories import PASSWORD, UserFactory, member

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def enforce(settings):
    settings.STEPWISE_ENFORCE_2FA = True
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


def code_for(device) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


@pytest.fixture(params=["clinician", "supervisor", "rule_admin", "superuser"])
def victim(request, program_a):
    if request.param == "superuser":
        user = UserFactory(username="victim", is_staff=True, is_superuser=True)
    else:
        user = member(Role(request.param), program_a, username="victim")
    device = TOTPDevice.objects.create(user=user, name="owner's phone", confirmed=True)
    recovery_codes_reset(user=user)
    return user, device


def password_only(client, user):
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def devices(user):
    return sorted(
        (d.pk, d.confirmed) for d in TOTPDevice.objects.filter(user=user)
    ), StaticDevice.objects.get(user=user).token_set.count()


def test_password_only_session_cannot_enrol_a_new_authenticator(client, victim):
    user, device = victim
    password_only(client, user)
    before = devices(user)
    page = client.get(reverse("2fa_setup"))
    assert page.status_code == 302 and page["Location"].startswith(reverse("2fa_verify"))
    assert not TOTPDevice.objects.filter(user=user, confirmed=False).exists()
    # Whatever code is posted, enrolment does not happen.
    for code in ("000000", code_for(device)):
        response = client.post(reverse("2fa_setup"), {"code": code})
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("2fa_verify"))
    assert devices(user) == before
    assert client.get(reverse("home"))["Location"].startswith(reverse("2fa_verify"))


def test_password_only_session_cannot_replace_or_remove_devices(client, victim):
    user, _ = victim
    password_only(client, user)
    before = devices(user)
    for action in ("replace", "disable", "recovery"):
        response = client.post(
            reverse("account_security"), {"action": action, "password": PASSWORD}
        )
        assert response["Location"].startswith(reverse("2fa_verify")), action
    for url in ("/admin/otp_totp/totpdevice/add/", "/admin/otp_static/staticdevice/"):
        assert client.get(url)["Location"].startswith(reverse("2fa_verify")), url
    assert devices(user) == before


def test_a_recovery_code_is_the_only_other_way_in(client, victim):
    user, _ = victim
    password_only(client, user)
    assert client.post(reverse("2fa_verify"), {"code": "12345678"}).status_code == 200
    code = StaticDevice.objects.get(user=user).token_set.first().token
    assert client.post(reverse("2fa_verify"), {"code": code}).status_code == 302
    assert client.get(reverse("home")).status_code == 200


def verified(client, user, device):
    password_only(client, user)
    response = client.post(reverse("2fa_verify"), {"code": code_for(device)})
    assert response.status_code == 302
    return client


def test_a_verified_session_needs_the_password_again_to_change_the_device(client, supervisor_a):
    device = TOTPDevice.objects.create(user=supervisor_a, name="phone", confirmed=True)
    recovery_codes_reset(user=supervisor_a)
    verified(client, supervisor_a, device)
    # Straight to setup: sent to confirm the password first.
    assert client.get(reverse("2fa_setup"))["Location"] == reverse("account_security")
    wrong = client.post(reverse("account_security"), {"action": "replace", "password": "nope"})
    assert wrong.status_code == 400 and b"That password is not right" in wrong.content
    assert client.get(reverse("2fa_setup"))["Location"] == reverse("account_security")
    response = client.post(reverse("account_security"), {"action": "replace", "password": PASSWORD})
    assert response["Location"] == reverse("2fa_setup")
    page = client.get(reverse("2fa_setup"))
    assert b"This replaces your current authenticator" in page.content
    new = TOTPDevice.objects.get(user=supervisor_a, confirmed=False)
    done = client.post(reverse("2fa_setup"), {"code": code_for(new)})
    assert b"Your recovery codes" in done.content
    assert list(TOTPDevice.objects.filter(user=supervisor_a)) == [new]
    # The permission to enrol was used up.
    assert client.get(reverse("2fa_setup"))["Location"] == reverse("account_security")


def test_new_recovery_codes_need_the_password(client, supervisor_a):
    device = TOTPDevice.objects.create(user=supervisor_a, name="phone", confirmed=True)
    old = recovery_codes_reset(user=supervisor_a)
    verified(client, supervisor_a, device)
    client.post(reverse("account_security"), {"action": "recovery"})
    tokens = set(
        StaticDevice.objects.get(user=supervisor_a).token_set.values_list("token", flat=True)
    )
    assert tokens == set(old)
    page = client.post(reverse("account_security"), {"action": "recovery", "password": PASSWORD})
    assert len(page.context["codes"]) == 10 and set(page.context["codes"]) != set(old)


def test_turning_it_off_needs_the_password(client, clinician_a):
    device = TOTPDevice.objects.create(user=clinician_a, name="phone", confirmed=True)
    verified(client, clinician_a, device)
    client.post(reverse("account_security"), {"action": "disable", "password": "wrong"})
    assert TOTPDevice.objects.filter(user=clinician_a).exists()
    client.post(reverse("account_security"), {"action": "disable", "password": PASSWORD})
    assert not TOTPDevice.objects.filter(user=clinician_a).exists()


def test_guessing_the_password_on_the_security_page_locks_and_signs_out(client, clinician_a):
    device = TOTPDevice.objects.create(user=clinician_a, name="phone", confirmed=True)
    verified(client, clinician_a, device)
    for _ in range(5):
        response = client.post(
            reverse("account_security"), {"action": "disable", "password": "guess"}
        )
    assert response["Location"] == reverse("login")
    assert client.get(reverse("home"))["Location"].startswith(reverse("login"))
    locked = client.post(reverse("login"), {"username": "clinician_a", "password": PASSWORD})
    assert locked.status_code == 429
    assert TOTPDevice.objects.filter(user=clinician_a).exists()
