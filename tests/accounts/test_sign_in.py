import pytest
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_sign_in_with_right_password_lands_on_home(client, clinician_a):
    response = client.post(
        reverse("login"), {"username": "clinician_a", "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("home")
    assert b"Sign out" in response.content


def test_sign_in_with_wrong_password_shows_error_and_stays_out(client, clinician_a):
    response = client.post(reverse("login"), {"username": "clinician_a", "password": "nope"})
    assert response.status_code == 200
    assert b"do not match" in response.content
    assert "_auth_user_id" not in client.session


def test_post_without_csrf_token_is_refused(client, clinician_a):
    response = client.post(
        reverse("login"), {"username": "clinician_a", "password": PASSWORD}, csrf=False
    )
    assert response.status_code == 403


def test_sign_out_needs_post_and_ends_the_session(client, clinician_a):
    client.force_login(clinician_a)
    assert client.get(reverse("logout")).status_code == 405
    client.post(reverse("logout"))
    assert client.get(reverse("home")).status_code == 302


def test_password_change_enforces_twelve_characters(client, clinician_a):
    client.force_login(clinician_a)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "short1!", "new_password2": "short1!"},
    )
    assert response.status_code == 200
    assert b"at least 12 characters" in response.content
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a-much-longer-passphrase",
            "new_password2": "a-much-longer-passphrase",
        },
    )
    assert response.status_code == 302
    clinician_a.refresh_from_db()
    assert clinician_a.check_password("a-much-longer-passphrase")


def test_passwords_are_stored_with_argon2id_at_owasp_parameters(settings, db):
    import argon2
    from django.contrib.auth.hashers import make_password

    from config.settings import base

    settings.PASSWORD_HASHERS = base.PASSWORD_HASHERS
    encoded = make_password("a-much-longer-passphrase")
    assert encoded.startswith("argon2$argon2id$")
    params = argon2.extract_parameters(encoded.removeprefix("argon2"))
    assert (params.memory_cost, params.time_cost, params.parallelism) == (19 * 1024, 2, 1)


def test_an_old_argon2_hash_is_upgraded_at_the_next_sign_in(settings, client, clinician_a):
    import argon2
    from django.contrib.auth.hashers import Argon2PasswordHasher

    from config.settings import base
    from tests.factories import PASSWORD

    settings.PASSWORD_HASHERS = base.PASSWORD_HASHERS
    old = Argon2PasswordHasher().encode(PASSWORD, "somesaltsomesalt")  # Django's 100 MiB, p=8
    type(clinician_a).objects.filter(pk=clinician_a.pk).update(password=old)
    response = client.post(reverse("login"), {"username": "clinician_a", "password": PASSWORD})
    assert response.status_code == 302
    clinician_a.refresh_from_db()
    params = argon2.extract_parameters(clinician_a.password.removeprefix("argon2"))
    assert (params.memory_cost, params.parallelism) == (19 * 1024, 1)
    assert clinician_a.check_password(PASSWORD)
