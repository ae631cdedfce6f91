import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from accounts.models import Membership, Program
from intake.models import Patient

pytestmark = pytest.mark.django_db


def counts():
    return (
        Program.objects.count(),
        get_user_model().objects.count(),
        Membership.objects.count(),
        Patient.objects.count(),
    )


def test_seed_demo_creates_programs_on_both_editions_with_every_role_and_patients():
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Program.objects.count() == 3
    assert set(Program.objects.values_list("edition", flat=True)) == {"3", "4"}
    for program in Program.objects.all():
        roles = set(Membership.objects.filter(program=program).values_list("role", flat=True))
        assert roles == {"clinician", "supervisor", "rule_admin"}
        assert Patient.objects.filter(program=program).exists()
    assert get_user_model().objects.get(username="admin").is_superuser


def test_seed_demo_twice_changes_nothing():
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    first = counts()
    password_hash = get_user_model().objects.get(username="clinician").password
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert counts() == first
    assert get_user_model().objects.get(username="clinician").password == password_hash


def test_seed_demo_refuses_under_production_settings(settings):
    settings.STEPWISE_ENVIRONMENT = "production"
    with pytest.raises(CommandError, match="production"):
        call_command("seed_demo")
    assert counts() == (0, 0, 0, 0)


def test_demo_clinician_can_sign_in_with_printed_password(client, capsys):
    call_command("seed_demo")
    printed = capsys.readouterr().out
    assert "stepwise-demo-2026" in printed
    response = client.post(
        "/accounts/login/", {"username": "clinician", "password": "stepwise-demo-2026"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/"
