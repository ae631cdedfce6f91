"""Impact preview: stored assessments placed under a draft versus the published rule set."""

import pytest
from django.urls import reverse

from placement.impact import impact_start
from placement.models import ImpactJob, RuleSet
from placement.services import rule_set_clone
from tests.factories import PatientFactory, make_assessment

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_process_tasks")]


@pytest.fixture
def stored(clinician_a, program_a):
    """Three assessments: two with D6 = 2 (asks 2.1 through T-D6-2), one without."""
    from tests.factories import MODERATE_ANSWERS

    calm = {
        **MODERATE_ANSWERS,
        "D1": {"ciwa_ar_score": 0},
        "D3": {"suicide_risk": "none", "psychiatric_symptoms": "none"},
        "D4": {"stage_of_change": "action"},
        "D5": {"craving_0_10": 1, "coping_skills": "good"},
        "D6": {"housing": "unstable"},
    }
    ratings = {"D1": 0, "D2": 1, "D3": 0, "D4": 0, "D5": 0, "D6": 2}
    for _ in range(2):
        make_assessment(
            clinician_a, PatientFactory(program=program_a), answers=calm, ratings=ratings
        )
    make_assessment(clinician_a, PatientFactory(program=program_a))


@pytest.fixture
def draft(rule_admin):
    draft = rule_set_clone(rule_set=RuleSet.objects.get(status="published"), user=rule_admin)
    rule = draft.rules.get(rule_id="T-D6-2")
    rule.level = "2.5"
    rule.save()
    return draft


def test_impact_counts_level_changes_and_lists_the_cases(stored, draft, rule_admin):
    job = impact_start(rule_set=draft, user=rule_admin)
    assert job.status == "done"
    result = job.result
    assert (result["cases"], result["changed"]) == (3, 2)
    assert ["2.1", "2.5", 2] in result["level_changes"]
    assert {c["after"][0] for c in result["changed_cases"]} == {"2.5"}
    assert all("ratings" in c and "program" in c for c in result["changed_cases"])


def test_large_previews_run_as_a_job_with_progress(
    stored, draft, rule_admin, client, settings, django_capture_on_commit_callbacks
):
    settings.STEPWISE_IMPACT_SYNC_LIMIT = 1
    client.force_login(rule_admin)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.get(reverse("admin:placement_ruleset_impact", args=[draft.pk]))
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
    response = client.get(reverse("admin:placement_ruleset_impact", args=[draft.pk]), follow=True)
    page = response.content.decode()
    for p in Patient.objects.all():
        assert p.family_name not in page and p.mrn not in page
