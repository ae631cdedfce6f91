"""The authorization table: every URL of the project, for every role, and the outcome.

A test walks the URLconf and fails when a URL is missing here, so a new view cannot ship without
a decision. Object URLs point at program A's records: a clinician of program B (and anyone
without a role in program A) must get 404 - guessing ids reveals nothing."""

import datetime

import pytest
from django.test import Client

from intake.models import Consent
from placement.services.reviews import review_approve, review_claim
from tests.conftest import CSRFClient
from tests.factories import PatientFactory, make_assessment, make_submitted
from tests.urlconf import project_routes

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "clinician_a", "clinician_b", "supervisor_a", "rule_admin", "superuser")

# name: (method, kwargs, {role: status}). Roles are tried in the order above, so requests that
# change something come from the roles listed last. Missing roles default to the anonymous 302.
P = {"pk": "patient"}
A = {"pk": "assessment"}
SUB = {"pk": "submitted"}
SIG = {"pk": "signed"}
CON = {"pk": "consent"}
EVERYONE = dict.fromkeys(ROLES[1:], 200)
PUB = {"name": "asam3-default", "version": 3}
DR = {"name": "asam3-default", "version": "draft"}


def only(allowed: dict, others: int) -> dict:
    return {**dict.fromkeys(ROLES[1:], others), **allowed}


EDITORS = only({"rule_admin": 200, "superuser": 200}, 403)


TABLE = {
    "login": ("GET", {}, {"anonymous": 200, **dict.fromkeys(ROLES[1:], 302)}),
    "healthz": ("GET", {}, dict.fromkeys(ROLES, 200)),
    "home": ("GET", {}, EVERYONE),
    "logout": ("POST", {}, dict.fromkeys(ROLES, 302)),
    "keepalive": ("POST", {}, dict.fromkeys(ROLES[1:], 204)),
    "password_change": ("GET", {}, EVERYONE),
    "password_change_done": ("GET", {}, EVERYONE),
    "2fa_verify": ("GET", {}, dict.fromkeys(ROLES[1:], 302)),  # no device yet: go set one up
    "2fa_setup": ("GET", {}, EVERYONE),
    "account_security": ("GET", {}, EVERYONE),
    # patients and assessments
    "intake:patient_list": ("GET", {}, only({"rule_admin": 403, "superuser": 403}, 200)),
    "intake:patient_create": (
        "GET",
        {},
        only({"clinician_a": 200, "clinician_b": 200}, 403),
    ),
    "portal:patient_detail": ("GET", P, only({"clinician_a": 200, "supervisor_a": 200}, 404)),
    "portal:assessment_create": ("POST", P, only({"clinician_a": 400}, 404)),
    "portal:assessment_detail": ("GET", A, only({"clinician_a": 200, "supervisor_a": 200}, 404)),
    "intake:assessment_step": ("GET", {**A, "step": "D1"}, only({"clinician_a": 200}, 404)),
    "intake:step_suggest": ("POST", {**A, "step": "D1"}, only({"clinician_a": 200}, 404)),
    "placement:recommendation": ("GET", A, only({"clinician_a": 200, "supervisor_a": 200}, 404)),
    "placement:handout": ("GET", A, only({"clinician_a": 200, "supervisor_a": 200}, 404)),
    "intake:consents": ("GET", P, only({"clinician_a": 200, "supervisor_a": 200}, 404)),
    "intake:consent_revoke": ("POST", CON, only({"clinician_a": 302}, 404)),
    "intake:disclosures": ("GET", P, only({"clinician_a": 200, "supervisor_a": 200}, 404)),
    # review
    "placement:review_queue": ("GET", {}, only({"supervisor_a": 200}, 403)),
    "placement:review_detail": ("GET", SUB, only({"supervisor_a": 200}, 403)),
    "placement:queue_claim": ("POST", SUB, only({"supervisor_a": 302}, 403)),
    "placement:review_claim": ("POST", SUB, only({"supervisor_a": 302}, 403)),
    "placement:review_release": ("POST", SUB, only({"supervisor_a": 409}, 403)),
    "placement:review_return": ("POST", SUB, only({"supervisor_a": 400}, 403)),
    "placement:review_approve": ("POST", SUB, only({"supervisor_a": 400}, 403)),
    "placement:review_override": ("POST", SUB, only({"supervisor_a": 400}, 403)),
    "placement:placement_pdf": ("GET", SIG, only({"clinician_a": 200, "supervisor_a": 200}, 404)),
    "placement:placement_disclose": (
        "GET",
        SIG,
        only({"clinician_a": 200, "supervisor_a": 200}, 404),
    ),
    # rule sets: release notes for everyone; the editor for rule administrators. Object URLs
    # point at the published version (changes refused) or a draft (DR).
    "rules:changes": ("GET", PUB, EVERYONE),
    "rules:list": ("GET", {}, EDITORS),
    "rules:import": ("GET", {}, EDITORS),
    "rules:import_job": (
        "GET",
        {"job_id": "import_job"},
        only({"rule_admin": 200}, 403) | {"superuser": 404},
    ),
    "rules:compare": ("GET", {"name": "asam3-default"}, EDITORS),
    "rules:impact_job": (
        "GET",
        {"job_id": "job"},
        only({"rule_admin": 200}, 403) | {"superuser": 404},
    ),
    "rules:version": ("GET", PUB, EDITORS),
    "rules:clone": ("POST", PUB, only({"rule_admin": 302, "superuser": 302}, 403)),
    # Release notes change only on a draft: a published version refuses everyone.
    "rules:release_notes": ("POST", PUB, only({}, 403)),
    # An empty POST makes no variant: back to the page with the reason.
    "rules:variant": ("POST", PUB, only({"rule_admin": 302, "superuser": 302}, 403)),
    "rules:verify": ("GET", DR, EDITORS),
    "rules:publish": ("GET", DR, EDITORS),
    "rules:impact": ("POST", PUB, only({"rule_admin": 302, "superuser": 302}, 403)),
    "rules:export": ("GET", {**PUB, "fmt": "xlsx"}, EDITORS),
    "rules:rule_new": ("GET", {**DR, "kind": "placement"}, EDITORS),
    "rules:rule_edit": ("GET", {**DR, "rule_id": "T-D5-3"}, EDITORS),
    "rules:rule_delete": ("POST", {**PUB, "rule_id": "T-D5-3"}, only({}, 403)),
    "rules:rule_move": ("POST", {**PUB, "rule_id": "S-POPULATION"}, only({}, 403)),
    "rules:tests": ("GET", DR, EDITORS),
    "rules:test_delete": ("POST", {**PUB, "pk": "case"}, only({}, 403)),
    "rules:catalog": ("GET", DR, EDITORS),
    "rules:level_edit": ("GET", {**DR, "code": "2.1"}, EDITORS),
    "rules:dimension_edit": ("GET", {**DR, "code": "D1"}, EDITORS),
    "rules:question_edit": ("GET", {**DR, "code": "housing"}, EDITORS),
    # audit
    "audit:log": ("GET", {}, only({"superuser": 200}, 403)),
    "audit:export": ("POST", {}, only({"superuser": 302}, 403)),
    "audit:export_status": ("GET", {"pk": "export"}, only({"superuser": 200}, 403)),
    "audit:export_download": ("GET", {"pk": "export"}, only({"superuser": 200}, 403)),
}


def test_every_url_in_the_urlconf_is_in_the_table():
    names = {r.name for r in project_routes()}
    assert names - set(TABLE) == set(), "add these URLs to the authorization table"
    assert set(TABLE) - names == set(), "these table rows have no URL any more"


@pytest.fixture
def world(clinician_a, clinician_b, supervisor_a, rule_admin, superuser, program_a):
    patient = PatientFactory(program=program_a, date_of_birth=datetime.date(1975, 5, 5))
    draft = make_assessment(clinician_a, patient)
    submitted = make_submitted(clinician_a, PatientFactory(program=program_a))
    signed = make_submitted(clinician_a, PatientFactory(program=program_a))
    review_claim(placement_id=signed.pk, user=supervisor_a)
    review_approve(placement_id=signed.pk, user=supervisor_a)
    consent = Consent.objects.create(
        patient=patient,
        recipient="Clinic",
        purpose="Care",
        scope="placement",
        signed_on=datetime.date.today(),
        expires_on=datetime.date.today() + datetime.timedelta(30),
        created_by=clinician_a,
    )
    return {
        "users": {
            "clinician_a": clinician_a,
            "clinician_b": clinician_b,
            "supervisor_a": supervisor_a,
            "rule_admin": rule_admin,
            "superuser": superuser,
        },
        "objects": {
            "patient": patient.pk,
            "assessment": draft.pk,
            "submitted": submitted.pk,
            "signed": signed.pk,
            "consent": consent.pk,
            "export": _finished_export(superuser).pk,
        },
    }


def _finished_export(superuser):
    from audit.selectors import AuditFilters
    from audit.services import audit_export_run, audit_export_start

    export = audit_export_start(user=superuser, filters=AuditFilters())
    audit_export_run(export_id=export.pk)
    return export


def rule_objects(rule_admin) -> dict:
    """A draft of the default rule set, an impact preview of it, and a test case of the
    published version (only the rule-set rows need them: cloning takes a moment)."""
    from rulesets.impact import impact_start
    from rulesets.models import RuleSet, RuleSetImport, RuleTestCase
    from rulesets.services import rule_set_clone

    published = RuleSet.objects.get(name="asam3-default", status="published")
    draft = rule_set_clone(rule_set=published, user=rule_admin)
    return {
        "draft": draft.version,
        "job": impact_start(rule_set=draft, user=rule_admin).pk,
        "case": RuleTestCase.objects.filter(rule_set=published).first().pk,
        "import_job": RuleSetImport.objects.create(
            created_by=rule_admin, file_name="big.xlsx", status="done", draft=draft
        ).pk,
    }


@pytest.mark.parametrize("name", sorted(TABLE), ids=str)
def test_each_role_gets_the_expected_outcome(world, name):
    if name.startswith("rules:"):
        world["objects"].update(rule_objects(world["users"]["rule_admin"]))
    route = next(r for r in project_routes() if r.name == name)
    method, kwargs, expected = TABLE[name]
    path = route.path(**{k: world["objects"].get(v, v) for k, v in kwargs.items()})
    outcomes = {}
    for role in ROLES:
        client: Client = CSRFClient()
        if role != "anonymous":
            client.force_login(world["users"][role])
        response = client.get(path) if method == "GET" else client.post(path, {})
        outcomes[role] = response.status_code
        if role == "anonymous" and name not in ("login", "healthz", "logout"):
            assert response["Location"].startswith("/accounts/login/"), path
    wanted = {role: expected.get(role, 302) for role in ROLES}
    assert outcomes == wanted, path


def test_object_urls_of_another_program_are_404_for_its_supervisor_too(world, supervisor_b):
    client = CSRFClient()
    client.force_login(supervisor_b)
    objects = world["objects"]
    for url in (
        f"/patients/{objects['patient']}/",
        f"/assessments/{objects['assessment']}/",
        f"/review/{objects['submitted']}/",
        f"/placements/{objects['signed']}/pdf/",
        f"/patients/{objects['patient']}/consents/",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/review/{objects['submitted']}/take/").status_code == 404


def test_patient_data_in_admin_is_for_superusers_only(client, rule_admin, superuser, program_a):
    patient = PatientFactory(program=program_a)
    change = f"/admin/intake/patient/{patient.pk}/change/"
    client.force_login(rule_admin)
    assert client.get(change).status_code == 403
    assert client.get("/admin/intake/assessment/").status_code == 403
    assert client.get("/admin/placement/placement/").status_code == 403
    admin = CSRFClient()
    admin.force_login(superuser)
    assert admin.get(change).status_code == 200
    assert admin.get("/admin/axes/accessattempt/").status_code == 200  # where lockouts are lifted
