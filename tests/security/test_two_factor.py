"""Two-factor sign-in: required for supervisors and administrators, optional for clinicians
unless their program requires it; recovery codes work once."""

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def enforce(settings):
    settings.STEPWISE_ENFORCE_2FA = True
    # django-otp slows down guessing after a wrong code; tests do not wait for it.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


def sign_in(client, user):
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return response


def code_for(device) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_supervisor_without_a_device_must_set_one_up_before_anything_else(client, supervisor_a):
    sign_in(client, supervisor_a)
    response = client.get(reverse("placement:review_queue"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("2fa_setup"))
    page = client.get(response["Location"])
    assert b"Scan this code" in page.content and b"data:image/png;base64," in page.content
    device = TOTPDevice.objects.get(user=supervisor_a, confirmed=False)
    response = client.post(reverse("2fa_setup"), {"code": "000000"})
    assert b"That code is not right" in response.content
    response = client.post(reverse("2fa_setup"), {"code": code_for(device)})
    assert b"Your recovery codes" in response.content
    assert len(response.context["codes"]) == 10
    assert client.get(reverse("placement:review_queue")).status_code == 200


def test_a_user_with_a_device_enters_a_code_after_the_password(client, supervisor_a):
    device = TOTPDevice.objects.create(user=supervisor_a, name="phone", confirmed=True)
    sign_in(client, supervisor_a)
    response = client.get(reverse("home"))
    assert response["Location"].startswith(reverse("2fa_verify"))
    response = client.post(reverse("2fa_verify"), {"code": "123456", "next": "/"})
    assert response.status_code == 200 and b"That code is not right" in response.content
    response = client.post(reverse("2fa_verify"), {"code": code_for(device), "next": "/review/"})
    assert response["Location"] == "/review/"
    assert client.get("/review/").status_code == 200


def test_recovery_code_works_once(client, supervisor_a):
    from accounts.twofactor import recovery_codes_reset

    TOTPDevice.objects.create(user=supervisor_a, name="phone", confirmed=True)
    code = recovery_codes_reset(user=supervisor_a)[0]
    sign_in(client, supervisor_a)
    assert client.post(reverse("2fa_verify"), {"code": code}).status_code == 302
    client.post(reverse("logout"))
    sign_in(client, supervisor_a)
    response = client.post(reverse("2fa_verify"), {"code": code})
    assert b"That code is not right" in response.content


def test_rule_admins_and_superusers_need_it_too(client, rule_admin, superuser):
    for user in (rule_admin, superuser):
        client.post(reverse("logout"))
        sign_in(client, user)
        assert client.get("/admin/")["Location"].startswith(reverse("2fa_setup"))


def test_clinicians_choose_unless_their_program_requires_it(client, clinician_a, program_a):
    sign_in(client, clinician_a)
    assert client.get(reverse("home")).status_code == 200
    program_a.require_2fa_for_clinicians = True
    program_a.save()
    assert client.get(reverse("home"))["Location"].startswith(reverse("2fa_setup"))


def test_wrong_codes_slow_down_guessing(client, supervisor_a, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 1
    device = TOTPDevice.objects.create(user=supervisor_a, name="phone", confirmed=True)
    sign_in(client, supervisor_a)
    client.post(reverse("2fa_verify"), {"code": "000000"})
    response = client.post(reverse("2fa_verify"), {"code": code_for(device)})
    assert b"Too many wrong codes" in response.content


def test_only_sign_out_works_before_the_second_factor(client, supervisor_a):
    TOTPDevice.objects.create(user=supervisor_a, name="phone", confirmed=True)
    sign_in(client, supervisor_a)
    for url in ("/", "/review/", "/patients/", "/accounts/security/"):
        assert client.get(url)["Location"].startswith(reverse("2fa_verify")), url
    client.post(reverse("logout"))
    assert client.get("/")["Location"].startswith("/accounts/login/")


def test_a_required_user_cannot_turn_it_off(client, supervisor_a):
    device = TOTPDevice.objects.create(user=supervisor_a, name="phone", confirmed=True)
    sign_in(client, supervisor_a)
    client.post(reverse("2fa_verify"), {"code": code_for(device)})
    client.post(reverse("account_security"), {"action": "disable"})
    assert TOTPDevice.objects.filter(user=supervisor_a).exists()
