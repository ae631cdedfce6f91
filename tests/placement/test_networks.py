"""Networks in transition: both editions in one review queue on one urgency scale, scheduled
edition switches, reviews that cross editions, and rule sets that belong to programs (program
variants; only the network rule administrator publishes the network default)."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from accounts.groups import NETWORK_GROUP
from accounts.roles import Role
from intake.services import assessment_start, current_rule_set
from placement.models import Placement
from placement.services.recommendations import placement_submit
from placement.services.reviews import review_approve, review_claim
from rulesets.loader import engine_rule_set
from rulesets.models import RuleSet
from rulesets.scope import programs_using_rule_set
from rulesets.services import (
    RuleSetPublishRefused,
    RuleSetWorkflowError,
    rule_set_clone,
    rule_set_make_variant,
    rule_set_publish,
    rule_set_verify,
)
from tests.conftest import CSRFClient
from tests.factories import (
    PatientFactory,
    UserFactory,
    make_assessment,
    make_fourth_assessment,
    make_submitted,
    member,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
LEVEL_4 = {"D2": 4}  # 3rd edition: T-D2-4 asks for Level 4
ZERO_4TH = {}  # 4th edition: every subdimension at its lowest code but those given


def signed_in(user):
    client = CSRFClient()
    client.force_login(user)
    return client


def fourth_submitted(clinician, patient, answers, kind="initial"):
    assessment = make_fourth_assessment(clinician, patient, answers=answers, kind=kind)
    rec = assessment.recommendations.first()
    return placement_submit(
        assessment=assessment, user=clinician, decision={"provided_level": rec.level}
    )


# -- one urgency scale ----------------------------------------------------------------------------


@pytest.fixture
def both_editions(clinician_a, supervisor_a, program_a):
    """A program that ran the 3rd edition and now runs the 4th: a 3rd-edition Level 4 and a
    4th-edition 3.1 wait in its queue."""
    from tests.factories import MODERATE_ANSWERS

    answers = {**MODERATE_ANSWERS, "D2": {"medical_condition_status": "life_threatening"}}
    level_4 = make_submitted(clinician_a, PatientFactory(program=program_a), answers=answers,
                             ratings={"D2": 4})  # fmt: skip
    program_a.edition = "4"
    program_a.save()
    level_31 = fourth_submitted(
        clinician_a, PatientFactory(program=program_a), {"4A": {"q4a": "D"}}
    )
    assert (level_4.indicated_level, level_4.edition) == ("4", "3")
    assert (level_31.indicated_level, level_31.edition) == ("3.1", "4")
    return level_4, level_31


def test_a_3rd_edition_level_4_comes_before_a_4th_edition_3_1(both_editions, supervisor_a):
    level_4, level_31 = both_editions
    # By rank within its own rule set, 3.1 (rank 10 of the 4th edition) beat Level 4 (rank 8).
    assert level_31.indicated_intensity < level_4.indicated_intensity
    page = signed_in(supervisor_a).get(reverse("placement:review_queue"))
    order = [row["p"].pk for row in page.context["rows"]]
    assert order.index(level_4.pk) < order.index(level_31.pk)


def test_the_level_filter_lists_each_editions_levels_under_its_own_heading(
    both_editions, supervisor_a
):
    level_4, level_31 = both_editions
    client = signed_in(supervisor_a)
    html = client.get(reverse("placement:review_queue")).content.decode()
    assert '<optgroup label="ASAM Criteria, 3rd edition">' in html
    assert '<optgroup label="ASAM Criteria, 4th edition">' in html
    assert 'value="4:3.1"' in html and 'value="3:3.3"' in html and 'value="4:2.7"' in html
    only_4 = client.get(reverse("placement:review_queue"), {"level": "3:4"}).context["rows"]
    assert [r["p"].pk for r in only_4] == [level_4.pk]
    only_31 = client.get(reverse("placement:review_queue"), {"level": "4:3.1"}).context["rows"]
    assert [r["p"].pk for r in only_31] == [level_31.pk]
    assert client.get(reverse("placement:review_queue"), {"level": "3:3.1"}).context["rows"] == []


def test_every_level_of_the_default_sets_has_an_intensity_shared_across_editions():
    third = engine_rule_set(RuleSet.objects.get(name="asam3-default", status="published"))
    fourth = engine_rule_set(RuleSet.objects.get(name="asam4-default", status="published"))
    assert all(lv.intensity is not None for lv in (*third.levels, *fourth.levels))
    i3 = {lv.code: lv.intensity for lv in third.levels}
    i4 = {lv.code: lv.intensity for lv in fourth.levels}
    assert i4["4"] == i4["4 Psychiatric"] == i3["4"] == max(i4.values())
    assert i4["3.7"] == i4["3.7 COE"] == i4["3.7 BIO"] == i3["3.7"]
    assert i3["4"] > i3["3.7"] > i3["3.5"] > i4["3.1"] > i4["2.7"] > i4["2.5"] > i4["2.1"]
    assert fourth.level("2.7 COE").crosswalk_3rd == "2.5"


def test_intensity_and_crosswalk_are_in_the_exports_and_edited_in_the_catalog(rule_admin):
    import yaml

    from rulesets.services import rule_set_export

    fourth = RuleSet.objects.get(name="asam4-default", status="published")
    data = yaml.safe_load(rule_set_export(rule_set=fourth))
    level = next(lv for lv in data["levels"] if lv["code"] == "3.5 COE")
    assert (level["intensity"], level["crosswalk_3rd"]) == (9, "3.5")
    draft = rule_set_clone(rule_set=fourth, user=rule_admin)
    client = signed_in(rule_admin)
    url = reverse("rules:level_edit", args=[draft.name, draft.version, "2.7"])
    page = client.get(url).content.decode()
    assert "Care intensity" in page and "Nearest 3rd-edition level" in page
    form = client.get(url).context["form"]
    post = {**{k: v for k, v in form.initial.items() if v is not None}, "intensity": "6",
            "crosswalk_3rd": "2.1"}  # fmt: skip
    assert client.post(url, post).status_code == 302
    level = draft.levels.get(code="2.7")
    assert (level.intensity, level.crosswalk_3rd) == (6, "2.1")


# -- scheduled switches ---------------------------------------------------------------------------


def test_a_switch_dated_tomorrow_leaves_todays_assessment_on_the_old_edition(
    clinician_a, program_a
):
    program_a.switch_to, program_a.switch_on = "4", TODAY + datetime.timedelta(days=1)
    program_a.save()
    patient = PatientFactory(program=program_a)
    today = assessment_start(
        user=clinician_a, patient=patient, kind="initial", assessment_date=TODAY
    )
    tomorrow = assessment_start(
        user=clinician_a,
        patient=PatientFactory(program=program_a),
        kind="initial",
        assessment_date=TODAY + datetime.timedelta(days=1),
    )
    assert today.rule_set.name == "asam3-default"
    assert tomorrow.rule_set.name == "asam4-default"


def test_the_clinician_home_shows_the_switch_ahead_of_time(clinician_a, program_a):
    program_a.switch_to, program_a.switch_on = "4", datetime.date(2099, 7, 1)
    program_a.save()
    page = signed_in(clinician_a).get(reverse("home")).content.decode()
    assert "Program A moves to the ASAM Criteria 4th edition on 1 July 2099" in page


def test_a_draft_started_before_the_switch_keeps_its_edition_and_says_so(clinician_a, program_a):
    draft = assessment_start(
        user=clinician_a,
        patient=PatientFactory(program=program_a),
        kind="initial",
        assessment_date=TODAY - datetime.timedelta(days=2),
    )
    program_a.switch_to, program_a.switch_on = "4", TODAY - datetime.timedelta(days=1)
    program_a.save()
    page = (
        signed_in(clinician_a)
        .get(reverse("intake:assessment_step", args=[draft.pk, "D1"]))
        .content.decode()
    )
    assert "This draft uses the 3rd edition: it was started before Program A moved" in page
    draft.refresh_from_db()
    assert draft.rule_set.name == "asam3-default"


def test_a_switch_needs_both_the_edition_and_the_date(program_a):
    from django.core.exceptions import ValidationError

    program_a.switch_to = "4"
    with pytest.raises(ValidationError):
        program_a.full_clean()


# -- a review across editions ---------------------------------------------------------------------


def test_a_3rd_to_4th_edition_review_states_the_step(clinician_a, supervisor_a, program_a):
    from tests.factories import MODERATE_ANSWERS

    patient = PatientFactory(program=program_a)
    answers = {
        **MODERATE_ANSWERS,
        "D3": {"suicide_risk": "none", "psychiatric_symptoms": "moderate"},
    }
    first = make_submitted(clinician_a, patient, answers=answers, ratings={"D3": 3})
    assert first.indicated_level == "3.5"
    review_claim(placement_id=first.pk, user=supervisor_a)
    review_approve(placement_id=first.pk, user=supervisor_a)
    program_a.edition = "4"
    program_a.save()
    second = fourth_submitted(clinician_a, patient, {"4A": {"q4a": "C"}}, kind="continued_stay")
    assert second.indicated_level == "2.5"
    page = signed_in(supervisor_a).get(reverse("placement:review_detail", args=[second.pk]))
    text = page.content.decode()
    assert (
        "Stepped down from 3.5 (3rd edition) to 2.5 (4th edition; nearest 3rd-edition level 2.5)."
        in text
    )
    assert "step down" in text


def test_the_timeline_draws_both_editions_on_one_intensity_axis(
    clinician_a, supervisor_a, program_a
):
    from placement.selectors import patient_timeline

    patient = PatientFactory(program=program_a)
    first = make_submitted(clinician_a, patient)
    review_claim(placement_id=first.pk, user=supervisor_a)
    review_approve(placement_id=first.pk, user=supervisor_a)
    program_a.edition = "4"
    program_a.save()
    second = fourth_submitted(clinician_a, patient, {"4A": {"q4a": "D"}}, kind="continued_stay")
    review_claim(placement_id=second.pk, user=supervisor_a)
    review_approve(placement_id=second.pk, user=supervisor_a)
    timeline = patient_timeline(patient=patient)
    assert timeline["series"]["level_codes"] == ["2.1 (3rd edition)", "3.1 (4th edition)"]
    assert timeline["series"]["levels"] == [4, 7]
    assert "2.1" in timeline["level_axis"][4] and "3.1" in timeline["level_axis"][7]


# -- rule sets that belong to programs ------------------------------------------------------------


@pytest.fixture
def admin_b(program_b):
    return member(Role.RULE_ADMIN, program_b, username="admin_b")


def published_variant(admin, program, name="asam3-program-b", change=None):
    default = RuleSet.objects.get(name="asam3-default", status="published")
    variant = rule_set_make_variant(rule_set=default, user=admin, name=name, programs=[program])
    if change:
        change(variant)
    rule_set_verify(rule_set=variant, user=admin)
    return rule_set_publish(rule_set=variant, user=admin)


def test_one_programs_variant_leaves_the_other_programs_rules_and_notices_alone(
    program_a, program_b, admin_b, clinician_a, clinician_b
):
    def raise_continuous_use(variant):
        rule = variant.rules.get(rule_id="T-D5-4")
        rule.level = "3.7"
        rule.save()

    variant = published_variant(admin_b, program_b, change=raise_continuous_use)
    assert current_rule_set(program_b) == variant
    assert current_rule_set(program_a).label == "asam3-default@3"
    a_draft = make_assessment(clinician_a, PatientFactory(program=program_a))
    b_draft = make_assessment(clinician_b, PatientFactory(program=program_b))
    assert (a_draft.rule_set.name, b_draft.rule_set.name) == ("asam3-default", "asam3-program-b")
    home_a = signed_in(clinician_a).get(reverse("home")).content.decode()
    home_b = signed_in(clinician_b).get(reverse("home")).content.decode()
    assert "/rules/asam3-program-b/" not in home_a
    assert "/rules/asam3-default/3/changes/" in home_a  # the default's own notice, as before
    assert "/rules/asam3-default/" not in home_b  # Program B is on its variant now
    assert [p.name for p in programs_using_rule_set(name="asam3-program-b")] == ["Program B"]
    assert "Program B" not in [p.name for p in programs_using_rule_set(name="asam3-default")]


def test_a_new_variant_version_is_announced_to_its_programs_only(
    program_a, program_b, admin_b, clinician_a, clinician_b
):
    first = published_variant(admin_b, program_b)
    second = rule_set_clone(rule_set=first, user=admin_b)
    assert list(second.programs.all()) == [program_b]
    rule_set_verify(rule_set=second, user=admin_b)
    rule_set_publish(rule_set=second, user=admin_b)
    assert "/rules/asam3-program-b/2/changes/" in signed_in(clinician_b).get("/").content.decode()
    assert "/rules/asam3-program-b/" not in signed_in(clinician_a).get("/").content.decode()


def test_a_variant_is_only_for_programs_its_maker_administers(program_a, admin_b):
    default = RuleSet.objects.get(name="asam3-default", status="published")
    with pytest.raises(RuleSetWorkflowError, match="Program A"):
        rule_set_make_variant(rule_set=default, user=admin_b, name="grab", programs=[program_a])
    with pytest.raises(RuleSetWorkflowError, match="cannot be used"):
        rule_set_make_variant(rule_set=default, user=admin_b, name="bad name", programs=[])


def test_another_programs_administrator_cannot_publish_a_variant(program_a, program_b, admin_b):
    default = RuleSet.objects.get(name="asam3-default", status="published")
    variant = rule_set_make_variant(
        rule_set=default, user=admin_b, name="asam3-program-b", programs=[program_b]
    )
    admin_a = member(Role.RULE_ADMIN, program_a, username="admin_a")
    rule_set_verify(rule_set=variant, user=admin_a)
    with pytest.raises(RuleSetPublishRefused, match="Program B"):
        rule_set_publish(rule_set=variant, user=admin_a)


def test_publishing_the_default_needs_the_network_role(program_a, admin_b):
    draft = rule_set_clone(
        rule_set=RuleSet.objects.get(name="asam3-default", status="published"), user=admin_b
    )
    rule_set_verify(rule_set=draft, user=admin_b)
    with pytest.raises(RuleSetPublishRefused, match="network default"):
        rule_set_publish(rule_set=draft, user=admin_b)
    network = UserFactory(username="network")
    network.groups.add(Group.objects.get(name=NETWORK_GROUP))
    assert rule_set_publish(rule_set=draft, user=network).status == "published"


def test_a_variant_is_told_when_its_default_has_a_newer_version(program_b, admin_b):
    variant = published_variant(admin_b, program_b)
    network = UserFactory(username="network")
    network.groups.add(Group.objects.get(name=NETWORK_GROUP))
    newer = rule_set_clone(
        rule_set=RuleSet.objects.get(name="asam3-default", status="published"), user=network
    )
    rule_set_verify(rule_set=newer, user=network)
    rule_set_publish(rule_set=newer, user=network)
    client = signed_in(admin_b)
    page = client.get(reverse("rules:version", args=[variant.name, variant.version]))
    html = page.content.decode()
    assert "asam3-default has a newer version (4) than the version 3 this variant came from" in html
    compare = client.get(
        reverse("rules:compare", args=[variant.name]),
        {"a_name": "asam3-default", "a": 4, "b": variant.version},
    )
    assert compare.status_code == 200
    assert "asam3-default@4 to asam3-program-b@1" in compare.content.decode()


def test_the_version_page_names_who_uses_the_set_and_offers_a_variant(program_b, admin_b):
    client = signed_in(admin_b)
    page = client.get(reverse("rules:version", args=["asam3-default", 3])).content.decode()
    assert "The network default of the ASAM Criteria, 3rd edition" in page
    assert "Used by: Program B." in page
    assert "Make a variant for your programs" in page
    response = client.post(
        reverse("rules:variant", args=["asam3-default", 3]),
        {"variant_name": "asam3-program-b", "programs": [program_b.pk]},
    )
    assert response.status_code == 302
    variant = RuleSet.objects.get(name="asam3-program-b")
    assert (variant.version, variant.status, list(variant.programs.all())) == (
        1,
        "draft",
        [program_b],
    )
    assert Placement.objects.count() == 0  # nothing else happened


def test_the_impact_preview_covers_exactly_the_programs_whose_rules_would_change(
    program_a, program_b, admin_b, clinician_a, clinician_b
):
    from rulesets.impact import impact_start

    make_assessment(clinician_a, PatientFactory(program=program_a))
    make_assessment(clinician_b, PatientFactory(program=program_b))
    default = RuleSet.objects.get(name="asam3-default", status="published")
    variant = rule_set_make_variant(
        rule_set=default, user=admin_b, name="asam3-program-b", programs=[program_b]
    )
    job = impact_start(rule_set=variant, user=admin_b)
    assert job.program_ids == [program_b.pk] and job.total == 1
