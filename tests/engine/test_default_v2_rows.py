"""asam3-default version 2 (../shared/asam/rules-default-3rd.md section 8): every new and
changed row with a case where it decides and a case just outside its condition, and the
cases from the outside review that version 1 placed wrongly. Expected levels come from the
specification, not from the engine."""

import datetime

import pytest

from engine import evaluate, suggest_ratings

ZERO = {"D1": 0, "D2": 0, "D3": 0, "D4": 0, "D5": 0, "D6": 0}
SUD = {"sud_diagnosis": True}


def profile(**ratings):
    return {**ZERO, **ratings}


def fired(decision):
    return {r.rule_id for r in decision.reasons}


def deciding(decision, track):
    return {r.rule_id for r in decision.deciding(track)}


# -- 8.2 treatment track: (row, ratings, flags, level, row decides?) ---------------------------
TREATMENT = [
    ("T-D4-2", profile(D4=2), SUD, "1", True),
    ("T-D4-3", profile(D4=3), SUD, "1", True),
    ("T-D4-4", profile(D4=4), SUD, "1", True),
    ("T-D4-4", profile(D4=4), {}, "1", True),  # readiness alone: outpatient at most
    ("T-D5-3", profile(D5=3), SUD, "2.1", True),
    ("T-D5-4", profile(D5=4), SUD, "3.5", True),
    ("T-D456-COMBINED", profile(D4=2, D5=2), SUD, "2.1", True),
    ("T-D456-COMBINED", profile(D4=2, D6=2), SUD, "2.1", True),
    ("T-D456-COMBINED", profile(D5=2, D6=2), SUD, "2.1", True),
    ("T-D4-D5-SEVERE", profile(D4=3, D5=3), SUD, "2.5", True),
    ("T-D3-MONITORED", profile(D3=3), {**SUD, "psychiatric_monitoring": True}, "3.7", True),
    ("T-ADOLESCENT-WM", profile(D1=3), {**SUD, "adolescent": True}, "3.7", True),
    (
        "T-ADOLESCENT-WM",
        profile(D1=2),
        {**SUD, "adolescent": True, "complicated_withdrawal_risk": True},
        "3.7",
        True,
    ),
    ("T-TWO-SEVERE", profile(D3=3, D5=3), SUD, "3.7", True),
    ("T-TWO-SEVERE", profile(D2=3, D6=3), SUD, "3.7", True),
]

TREATMENT_OUTSIDE = [
    ("T-D5-2", profile(D5=2), SUD, "1"),  # removed: one moderate relapse rating stays at 1
    ("T-D6-2", profile(D6=2), SUD, "1"),  # removed
    ("T-D4-2", profile(D4=1), {}, "0.5"),
    ("T-D5-3", profile(D5=2), SUD, "1"),
    ("T-D456-COMBINED", profile(D4=2, D5=1, D6=1), SUD, "1"),
    ("T-D456-COMBINED", profile(D4=1, D5=2), SUD, "1"),
    ("T-D4-D5-SEVERE", profile(D4=3, D5=2), SUD, "2.1"),
    ("T-D4-D5-SEVERE", profile(D4=2, D5=3), SUD, "2.1"),
    ("T-D3-MONITORED", profile(D3=3), SUD, "3.5"),
    ("T-D3-MONITORED", profile(D3=2), {**SUD, "psychiatric_monitoring": True}, "2.1"),
    ("T-ADOLESCENT-WM", profile(D1=2), {**SUD, "adolescent": True}, "1"),
    ("T-ADOLESCENT-WM", profile(D1=3), SUD, "1"),  # adults: the withdrawal track instead
    (
        "T-ADOLESCENT-WM",
        profile(D1=1),
        {**SUD, "adolescent": True, "complicated_withdrawal_risk": True},
        "1",
    ),
    ("T-TWO-SEVERE", profile(D1=3, D3=3), SUD, "3.5"),  # withdrawal no longer counts
    ("T-TWO-SEVERE", profile(D4=3, D5=3), SUD, "2.5"),  # neither D2 nor D3
    ("T-TWO-SEVERE", profile(D3=3), SUD, "3.5"),  # only one severe dimension
]


@pytest.mark.parametrize(("row", "ratings", "flags", "level", "decides"), TREATMENT)
def test_treatment_rows(v2_rs, row, ratings, flags, level, decides):
    d = evaluate(v2_rs, ratings, flags)
    assert d.level == level
    assert (row in deciding(d, "treatment")) is decides


@pytest.mark.parametrize(("row", "ratings", "flags", "level"), TREATMENT_OUTSIDE)
def test_treatment_rows_outside_their_condition(v2_rs, row, ratings, flags, level):
    d = evaluate(v2_rs, ratings, flags)
    assert d.level == level
    assert row not in fired(d)


# -- 8.3 withdrawal track --------------------------------------------------------------------
WITHDRAWAL = [
    ("W-D1-1", profile(D1=1), {}, "1-WM"),
    ("W-D1-1-UNSUPPORTED", profile(D1=1, D6=3), {}, "3.2-WM"),
    ("W-D1-1-COGNITIVE", profile(D1=1), {"cognitive_impairment": True}, "3.2-WM"),
    ("W-D1-1-COGNITIVE", profile(D1=2, D6=0), {"cognitive_impairment": True}, "3.2-WM"),
    ("W-D1-FAILED-AMBULATORY", profile(D1=1), {"failed_ambulatory_withdrawal": True}, "3.2-WM"),
    ("W-D1-2-SUPPORTED", profile(D1=2, D6=1), {}, "2-WM"),
    ("W-D1-2-UNSUPPORTED", profile(D1=2, D6=2), {}, "3.2-WM"),
    ("W-D1-MEDICAL", profile(D1=1, D2=3), {}, "3.7-WM"),
    ("W-D1-MEDICAL", profile(D1=1, D3=3), {}, "3.7-WM"),
    ("W-D1-MEDICAL", profile(D1=2, D2=4), {}, "3.7-WM"),
    ("W-D1-PREGNANT", profile(D1=1), {"pregnant": True}, "3.7-WM"),
    ("W-D1-HIGH-RISK", profile(D1=2), {"complicated_withdrawal_risk": True}, "3.7-WM"),
    ("W-D1-OLDER", profile(D1=2), {"older_adult": True}, "3.7-WM"),
    ("W-D1-OLDER", profile(D1=1, D2=2), {"older_adult": True}, "3.7-WM"),
    ("W-D1-OLDER", profile(D1=1, D6=2), {"older_adult": True}, "3.7-WM"),
    ("W-D1-3", profile(D1=3), {}, "3.7-WM"),
    ("W-D1-3-COMPLICATED", profile(D1=3), {"complicated_withdrawal_risk": True}, "4-WM"),
    ("W-D1-3-COMPLICATED", profile(D1=3), {"pregnant": True}, "4-WM"),
    ("W-D1-3-COMPLICATED", profile(D1=3, D3=3), {}, "4-WM"),
    ("W-D1-4", profile(D1=4), {}, "4-WM"),
]

WITHDRAWAL_OUTSIDE = [
    ("W-D1-1-UNSUPPORTED", profile(D1=1, D6=2), {}, "1-WM"),
    ("W-D1-1-UNSUPPORTED", profile(D1=2, D6=3), {}, "3.2-WM"),  # W-D1-2-UNSUPPORTED instead
    ("W-D1-1-COGNITIVE", profile(D1=0), {"cognitive_impairment": True}, "none"),
    ("W-D1-FAILED-AMBULATORY", profile(D1=0), {"failed_ambulatory_withdrawal": True}, "none"),
    ("W-D1-MEDICAL", profile(D1=0, D2=3), {}, "none"),
    ("W-D1-MEDICAL", profile(D1=1, D2=2), {}, "1-WM"),
    ("W-D1-2-MEDICAL", profile(D1=2, D2=3), {}, "3.7-WM"),  # replaced by W-D1-MEDICAL
    ("W-D1-PREGNANT", profile(D1=0), {"pregnant": True}, "none"),
    ("W-D1-HIGH-RISK", profile(D1=1), {"complicated_withdrawal_risk": True}, "1-WM"),
    ("W-D1-OLDER", profile(D1=1, D2=1, D6=1), {"older_adult": True}, "1-WM"),
    ("W-D1-OLDER", profile(D1=0, D2=3), {"older_adult": True}, "none"),
    ("W-D1-3-COMPLICATED", profile(D1=2), {"complicated_withdrawal_risk": True}, "3.7-WM"),
]


@pytest.mark.parametrize(("row", "ratings", "flags", "level"), WITHDRAWAL)
def test_withdrawal_rows(v2_rs, row, ratings, flags, level):
    d = evaluate(v2_rs, ratings, flags)
    assert d.withdrawal_level == level
    assert row in deciding(d, "withdrawal")


@pytest.mark.parametrize(("row", "ratings", "flags", "level"), WITHDRAWAL_OUTSIDE)
def test_withdrawal_rows_outside_their_condition(v2_rs, row, ratings, flags, level):
    d = evaluate(v2_rs, ratings, flags)
    assert d.withdrawal_level == level
    assert row not in fired(d)


# -- 8.4 substitutions and modifiers ---------------------------------------------------------


def test_no_diagnosis_means_early_intervention_whatever_else_and_withdrawal_is_untouched(v2_rs):
    d = evaluate(v2_rs, profile(D1=2, D4=3, D5=4), {"no_sud_diagnosis": True})
    assert (d.level, d.withdrawal_level) == ("0.5", "2-WM")
    assert "S-NO-DIAGNOSIS" in deciding(d, "treatment")


def test_no_diagnosis_does_not_override_imminent_danger(v2_rs):
    d = evaluate(v2_rs, profile(D3=4), {"no_sud_diagnosis": True, "imminent_danger": True})
    assert d.level == "4" and "S-NO-DIAGNOSIS" not in fired(d)


def test_ratings_only_input_is_not_capped(v2_rs):
    assert evaluate(v2_rs, profile(D3=3), {}).level == "3.5"


def test_population_substitution_runs_after_no_diagnosis(v2_rs):
    cognitive = {"cognitive_impairment": True}
    assert evaluate(v2_rs, profile(D5=4), {**SUD, **cognitive}).level == "3.3"
    d = evaluate(v2_rs, profile(D5=4), {"no_sud_diagnosis": True, **cognitive})
    assert d.level == "0.5" and "S-POPULATION" not in fired(d)


@pytest.mark.parametrize(
    ("ratings", "flags", "refer"),
    [
        (profile(D2=3), {"no_sud_diagnosis": True}, True),
        (profile(D3=3), {"no_sud_diagnosis": True}, True),
        (profile(), {"no_sud_diagnosis": True, "psychiatric_monitoring": True}, True),
        (profile(D2=2, D3=2), {"no_sud_diagnosis": True}, False),
        (profile(D2=3), SUD, False),
    ],
)
def test_refer_modifier(v2_rs, ratings, flags, refer):
    assert ("REFER" in evaluate(v2_rs, ratings, flags).modifiers) is refer


@pytest.mark.parametrize(
    ("ratings", "flags", "emergency"),
    [
        (profile(D3=3), {"recent_suicide_attempt": True}, True),
        (profile(), {"imminent_danger": True}, True),
        (profile(D1=4), {}, True),
        (profile(D2=4), {}, True),
        (profile(D3=4), {}, True),
        (profile(D1=3, D2=3, D3=3), {}, False),
    ],
)
def test_emergency_modifier(v2_rs, ratings, flags, emergency):
    assert ("EMERGENCY" in evaluate(v2_rs, ratings, flags).modifiers) is emergency


# -- 8.5 questions and rating rules ----------------------------------------------------------

ON = datetime.date(2026, 11, 27)


def suggest(v2_rs, **answers):
    answers.setdefault("assessment_date", ON.isoformat())
    answers.setdefault("date_of_birth", "1980-01-01")
    ratings, flags, reasons = suggest_ratings(v2_rs, answers)
    return ratings, {k for k, v in flags.items() if v}, {r.rule_id for r in reasons}


@pytest.mark.parametrize(
    ("answers", "d1", "complicated"),
    [
        ({"withdrawal_complications_history": True}, 2, True),  # unknown last use: recent
        ({"withdrawal_complications_history": True, "days_since_last_use": 7}, 2, True),
        ({"withdrawal_complications_history": True, "days_since_last_use": 8}, 0, False),
        ({"withdrawal_complications_history": True, "ciwa_ar_score": 10}, 3, True),
        (
            {
                "withdrawal_complications_history": True,
                "ciwa_ar_score": 10,
                "days_since_last_use": 30,
            },
            3,
            False,
        ),
        ({"pawss_score": 4}, 2, True),
        ({"pawss_score": 3}, 0, False),
        ({"pawss_score": 4, "days_since_last_use": 8}, 0, False),
        ({"sedative_use": "prescribed_therapeutic", "days_since_last_use": 14}, 1, False),
        ({"sedative_use": "prescribed_therapeutic", "days_since_last_use": 15}, 0, False),
        ({"sedative_use": "high_risk"}, 2, True),
        ({"sedative_use": "high_risk", "days_since_last_use": 14}, 2, True),
        ({"sedative_use": "high_risk", "days_since_last_use": 15}, 0, False),
        ({"cows_score": 24}, 2, False),
        ({"cows_score": 25}, 3, False),
        ({"cows_score": 40}, 3, False),  # opioid withdrawal alone: never D1 4
        ({"current_seizure_or_delirium": True}, 4, False),
    ],
)
def test_withdrawal_answers(v2_rs, answers, d1, complicated):
    ratings, flags, _ = suggest(v2_rs, **answers)
    assert ratings["D1"] == d1
    assert ("complicated_withdrawal_risk" in flags) is complicated


def test_failed_outpatient_withdrawal_sets_its_flag(v2_rs):
    _, flags, _ = suggest(v2_rs, failed_ambulatory_withdrawal=True)
    assert "failed_ambulatory_withdrawal" in flags


def test_pregnancy_suggests_d2_1_and_sets_the_flag(v2_rs):
    ratings, flags, _ = suggest(v2_rs, pregnant=True)
    assert ratings["D2"] == 1 and "pregnant" in flags


@pytest.mark.parametrize(("answer", "d6"), [(False, 2), (True, 0), (None, 0)])
def test_no_one_at_home_suggests_d6_2(v2_rs, answer, d6):
    ratings, _, _ = suggest(v2_rs, supportive_person=answer)
    assert ratings["D6"] == d6


@pytest.mark.parametrize(
    ("answers", "d3", "flags_on", "flags_off"),
    [
        (
            {"suicide_risk": "ideation_with_method"},
            3,
            {"psychiatric_monitoring"},
            {"imminent_danger"},
        ),
        (
            {"suicide_risk": "recent_attempt"},
            3,
            {"psychiatric_monitoring", "recent_suicide_attempt"},
            {"imminent_danger"},
        ),
        ({"suicide_risk": "intent_or_plan"}, 4, {"imminent_danger"}, {"recent_suicide_attempt"}),
        ({"psychiatric_symptoms": "severe"}, 3, {"psychiatric_monitoring"}, set()),
        ({"psychiatric_symptoms": "moderate"}, 2, set(), {"psychiatric_monitoring"}),
        ({"harm_to_others": "thoughts"}, 2, set(), {"imminent_danger"}),
        ({"harm_to_others": "plan_or_intent"}, 4, {"imminent_danger"}, set()),
    ],
)
def test_emotional_answers(v2_rs, answers, d3, flags_on, flags_off):
    ratings, flags, _ = suggest(v2_rs, **answers)
    assert ratings["D3"] == d3
    assert flags_on <= flags and not flags_off & flags


@pytest.mark.parametrize(
    ("count", "on", "off"),
    [
        (2, {"sud_diagnosis"}, {"no_sud_diagnosis"}),
        (1, {"no_sud_diagnosis"}, {"sud_diagnosis"}),
        (0, {"no_sud_diagnosis"}, {"sud_diagnosis"}),
        (None, set(), {"sud_diagnosis", "no_sud_diagnosis"}),
    ],
)
def test_diagnosis_flags_only_when_a_count_was_recorded(v2_rs, count, on, off):
    _, flags, _ = suggest(v2_rs, dsm5_criteria_count=count)
    assert on <= flags and not off & flags


@pytest.mark.parametrize(
    ("born", "older", "adolescent"),
    [("1961-11-27", True, False), ("1961-11-28", False, False), ("2009-11-28", False, True)],
)
def test_age_flags_on_the_assessment_date(v2_rs, born, older, adolescent):
    _, flags, _ = suggest(v2_rs, date_of_birth=born)
    assert ("older_adult" in flags) is older and ("adolescent" in flags) is adolescent


# -- the cases version 1 placed wrongly (the outside review) -----------------------------------

BASE = {
    "dsm5_criteria_count": 6,
    "medical_condition_status": "none",
    "suicide_risk": "none",
    "psychiatric_symptoms": "none",
    "stage_of_change": "action",
    "craving_0_10": 2,
    "coping_skills": "good",
    "housing": "stable",
    "supportive_person": True,
}


def place(v2_rs, **answers):
    answers = {**BASE, **answers}
    answers.setdefault("assessment_date", ON.isoformat())
    answers.setdefault("date_of_birth", "1980-01-01")
    ratings, flags, _ = suggest_ratings(v2_rs, answers)
    return evaluate(v2_rs, ratings, flags)


@pytest.mark.parametrize(
    ("answers", "withdrawal"),
    [
        ({"ciwa_ar_score": 6, "withdrawal_complications_history": True}, "3.7-WM"),
        ({"ciwa_ar_score": 0, "withdrawal_complications_history": True, "days_since_last_use": 0},
         "3.7-WM"),
        ({"ciwa_ar_score": 5, "medical_condition_status": "needs_monitoring"}, "3.7-WM"),
        ({"ciwa_ar_score": 5, "pregnant": True}, "3.7-WM"),
        ({"ciwa_ar_score": 5, "cognitive_impairment": True}, "3.2-WM"),
        ({"ciwa_ar_score": 5, "supportive_person": False, "date_of_birth": "1950-01-01"}, "3.7-WM"),
        ({"ciwa_ar_score": 5, "housing": "homeless"}, "3.2-WM"),
        ({"sedative_use": "high_risk", "days_since_last_use": 3}, "3.7-WM"),
    ],
)  # fmt: skip
def test_no_ambulatory_withdrawal_care_where_guidelines_call_for_supervision(
    v2_rs, answers, withdrawal
):
    assert place(v2_rs, **answers).withdrawal_level == withdrawal


def test_mild_withdrawal_with_a_serious_medical_condition_is_consistent(v2_rs):
    d = place(v2_rs, ciwa_ar_score=5, medical_condition_status="needs_monitoring")
    assert (d.level, d.withdrawal_level) == ("3.7", "3.7-WM")


@pytest.mark.parametrize(
    "answers",
    [{"stage_of_change": "contemplation"}, {"relapse_after_treatment": True},
     {"housing": "unstable"}, {"stage_of_change": "refuses"}],
)  # fmt: skip
def test_one_moderate_rating_in_readiness_relapse_or_environment_stays_outpatient(v2_rs, answers):
    assert place(v2_rs, **answers).level == "1"


def test_no_diagnosis_gets_early_intervention(v2_rs):
    d = place(v2_rs, dsm5_criteria_count=1, stage_of_change="contemplation", housing="unstable")
    assert d.level == "0.5"


def test_a_recent_attempt_is_an_emergency_evaluation_not_an_automatic_level_4(v2_rs):
    d = place(v2_rs, suicide_risk="recent_attempt")
    assert d.level == "3.7" and "EMERGENCY" in d.modifiers


def test_intent_or_a_plan_is_still_level_4_and_an_emergency(v2_rs):
    d = place(v2_rs, suicide_risk="intent_or_plan")
    assert d.level == "4" and "EMERGENCY" in d.modifiers


def test_every_rule_text_reads_true_for_a_first_assessment(v2_rs):
    for rule in (*v2_rs.placement_rules, *v2_rs.rating_rules, *v2_rs.modifier_rules):
        assert "lower-level care" not in rule.text, rule.id
        assert "despite lower" not in rule.text, rule.id


def test_version_2_verifies_total_and_monotone_over_every_profile_and_flag(v2_rs):
    from engine.verify import verify

    report = verify(v2_rs)
    assert report.ok
    assert {t.track: t.profiles for t in report.tracks} == {
        "treatment": 15_625 * 4_096,
        "withdrawal": 15_625 * 4_096,
    }
    assert {t.track: len(report_flags(v2_rs, t.track)) for t in report.tracks} == {
        "treatment": 7,
        "withdrawal": 5,
    }


def report_flags(rs, track):
    from engine.compiled import compiled

    c = compiled(rs)
    return c.flags_used(c.track_rules[track])
