"""Every row of the default rule set (../shared/asam/rules-default-3rd.md sections 4-6), each
with a case where it decides and, for rows bounded by a condition, a case just outside it.
Expected levels come from the specification, not from the engine."""

import pytest

from engine import evaluate

ZERO = {"D1": 0, "D2": 0, "D3": 0, "D4": 0, "D5": 0, "D6": 0}
SUD = {"sud_diagnosis": True}


def profile(**ratings):
    return {**ZERO, **ratings}


def deciding(decision, track):
    return {r.rule_id for r in decision.deciding(track)}


# (row id, ratings, flags, expected treatment level)
TREATMENT_ROWS = [
    ("T-BASE-RISK", profile(), {}, "0.5"),
    ("T-BASE-DX", profile(), SUD, "1"),
    ("T-D2-2", profile(D2=2), SUD, "2.1"),
    ("T-D2-3", profile(D2=3), SUD, "3.7"),
    ("T-D2-4", profile(D2=4), SUD, "4"),
    ("T-D3-2", profile(D3=2), SUD, "2.1"),
    ("T-D3-3", profile(D3=3), SUD, "3.5"),
    ("T-D3-4", profile(D3=4), SUD, "4"),
    ("T-D4-2", profile(D4=2), SUD, "2.1"),
    ("T-D4-3", profile(D4=3), SUD, "2.5"),
    ("T-D4-4", profile(D4=4), SUD, "3.5"),
    ("T-D5-2", profile(D5=2), SUD, "2.1"),
    ("T-D5-3", profile(D5=3), SUD, "2.5"),
    ("T-D5-4", profile(D5=4), SUD, "3.5"),
    ("T-D6-2", profile(D6=2), SUD, "2.1"),
    ("T-D6-3", profile(D6=3), SUD, "3.1"),
    ("T-D6-4", profile(D6=4), SUD, "3.1"),
    ("T-RELAPSE-ENV", profile(D5=3, D6=3), SUD, "3.5"),
    ("T-TWO-SEVERE", profile(D1=3, D4=3), SUD, "3.7"),
    ("T-IMMINENT", profile(), {**SUD, "imminent_danger": True}, "4"),
]


@pytest.mark.parametrize(("row", "ratings", "flags", "level"), TREATMENT_ROWS, ids=lambda x: x)
def test_treatment_row_decides_its_level(default_rs, row, ratings, flags, level):
    decision = evaluate(default_rs, ratings, flags)
    assert decision.level == level
    assert row in deciding(decision, "treatment")


# Cases just outside a row's condition: the row must not fire.
TREATMENT_OUTSIDE = [
    ("T-BASE-DX", profile(), {}, "0.5"),
    ("T-D2-2", profile(D2=1), SUD, "1"),
    ("T-D2-3", profile(D2=2), SUD, "2.1"),
    ("T-D3-2", profile(D3=1), SUD, "1"),
    ("T-D3-3", profile(D3=2), SUD, "2.1"),
    ("T-D4-2", profile(D4=1), SUD, "1"),
    ("T-D5-2", profile(D5=1), SUD, "1"),
    ("T-D6-2", profile(D6=1), SUD, "1"),
    ("T-RELAPSE-ENV", profile(D5=3, D6=2), SUD, "2.5"),
    ("T-RELAPSE-ENV", profile(D5=2, D6=3), SUD, "3.1"),
    ("T-TWO-SEVERE", profile(D4=3, D5=3), SUD, "2.5"),  # two severe, none of D1-D3
    ("T-TWO-SEVERE", profile(D1=3), SUD, "1"),  # only one severe dimension
    ("T-IMMINENT", profile(D3=3), SUD, "3.5"),
]


@pytest.mark.parametrize(("row", "ratings", "flags", "level"), TREATMENT_OUTSIDE, ids=lambda x: x)
def test_treatment_row_does_not_fire_outside_its_condition(default_rs, row, ratings, flags, level):
    decision = evaluate(default_rs, ratings, flags)
    assert decision.level == level
    assert row not in {r.rule_id for r in decision.reasons}


WITHDRAWAL_ROWS = [
    ("W-BASE", profile(), {}, "none"),
    ("W-D1-1", profile(D1=1), {}, "1-WM"),
    ("W-D1-2-SUPPORTED", profile(D1=2, D6=1), {}, "2-WM"),
    ("W-D1-2-UNSUPPORTED", profile(D1=2, D6=2), {}, "3.2-WM"),
    ("W-D1-2-MEDICAL", profile(D1=2, D2=3), {}, "3.7-WM"),
    ("W-D1-2-MEDICAL", profile(D1=2, D3=3), {}, "3.7-WM"),
    ("W-D1-3", profile(D1=3), {}, "3.7-WM"),
    ("W-D1-3-COMPLICATED", profile(D1=3, D2=3), {}, "4-WM"),
    ("W-D1-3-COMPLICATED", profile(D1=3, D3=4), {}, "4-WM"),
    ("W-D1-3-COMPLICATED", profile(D1=3), {"pregnant": True}, "4-WM"),
    ("W-D1-4", profile(D1=4), {}, "4-WM"),
]


@pytest.mark.parametrize(("row", "ratings", "flags", "level"), WITHDRAWAL_ROWS, ids=lambda x: x)
def test_withdrawal_row_decides_its_level(default_rs, row, ratings, flags, level):
    decision = evaluate(default_rs, ratings, flags)
    assert decision.withdrawal_level == level
    assert row in deciding(decision, "withdrawal")


WITHDRAWAL_OUTSIDE = [
    ("W-D1-1", profile(D1=0), {}, "none"),
    ("W-D1-2-SUPPORTED", profile(D1=2, D6=2), {}, "3.2-WM"),
    ("W-D1-2-UNSUPPORTED", profile(D1=2, D6=1), {}, "2-WM"),
    ("W-D1-2-MEDICAL", profile(D1=2, D2=2, D3=2), {}, "2-WM"),
    ("W-D1-3", profile(D1=2), {}, "2-WM"),
    ("W-D1-3-COMPLICATED", profile(D1=2), {"pregnant": True}, "2-WM"),
    ("W-D1-3-COMPLICATED", profile(D1=3, D2=2), {}, "3.7-WM"),
]


@pytest.mark.parametrize(("row", "ratings", "flags", "level"), WITHDRAWAL_OUTSIDE, ids=lambda x: x)
def test_withdrawal_row_does_not_fire_outside_its_condition(default_rs, row, ratings, flags, level):
    decision = evaluate(default_rs, ratings, flags)
    assert decision.withdrawal_level == level
    assert row not in {r.rule_id for r in decision.reasons}


def test_population_substitution_places_impaired_adults_in_3_3(default_rs):
    flags = {**SUD, "cognitive_impairment": True}
    decision = evaluate(default_rs, profile(D3=3), flags)
    assert decision.level == "3.3"
    assert deciding(decision, "treatment") == {"S-POPULATION"}


def test_population_substitution_never_applies_to_adolescents(default_rs):
    flags = {**SUD, "cognitive_impairment": True, "adolescent": True}
    assert evaluate(default_rs, profile(D3=3), flags).level == "3.5"


def test_population_substitution_only_replaces_3_5(default_rs):
    flags = {**SUD, "cognitive_impairment": True}
    assert evaluate(default_rs, profile(D2=3), flags).level == "3.7"
    assert evaluate(default_rs, profile(D6=3), flags).level == "3.1"


@pytest.mark.parametrize(
    ("ratings", "flags", "modifiers"),
    [
        (profile(D3=2), {}, ("COE",)),
        (profile(D3=4), {}, ("COE", "EMERGENCY")),
        (profile(D3=1), {}, ("COC",)),
        (profile(D3=0), {}, ()),
        (profile(), {"opioid_use_disorder": True}, ("MOUD",)),
        (profile(D1=4), {}, ("EMERGENCY",)),
        (profile(D2=4), {}, ("EMERGENCY",)),
        (profile(D1=3, D2=3), {}, ()),
        (profile(), {"imminent_danger": True}, ("EMERGENCY",)),
    ],
)
def test_modifier_rows(default_rs, ratings, flags, modifiers):
    assert evaluate(default_rs, ratings, flags).modifiers == modifiers


def test_dimensions_4_to_6_alone_never_reach_a_medically_managed_level(default_rs):
    import itertools

    for d4, d5, d6 in itertools.product(range(5), repeat=3):
        level = evaluate(default_rs, profile(D4=d4, D5=d5, D6=d6), SUD).level
        assert level not in ("3.7", "4"), (d4, d5, d6)


def test_every_specified_row_id_is_in_the_default_set(default_rs):
    spec_ids = (
        {r for r, *_ in TREATMENT_ROWS}
        | {r for r, *_ in WITHDRAWAL_ROWS}
        | {"S-POPULATION", "M-COE", "M-COC", "M-MOUD", "M-EMERGENCY"}
    )
    ids = {r.id for r in (*default_rs.placement_rules, *default_rs.substitutions)} | {
        r.id for r in default_rs.modifier_rules
    }
    assert ids == spec_ids
