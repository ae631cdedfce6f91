"""Rating rules (section 7): intake answers -> suggested rating per dimension, and flags."""

import pytest

from engine import InputError, suggest_ratings


def suggested(rs, **answers):
    ratings, flags, reasons = suggest_ratings(rs, answers)
    return ratings, flags, reasons


@pytest.mark.parametrize(
    ("score", "rating"),
    [(None, 0), (0, 0), (1, 1), (9, 1), (10, 2), (18, 2), (19, 3), (67, 3)],
)
def test_ciwa_ar_bands_suggest_d1(default_rs, score, rating):
    assert suggested(default_rs, ciwa_ar_score=score)[0]["D1"] == rating


@pytest.mark.parametrize(
    ("score", "rating"),
    [(4, 0), (5, 1), (12, 1), (13, 2), (24, 2), (25, 3), (36, 3), (37, 4), (48, 4)],
)
def test_cows_bands_suggest_d1(default_rs, score, rating):
    assert suggested(default_rs, cows_score=score)[0]["D1"] == rating


def test_complicated_withdrawal_history_counts_only_with_current_signs(default_rs):
    history = {"withdrawal_complications_history": True}
    assert suggested(default_rs, **history, ciwa_ar_score=9)[0]["D1"] == 1
    assert suggested(default_rs, **history, ciwa_ar_score=10)[0]["D1"] == 3
    assert suggested(default_rs, **history, cows_score=12)[0]["D1"] == 1
    assert suggested(default_rs, **history, cows_score=13)[0]["D1"] == 3
    assert suggested(default_rs, **history)[0]["D1"] == 0


def test_current_seizure_or_delirium_is_d1_4(default_rs):
    ratings, _, reasons = suggested(default_rs, current_seizure_or_delirium=True, ciwa_ar_score=12)
    assert ratings["D1"] == 4
    assert [r.rule_id for r in reasons if r.deciding and r.track == "D1"] == [
        "R-D1-SEIZURE-DELIRIUM"
    ]


@pytest.mark.parametrize(
    ("status", "rating"),
    [
        ("none", 0),
        ("stable", 1),
        ("interferes", 2),
        ("needs_monitoring", 3),
        ("life_threatening", 4),
    ],
)
def test_medical_condition_status_suggests_d2(default_rs, status, rating):
    assert suggested(default_rs, medical_condition_status=status)[0]["D2"] == rating


def test_pregnancy_suggests_d2_2_and_sets_the_flag(default_rs):
    ratings, flags, _ = suggested(default_rs, pregnant=True)
    assert ratings["D2"] == 2
    assert flags["pregnant"] is True
    assert (
        suggested(default_rs, pregnant=True, medical_condition_status="needs_monitoring")[0]["D2"]
        == 3
    )


@pytest.mark.parametrize(
    ("risk", "rating", "imminent"),
    [
        ("none", 0, False),
        ("wish_to_be_dead", 1, False),
        ("ideation", 2, False),
        ("ideation_with_method", 3, False),
        ("intent_or_plan", 4, True),
        ("recent_attempt", 4, True),
    ],
)
def test_suicide_risk_suggests_d3_and_imminent_danger(default_rs, risk, rating, imminent):
    ratings, flags, _ = suggested(default_rs, suicide_risk=risk)
    assert ratings["D3"] == rating
    assert flags["imminent_danger"] is imminent


@pytest.mark.parametrize(
    ("symptoms", "rating"),
    [
        ("none", 0),
        ("mild", 1),
        ("moderate", 2),
        ("severe", 3),
        ("psychotic_or_unable_self_care", 4),
    ],
)
def test_psychiatric_symptoms_suggest_d3(default_rs, symptoms, rating):
    assert suggested(default_rs, psychiatric_symptoms=symptoms)[0]["D3"] == rating


def test_harm_to_others_with_intent_is_imminent_danger(default_rs):
    ratings, flags, _ = suggested(default_rs, harm_to_others="plan_or_intent")
    assert (ratings["D3"], flags["imminent_danger"]) == (4, True)
    ratings, flags, _ = suggested(default_rs, harm_to_others="thoughts")
    assert (ratings["D3"], flags["imminent_danger"]) == (2, False)


@pytest.mark.parametrize(
    ("stage", "rating"),
    [
        ("maintenance", 0),
        ("action", 0),
        ("preparation", 1),
        ("contemplation", 2),
        ("precontemplation", 3),
        ("refuses", 4),
    ],
)
def test_stage_of_change_suggests_d4(default_rs, stage, rating):
    assert suggested(default_rs, stage_of_change=stage)[0]["D4"] == rating


@pytest.mark.parametrize(
    ("craving", "rating"), [(0, 0), (3, 0), (4, 1), (6, 1), (7, 2), (8, 2), (9, 3), (10, 3)]
)
def test_craving_suggests_d5(default_rs, craving, rating):
    assert suggested(default_rs, craving_0_10=craving)[0]["D5"] == rating


def test_other_d5_answers(default_rs):
    assert suggested(default_rs, relapse_after_treatment=True)[0]["D5"] == 2
    assert suggested(default_rs, coping_skills="good")[0]["D5"] == 0
    assert suggested(default_rs, coping_skills="fair")[0]["D5"] == 1
    assert suggested(default_rs, coping_skills="poor")[0]["D5"] == 2
    assert suggested(default_rs, coping_skills="none")[0]["D5"] == 3
    assert suggested(default_rs, continuous_use_despite_treatment=True)[0]["D5"] == 4


def test_d6_answers_take_the_highest(default_rs):
    assert suggested(default_rs, housing="stable")[0]["D6"] == 0
    assert suggested(default_rs, housing="unstable")[0]["D6"] == 2
    assert suggested(default_rs, housing="homeless")[0]["D6"] == 3
    assert suggested(default_rs, household_substance_use=True)[0]["D6"] == 3
    assert suggested(default_rs, unsafe_environment=True, housing="unstable")[0]["D6"] == 4
    assert suggested(default_rs, supportive_person=True)[0]["D6"] == 0


def test_dsm5_criteria_count_sets_the_diagnosis_flag_from_two(default_rs):
    assert suggested(default_rs, dsm5_criteria_count=1)[1]["sud_diagnosis"] is False
    assert suggested(default_rs, dsm5_criteria_count=2)[1]["sud_diagnosis"] is True


def test_adolescent_means_under_18_on_the_assessment_date(default_rs):
    day_before = {"date_of_birth": "2008-11-28", "assessment_date": "2026-11-27"}
    birthday = {"date_of_birth": "2008-11-27", "assessment_date": "2026-11-27"}
    assert suggested(default_rs, **day_before)[1]["adolescent"] is True
    assert suggested(default_rs, **birthday)[1]["adolescent"] is False


def test_other_flags_follow_their_answers(default_rs):
    flags = suggested(default_rs, opioid_use_disorder=True, cognitive_impairment=True)[1]
    assert flags["opioid_use_disorder"] and flags["cognitive_impairment"]


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        ({"ciwa_ar_score": 68}, "answers.ciwa_ar_score"),
        ({"cows_score": -1}, "answers.cows_score"),
        ({"craving_0_10": "high"}, "answers.craving_0_10"),
        ({"housing": "castle"}, "answers.housing"),
        ({"pregnant": "yes"}, "answers.pregnant"),
        ({"favourite_colour": "blue"}, "answers.favourite_colour"),
        ({"date_of_birth": "27/11/2008"}, "answers.date_of_birth"),
    ],
)
def test_bad_answers_are_refused_naming_the_question(default_rs, answers, field):
    with pytest.raises(InputError) as exc:
        suggest_ratings(default_rs, answers)
    assert exc.value.field == field
