"""Impact preview: stored assessments placed under a draft versus the published rule set."""

import pytest
from django.urls import reverse

from rulesets.impact import impact_start
from rulesets.models import ImpactJob, RuleSet
from rulesets.services import rule_set_clone
from tests.factories import MODERATE_ANSWERS, PatientFactory, make_assessment

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_process_tasks")]

CALM = {
    **MODERATE_ANSWERS,
    "D1": {"ciwa_ar_score": 0},
    "D3": {"suicide_risk": "none", "psychiatric_symptoms": "none"},
    "D4": {"stage_of_change": "action"},
    "D5": {"craving_0_10": 1, "coping_skills": "good"},
    "D6": {"housing": "unstable"},
}


@pytest.fixture
def stored(clinician_a, program_a):
    """Three assessments: two with D5 = 3 (asks 2.1 through T-D5-3), one without."""
    ratings = {"D1": 0, "D2": 1, "D3": 0, "D4": 0, "D5": 3, "D6": 2}
    for _ in range(2):
        make_assessment(
            clinician_a, PatientFactory(program=program_a), answers=CALM, ratings=ratings
        )
    make_assessment(clinician_a, PatientFactory(program=program_a))


@pytest.fixture
def draft(rule_admin):
    draft = rule_set_clone(
        rule_set=RuleSet.objects.get(name="asam3-default", status="published"), user=rule_admin
    )
    rule = draft.rules.get(rule_id="T-D5-3")
    rule.level = "2.5"
    rule.save()
    return draft


def test_impact_counts_level_changes_and_lists_the_cases(stored, draft, rule_admin):
    job = impact_start(rule_set=draft, user=rule_admin)
    assert job.status == "done"
    result = job.result
    assert (result["cases"], result["changed"]) == (3, 2)
    assert ["2.1", "2.5", 2] in result["level_changes"]
    [group] = result["changed_groups"]
    assert (group["before"][0], group["after"][0], group["count"]) == ("2.1", "2.5", 2)
    assert "T-D5-3" in group["rules"]


def test_large_previews_run_as_a_job_with_progress(
    stored, draft, rule_admin, client, settings, django_capture_on_commit_callbacks
):
    settings.STEPWISE_IMPACT_SYNC_LIMIT = 1
    client.force_login(rule_admin)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("rules:impact", args=[draft.name, draft.version]))
    job = ImpactJob.objects.get()
    assert job.status == "pending"
    page = client.get(response["Location"]).content.decode()
    assert "<progress" in page and 'hx-trigger="every 1s"' in page
    assert '"X-Stepwise-Background": "1"' in page  # polling does not keep the session alive
    for callback in callbacks:
        callback()  # the broker hands the job to a worker (in-process here)
    job.refresh_from_db()
    assert job.status == "done" and job.result["changed"] == 2
    partial = client.get(response["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert "2 of 3 assessments would be placed differently" in partial
    assert "<progress" not in partial


def test_impact_lists_no_patient_names(stored, draft, rule_admin, client):
    from intake.models import Patient

    client.force_login(rule_admin)
    response = client.post(reverse("rules:impact", args=[draft.name, draft.version]), follow=True)
    page = response.content.decode()
    for p in Patient.objects.all():
        assert p.family_name not in page and p.mrn not in page


# -- scope: the attack run's cross-program leak -------------------------------------------------


@pytest.fixture
def other_program(clinician_b, program_b):
    """Two assessments in program B that the draft would also move (D5 = 3)."""
    ratings = {"D1": 0, "D2": 1, "D3": 0, "D4": 0, "D5": 3, "D6": 2}
    for _ in range(2):
        make_assessment(
            clinician_b, PatientFactory(program=program_b), answers=CALM,
            ratings=ratings,
        )  # fmt: skip


@pytest.fixture
def rule_admin_b(program_b):
    from accounts.roles import Role
    from tests.factories import member

    return member(Role.RULE_ADMIN, program_b, username="rule_admin_b")


def test_a_rule_admin_previews_only_the_programs_they_administer(
    stored, other_program, draft, rule_admin, rule_admin_b
):
    mine = impact_start(rule_set=draft, user=rule_admin)
    assert (mine.result["cases"], mine.result["changed"]) == (3, 2)
    theirs = impact_start(rule_set=draft, user=rule_admin_b)
    assert (theirs.result["cases"], theirs.result["changed"]) == (2, 2)


def test_the_result_carries_no_case_level_clinical_data(stored, draft, rule_admin):
    import json

    from intake.models import Assessment

    result = json.dumps(impact_start(rule_set=draft, user=rule_admin).result)
    assert "ratings" not in result and "flags" not in result and "assessment" not in result
    for a in Assessment.objects.all():
        assert f'"assessment": {a.pk}' not in result


def test_a_job_belongs_to_its_creator(stored, draft, rule_admin, rule_admin_b, client):
    job = impact_start(rule_set=draft, user=rule_admin)
    client.force_login(rule_admin_b)
    url = reverse("rules:impact_job", args=[job.pk])
    assert client.get(url).status_code == 404
    client.force_login(rule_admin)
    assert client.get(url).status_code == 200


def test_starting_a_preview_is_a_post_and_is_audited(stored, draft, rule_admin, client):
    from auditlog.models import LogEntry

    client.force_login(rule_admin)
    url = reverse("rules:impact", args=[draft.name, draft.version])
    assert client.get(url).status_code == 405
    assert not ImpactJob.objects.exists()
    client.post(url)
    job = ImpactJob.objects.get()
    entry = LogEntry.objects.get(content_type__model="impactjob", object_id=job.pk)
    assert entry.action == LogEntry.Action.ACCESS and entry.actor == rule_admin
    assert entry.additional_data["cases"] == 3 and entry.additional_data["all_programs"] is False


def test_a_network_administrator_previews_every_program_audited(
    stored, other_program, draft, program_b
):
    from auditlog.models import LogEntry
    from django.contrib.auth.models import Group

    from accounts.groups import NETWORK_GROUP
    from tests.factories import UserFactory

    network = UserFactory(username="network", is_staff=True)
    network.groups.add(Group.objects.get(name=NETWORK_GROUP))
    job = impact_start(rule_set=draft, user=network)
    assert (job.result["cases"], job.result["changed"]) == (5, 4)
    # Exactly the programs whose rules publishing the default would change: here, every one.
    from rulesets.scope import programs_using_rule_set

    using = sorted(p.pk for p in programs_using_rule_set(name=draft.name))
    assert sorted(job.program_ids) == using
    from placement.models import Recommendation

    stored_in = set(
        Recommendation.objects.values_list("assessment__patient__program_id", flat=True)
    )
    assert stored_in <= set(using)  # every program with stored assessments, as before
    entry = LogEntry.objects.get(object_id=job.pk, content_type__model="impactjob")
    assert entry.additional_data["programs"] == job.program_ids


def test_someone_who_administers_no_program_cannot_preview(stored, draft, clinician_a):
    from rulesets.impact import ImpactScopeError

    with pytest.raises(ImpactScopeError):
        impact_start(rule_set=draft, user=clinician_a)
