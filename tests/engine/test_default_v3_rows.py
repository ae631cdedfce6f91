"""asam3-default version 3 (../shared/asam/rules-default-3rd.md section 9): every new and
changed row with a case where it decides and a case just outside its condition, every new
question's rating rule at its edges (pulse 110 vs 111, SADQ 30 vs 31, 15 vs 16 years,
opioids only vs alcohol and opioids ...), and the unsafe cases of the outside review. Expected
levels come from the specification, not from the engine."""

import pytest

from engine import evaluate, suggest_ratings
from engine.carry import carry_over
from engine.verify import verify

ZERO = {"D1": 0, "D2": 0, "D3": 0, "D4": 0, "D5": 0, "D6": 0}
SUD = {"sud_diagnosis": True}
TEEN = {**SUD, "adolescent": True}
LOW = {**SUD, "low_medical_risk_withdrawal": True}


def profile(**ratings):
    return {**ZERO, **ratings}


def fired(decision):
    return {r.rule_id for r in decision.reasons}


# -- 9.2 treatment: (row, ratings, flags, level, fires?) -----------------------------------------
TREATMENT = [
    ("T-ADOLESCENT-WM", profile(D1=2), TEEN, "3.7", True),
    ("T-ADOLESCENT-WM", profile(D1=1), TEEN, "1", False),  # mild: the ambulatory ladder
    ("T-ADOLESCENT-WM", profile(D1=2), SUD, "1", False),  # adults: the withdrawal track
    ("T-ADOLESCENT-WM-SEVERE", profile(D1=3), {**TEEN, "under_16": True}, "4", True),
    (
        "T-ADOLESCENT-WM-SEVERE",
        profile(D1=3),
        {**TEEN, "complicated_withdrawal_risk": True},
        "4",
        True,
    ),
    ("T-ADOLESCENT-WM-SEVERE", profile(D1=3, D2=3), TEEN, "4", True),
    ("T-ADOLESCENT-WM-SEVERE", profile(D1=3, D2=2), TEEN, "3.7", False),
    ("T-ADOLESCENT-WM-SEVERE", profile(D1=3), TEEN, "3.7", False),  # 16 or 17, uncomplicated
    ("T-ADOLESCENT-WM-SEVERE", profile(D1=2), {**TEEN, "under_16": True}, "3.7", False),
    ("T-ADOLESCENT-WM-SEVERE", profile(D1=3), {**SUD, "under_16": True}, "1", False),
]


@pytest.mark.parametrize(("row", "ratings", "flags", "level", "fires"), TREATMENT)
def test_treatment_rows(v3_rs, row, ratings, flags, level, fires):
    d = evaluate(v3_rs, ratings, flags)
    assert d.level == level
    assert (row in fired(d)) is fires


# -- 9.3 withdrawal ---------------------------------------------------------------------------
WITHDRAWAL = [
    ("W-D1-2-SUPPORTED", profile(D1=2, D6=1), SUD, "2-WM", True),
    ("W-D1-2-SUPPORTED", profile(D1=2, D6=1), LOW, "1-WM", False),
    ("W-D1-2-UNSUPPORTED", profile(D1=2, D6=2), SUD, "3.2-WM", True),
    ("W-D1-2-UNSUPPORTED", profile(D1=2, D6=2), LOW, "1-WM", False),
    ("W-D1-1-UNSUPPORTED", profile(D1=1, D6=3), SUD, "3.2-WM", True),
    ("W-D1-1-UNSUPPORTED", profile(D1=1, D6=3), LOW, "1-WM", False),
    ("W-D1-1-UNSUPPORTED", profile(D1=1, D6=2), SUD, "1-WM", False),
    ("W-D1-2-LOW-RISK", profile(D1=2, D6=4), LOW, "1-WM", True),
    ("W-D1-2-LOW-RISK", profile(D1=1), LOW, "1-WM", False),  # W-D1-1 instead
    ("W-D1-2-LOW-RISK", profile(D1=3), LOW, "3.7-WM", False),  # severe is never ambulatory
    ("W-D1-LIFE-THREAT", profile(D1=1, D2=4), SUD, "4-WM", True),
    ("W-D1-LIFE-THREAT", profile(D1=1, D3=4), SUD, "4-WM", True),
    ("W-D1-LIFE-THREAT", profile(D1=1, D2=3), SUD, "3.7-WM", False),
    ("W-D1-LIFE-THREAT", profile(D1=0, D2=4), SUD, "none", False),
    ("W-ADOLESCENT", profile(D1=2), TEEN, "3.7-WM", True),
    (
        "W-ADOLESCENT",
        profile(D1=2, D6=4),
        {**TEEN, "low_medical_risk_withdrawal": True},
        "3.7-WM",
        True,
    ),
    ("W-ADOLESCENT", profile(D1=1), TEEN, "1-WM", False),
    ("W-ADOLESCENT-SEVERE", profile(D1=3), {**TEEN, "under_16": True}, "4-WM", True),
    (
        "W-ADOLESCENT-SEVERE",
        profile(D1=3),
        {**TEEN, "complicated_withdrawal_risk": True},
        "4-WM",
        True,
    ),
    ("W-ADOLESCENT-SEVERE", profile(D1=3, D2=3), TEEN, "4-WM", True),
    ("W-ADOLESCENT-SEVERE", profile(D1=3), TEEN, "3.7-WM", False),
    ("W-ADOLESCENT-SEVERE", profile(D1=2), {**TEEN, "under_16": True}, "3.7-WM", False),
]


@pytest.mark.parametrize(("row", "ratings", "flags", "level", "fires"), WITHDRAWAL)
def test_withdrawal_rows(v3_rs, row, ratings, flags, level, fires):
    d = evaluate(v3_rs, ratings, flags)
    assert d.withdrawal_level == level
    assert (row in fired(d)) is fires


def test_rows_that_do_not_name_the_substance_apply_whatever_it_is(v3_rs):
    for row, ratings, flags in [
        ("W-D1-1-COGNITIVE", profile(D1=1), {"cognitive_impairment": True}),
        ("W-D1-PREGNANT", profile(D1=1), {"pregnant": True}),
        ("W-D1-OLDER", profile(D1=2), {"older_adult": True}),
        ("W-D1-MEDICAL", profile(D1=1, D3=3), {}),
        ("W-D1-FAILED-AMBULATORY", profile(D1=1), {"failed_ambulatory_withdrawal": True}),
        ("W-D1-3", profile(D1=3), {}),
        ("W-D1-4", profile(D1=4), {}),
    ]:
        with_low = evaluate(v3_rs, ratings, {**LOW, **flags})
        without = evaluate(v3_rs, ratings, {**SUD, **flags})
        assert row in fired(with_low), row
        assert with_low.withdrawal_level == without.withdrawal_level, row


# -- 9.4 modifiers ------------------------------------------------------------------------------
MODIFIERS = [
    ({"opioid_use_disorder": True}, {"MOUD", "NALOXONE"}),
    ({"overdose_risk": True}, {"NALOXONE"}),
    ({"withdrawal_unscored": True}, {"SCORE-WM"}),
    ({}, set()),
]


@pytest.mark.parametrize(("flags", "modifiers"), MODIFIERS)
def test_modifiers(v3_rs, flags, modifiers):
    assert set(evaluate(v3_rs, profile(), {**SUD, **flags}).modifiers) == modifiers


# -- 9.5 answers -> ratings and flags, at their edges ---------------------------------------------
ADULT = {"date_of_birth": "1980-01-15", "assessment_date": "2026-06-01", "dsm5_criteria_count": 5}


def suggest(rs, **answers):
    return suggest_ratings(rs, {**ADULT, **answers})


D1_EDGES = [
    # (answers, D1, complicated withdrawal risk?, withdrawal unscored?)
    ({"ciwa_ar_score": 14, "pulse_bpm": 110}, 2, False, False),
    ({"ciwa_ar_score": 14, "pulse_bpm": 111}, 3, False, False),
    ({"ciwa_ar_score": 14, "systolic_bp": 160}, 2, False, False),
    ({"ciwa_ar_score": 14, "systolic_bp": 161}, 3, False, False),
    ({"ciwa_ar_score": 14, "diastolic_bp": 110}, 2, False, False),
    ({"ciwa_ar_score": 14, "diastolic_bp": 111}, 3, False, False),
    ({"ciwa_ar_score": 9, "pulse_bpm": 140}, 1, False, False),  # instability needs CIWA-Ar 10
    ({"ciwa_ar_score": 10, "pulse_bpm": 140}, 3, False, False),
    ({"sadq_score": 15}, 0, False, False),
    ({"sadq_score": 16}, 1, False, True),
    ({"sadq_score": 30}, 1, False, True),
    ({"sadq_score": 31}, 2, True, True),
    ({"sadq_score": 31, "days_since_last_use": 7}, 2, True, True),
    ({"sadq_score": 31, "days_since_last_use": 8}, 0, False, False),
    ({"sadq_score": 31, "ciwa_ar_score": 0}, 2, True, False),
    ({"drinks_per_day": 8}, 0, False, False),
    ({"drinks_per_day": 9}, 1, False, True),
    ({"drinks_per_day": 17}, 1, False, True),
    ({"drinks_per_day": 18}, 2, True, True),
    ({"daily_use": True}, 1, False, True),
    ({"daily_use": True, "days_since_last_use": 7}, 1, False, True),
    ({"daily_use": True, "days_since_last_use": 8}, 0, False, False),
    ({"daily_use": True, "cows_score": 3}, 1, False, False),  # scored: no score asked for
    (
        {"daily_use": True, "days_since_last_use": 14, "withdrawal_substances": ["sedatives"]},
        1,
        False,
        True,
    ),
    (
        {"daily_use": True, "days_since_last_use": 15, "withdrawal_substances": ["sedatives"]},
        0,
        False,
        False,
    ),
    (
        {"daily_use": True, "days_since_last_use": 10, "withdrawal_substances": ["alcohol"]},
        0,
        False,
        False,
    ),
    ({"daily_use": False, "drinks_per_day": 0}, 0, False, False),
    ({"intoxication": "none"}, 0, False, False),
    ({"intoxication": "present"}, 1, False, False),
    ({"intoxication": "severe"}, 3, False, False),
    ({"intoxication": "life_threatening"}, 4, False, False),
]


@pytest.mark.parametrize(("answers", "d1", "complicated", "unscored"), D1_EDGES)
def test_d1_from_the_new_questions(v3_rs, answers, d1, complicated, unscored):
    ratings, flags, _ = suggest(v3_rs, **answers)
    assert ratings["D1"] == d1
    assert flags["complicated_withdrawal_risk"] is complicated
    assert flags["withdrawal_unscored"] is unscored


def test_the_substances_being_withdrawn_from_decide_the_low_risk_flag(v3_rs):
    def low(**answers):
        return suggest(v3_rs, **answers)[1]["low_medical_risk_withdrawal"]

    assert low(withdrawal_substances=["opioids"]) is True
    assert low(withdrawal_substances=["stimulants", "cannabis", "other"]) is True
    assert low(withdrawal_substances=["alcohol", "opioids"]) is False
    assert low(withdrawal_substances=["sedatives", "opioids"]) is False
    assert low() is False  # not recorded: the alcohol ladder, as before


@pytest.mark.parametrize(
    ("substances", "level"), [(["opioids"], "1-WM"), (["alcohol", "opioids"], "3.2-WM")]
)
def test_opioids_only_against_alcohol_and_opioids_without_a_safe_home(v3_rs, substances, level):
    ratings, flags, _ = suggest(
        v3_rs, withdrawal_substances=substances, cows_score=15, housing="homeless"
    )
    assert (ratings["D1"], ratings["D6"]) == (2, 3)
    assert evaluate(v3_rs, ratings, flags).withdrawal_level == level


@pytest.mark.parametrize(
    ("born", "under_16", "level", "wm"),
    [("2010-06-02", True, "4", "4-WM"), ("2010-06-01", False, "3.7", "3.7-WM")],
    ids=["15 years", "16 years"],
)
def test_15_against_16_years_in_severe_withdrawal(v3_rs, born, under_16, level, wm):
    answers = {"date_of_birth": born, "assessment_date": "2026-06-01", "dsm5_criteria_count": 4,
               "ciwa_ar_score": 20}  # fmt: skip
    ratings, flags, _ = suggest_ratings(v3_rs, answers)
    assert flags["adolescent"] is True and flags["under_16"] is under_16
    d = evaluate(v3_rs, ratings, flags)
    assert (d.level, d.withdrawal_level) == (level, wm)


def test_a_suicide_attempt_and_current_thoughts_are_recorded_together(v3_rs):
    attempt, flags, _ = suggest(v3_rs, suicide_attempt_past_3_months=True, suicide_risk="none")
    assert attempt["D3"] == 3
    assert flags["psychiatric_monitoring"] and flags["recent_suicide_attempt"]
    d = evaluate(v3_rs, attempt, flags)
    assert d.level == "3.7" and "EMERGENCY" in d.modifiers
    both, flags, _ = suggest(
        v3_rs, suicide_attempt_past_3_months=True, suicide_risk="ideation_with_method"
    )
    assert both["D3"] == 4
    assert evaluate(v3_rs, both, flags).level == "4"
    method_only, _, _ = suggest(v3_rs, suicide_risk="ideation_with_method")
    assert method_only["D3"] == 3
    assert "recent_attempt" not in {v for v, _ in v3_rs.question("suicide_risk").choices}


def test_overdose_and_social_network(v3_rs):
    ratings, flags, _ = suggest(v3_rs, overdose_past_12_months=True)
    assert ratings["D5"] == 3 and flags["overdose_risk"]
    assert "NALOXONE" in evaluate(v3_rs, ratings, flags).modifiers
    ratings, _, _ = suggest(v3_rs, social_network_uses=True)
    assert ratings["D6"] == 2


# -- the unsafe cases of the outside review, from intake answers -------------------------------


def test_a_daily_drinker_about_to_stop_gets_withdrawal_care_and_a_score(v3_rs):
    ratings, flags, _ = suggest(v3_rs, daily_use=True, drinks_per_day=12)
    d = evaluate(v3_rs, ratings, flags)
    assert d.withdrawal_level != "none" and "SCORE-WM" in d.modifiers


def test_sadq_40_is_not_no_withdrawal_management(v3_rs):
    ratings, flags, _ = suggest(v3_rs, sadq_score=40)
    assert evaluate(v3_rs, ratings, flags).withdrawal_level == "3.7-WM"


def test_ciwa_14_with_a_pulse_of_118_is_treated_as_severe(v3_rs):
    ratings, flags, _ = suggest(v3_rs, ciwa_ar_score=14, pulse_bpm=118)
    assert ratings["D1"] == 3
    assert evaluate(v3_rs, ratings, flags).withdrawal_level == "3.7-WM"


def test_a_15_year_old_in_acute_withdrawal_is_not_on_the_adult_ambulatory_ladder(v3_rs):
    answers = {"date_of_birth": "2011-03-01", "assessment_date": "2026-06-01",
               "dsm5_criteria_count": 4, "ciwa_ar_score": 12}  # fmt: skip
    ratings, flags, _ = suggest_ratings(v3_rs, answers)
    d = evaluate(v3_rs, ratings, flags)
    assert (d.level, d.withdrawal_level) == ("3.7", "3.7-WM")


def test_no_safe_home_and_no_carer_still_gets_withdrawal_care(v3_rs):
    ratings, flags, _ = suggest(v3_rs, ciwa_ar_score=6, housing="homeless", supportive_person=False)
    assert evaluate(v3_rs, ratings, flags).withdrawal_level == "3.2-WM"


def test_an_active_gi_bleed_never_comes_with_a_lower_withdrawal_plan(v3_rs):
    ratings, flags, _ = suggest(
        v3_rs, ciwa_ar_score=20, medical_condition_status="life_threatening"
    )
    d = evaluate(v3_rs, ratings, flags)
    assert (d.level, d.withdrawal_level) == ("4", "4-WM")


# -- the draft carry-over (9.5) and verification (9.6) ------------------------------------------


def test_a_recent_attempt_answer_carries_over_as_its_own_question(v3_rs):
    answers, asks = carry_over(v3_rs, {"suicide_risk": "recent_attempt", "housing": "stable"})
    assert answers == {"suicide_attempt_past_3_months": True, "housing": "stable"}
    assert [(a.question, a.step) for a in asks] == [("suicide_risk", "D3")]
    assert "current thoughts of suicide needs an answer" in asks[0].text
    kept, asks = carry_over(v3_rs, {"suicide_risk": "ideation", "ciwa_ar_score": 12})
    assert kept == {"suicide_risk": "ideation", "ciwa_ar_score": 12} and asks == []


def test_an_answer_the_new_version_cannot_take_is_asked_again(v3_rs):
    answers, asks = carry_over(v3_rs, {"housing": "boat", "craving_0_10": 99})
    assert answers == {}
    assert {a.question for a in asks} == {"housing", "craving_0_10"}


def test_version_3_is_total_and_monotone_over_the_flags_each_track_reads(v3_rs):
    report = verify(v3_rs)
    assert report.ok, report.summary_lines()
    by_track = {t.track: t for t in report.tracks}
    assert by_track["treatment"].method == by_track["withdrawal"].method == "enumeration"
    assert by_track["treatment"].profiles == 15_625 * 2**16  # every profile, every flag


def test_each_track_reads_the_flags_section_9_6_names(v3_rs):
    from engine.compiled import compiled

    c = compiled(v3_rs)
    assert set(c.flags_used(c.track_rules["treatment"])) == {
        "sud_diagnosis", "no_sud_diagnosis", "adolescent", "under_16", "imminent_danger",
        "cognitive_impairment", "complicated_withdrawal_risk", "psychiatric_monitoring",
    }  # fmt: skip
    assert set(c.flags_used(c.track_rules["withdrawal"])) == {
        "pregnant", "cognitive_impairment", "complicated_withdrawal_risk", "older_adult",
        "failed_ambulatory_withdrawal", "low_medical_risk_withdrawal", "adolescent", "under_16",
    }  # fmt: skip
