"""The 4th-edition default rule set (fourth-edition.md) on the same engine: every code's
minimum, every determination step and where it stops, the COE overlay, the add-ons, the
worked examples, the decided open question, input checks and verification."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine import InputError, evaluate, serialize
from engine.model import base_of
from engine.verify import verify
from rulesets.defaults import FOURTH_EDITION_V2_FILE

DATA = FOURTH_EDITION_V2_FILE
RS = serialize.from_data(serialize.loads(DATA.read_text(encoding="utf-8")), version=1)
BASELINE = {"1A": "0", "1B": "0", "1C": "ANY", "2A": "0", "2B": "0", "3A": "0", "3B": "0",
            "4A": "A", "4B": "0", "5A": "0", "5B": "0", "5C": "0"}  # fmt: skip

# fourth-edition.md, "Rating codes: each code asks for a minimum level" (RR: recovery residence)
MINIMUMS = {
    "1A": {"4": "4", "3B": "3.7 BIO", "3A": "3.7", "2": "2.7", "ANY": None, "0": None},
    "1B": {"4": "4", "3B": "3.7 BIO", "3A": "3.7", "2": "2.7", "1": "1.7", "EVAL": None,
           "0": None},
    "1C": {"C": "3.7", "B": "2.7", "A": "1.7", "EVAL": None, "ANY": None, "MOUD-C": None},
    "2A": {"4": "4", "3B": "3.7 BIO", "3A": "3.7", "2": "2.7", "1": "1.7", "ANY": None,
           "0": None},
    "2B": {"4": "4", "3": "3.7", "2": "2.7", "1": "1.7", "ANY": None, "0": None},
    "3A": {"4": "4 Psychiatric", "3B": "3.7 COE", "3A": "3.5 COE", "2B": "2.7 COE",
           "2A": "2.5 COE", "1C": "1.7 COE", "1B": "1.7", "1A": "1.5 COE", "ANY": None, "0": None},
    "3B": {"1Z": "1.5 COE", "ANY": None, "0": None},
    "4A": {"E": "3.5", "D": "3.1", "C": "2.5", "B": "2.1", "A": "1.5"},
    "4B": {"E": "3.5", "D": "3.1", "C": "2.5", "B": "2.1", "A": "1.5", "0": None},
    "5A": {"D": "3.5", "C": "3.1", "B": "2.5", "A": "2.1", "ANY": None, "0": None},
    "5B": {"A": "RR", "0": None},
    "5C": {"B": "3.1", "A": "RR", "ANY": None, "0": None},
}  # fmt: skip
MODIFIERS = {("1B", "EVAL"): "EVAL", ("1C", "EVAL"): "EVAL", ("1C", "MOUD-C"): "MOUD-CONTINUATION"}


def decide(flags=None, **codes):
    return evaluate(RS, {**BASELINE, **codes}, flags or {})


def needs_of(decision) -> set:
    return {r.asks for r in decision.reasons if r.kind == "need"}


def deciding_step(decision) -> str:
    return next(r.rule_id for r in decision.reasons if r.kind == "determination")


@pytest.mark.parametrize(
    ("sub", "code", "minimum"),
    [(s, c, m) for s, rows in MINIMUMS.items() for c, m in rows.items()],
)
def test_every_code_asks_for_its_minimum(sub, code, minimum):
    assert [d.code for d in RS.dimensions] == list(MINIMUMS)
    assert set(RS.dimension(sub).scale) == set(MINIMUMS[sub])
    decision = decide(**{sub: code})
    mine = {r.asks for r in decision.reasons if r.kind == "need" and r.rule_id.startswith(
        f"N-{sub}-"
    )}  # fmt: skip
    expected = {minimum} if minimum else set()
    if (sub, code) in MODIFIERS:
        expected.add(MODIFIERS[(sub, code)])
        assert MODIFIERS[(sub, code)] in decision.modifiers
    assert mine == expected


# One profile per determination rule: it decides, every earlier rule does not hold, and the
# determination stops there (no later rule is listed).
STEPS = [
    ("D-1-4", {"2A": "4", "3A": "4"}, "4"),
    ("D-1-BIO-COE", {"1B": "3B", "3B": "1Z"}, "4"),
    ("D-1-BIO-PSY", {"2A": "3B", "3A": "4"}, "4"),
    ("D-1-PSY", {"3A": "4", "1B": "3A"}, "4 Psychiatric"),
    ("D-2-BIO", {"1A": "3B", "4A": "E"}, "3.7 BIO"),
    ("D-2-3", {"1B": "1", "4A": "D"}, "3.7"),
    ("D-2-2", {"1C": "A", "5A": "A"}, "2.7"),
    ("D-2-1", {"2B": "1"}, "1.7"),
    ("D-3-35", {"5C": "B", "4A": "C"}, "3.5"),
    ("D-3-31", {"4B": "D"}, "3.1"),
    ("D-4-25", {"5A": "B"}, "2.5"),
    ("D-4-21", {"4B": "B"}, "2.1"),
    ("D-4-15", {}, "1.5"),
]


@pytest.mark.parametrize(("rule_id", "codes", "level"), STEPS, ids=[s[0] for s in STEPS])
def test_every_determination_step_decides_and_stops(rule_id, codes, level):
    assert [r.id for r in RS.determination_rules] == [s[0] for s in STEPS]
    decision = decide(**codes)
    assert deciding_step(decision) == rule_id
    assert decision.level == level
    assert [r.rule_id for r in decision.reasons if r.kind == "determination"] == [rule_id]


@pytest.mark.parametrize(
    ("level", "coe"),
    [("1.5", "1.5 COE"), ("1.7", "1.7 COE"), ("2.1", "2.5 COE"), ("2.5", "2.5 COE"),
     ("2.7", "2.7 COE"), ("3.1", "3.5 COE"), ("3.5", "3.5 COE"), ("3.7", "3.7 COE")],
)  # fmt: skip
def test_the_coe_overlay_gives_each_level_its_coe_version(level, coe):
    codes = dict(next(c for _, c, lv in STEPS if lv == level))
    assert decide(**codes).level == level
    assert decide(**{**codes, "3B": "1Z"}).level == coe


@pytest.mark.parametrize("codes", [{"2A": "4"}, {"3A": "4"}, {"1A": "3B"}])
def test_the_overlay_leaves_4_4_psychiatric_and_3_7_bio(codes):
    before = decide(**codes).level
    assert decide(**{**codes, "3B": "1Z"}).level in (before, "4")  # 3.7 BIO + COE is step 1
    if before != "3.7 BIO":
        assert decide(**{**codes, "3B": "1Z"}).level == before


def test_the_specifications_input_example():
    d = evaluate(RS, {"1A": "0", "1B": "2", "1C": "ANY", "2A": "0", "2B": "0", "3A": "2A",
                      "3B": "0", "4A": "B", "4B": "0", "5A": "0", "5B": "0", "5C": "0"},
                 {"emergency_medical": False, "emergency_psychiatric": False})  # fmt: skip
    assert (d.level, d.withdrawal_level, d.modifiers) == ("2.7 COE", None, ())
    drivers = [r.rule_id for r in d.reasons if r.deciding and r.kind == "need"]
    assert drivers[:2] == ["N-1B-2", "N-3A-2A"]  # the dimensional drivers come first
    assert [r.kind for r in d.reasons][: len(drivers)] == ["need"] * len(drivers)


def test_the_decided_open_question_is_3_5_coe_and_the_note_says_why():
    d = decide(**{"3A": "2A", "4A": "D", "5A": "C"})
    assert d.level == "3.5 COE"
    note = next(r.note for r in RS.determination_rules if r.id == deciding_step(d))
    assert "3.5 COE" in note and "quiz" in note and "3.1" in note


def test_raising_3a_from_1a_to_1b_next_to_3_7_bio_lowers_4_to_3_7_bio():
    assert decide(**{"1B": "3B", "3A": "1A"}).level == "4"
    assert decide(**{"1B": "3B", "3A": "1B"}).level == "3.7 BIO"


@pytest.mark.parametrize(
    ("flag", "level"), [("emergency_medical", "4"), ("emergency_psychiatric", "4 Psychiatric")]
)
def test_an_emergency_adds_emergency_and_its_need(flag, level):
    d = decide(flags={flag: True})
    assert d.level == level and "EMERGENCY" in d.modifiers


def test_a_recovery_residence_goes_with_outpatient_levels_only():
    assert "RECOVERY-RESIDENCE" in decide(**{"5B": "A", "4A": "C"}).modifiers
    assert "RECOVERY-RESIDENCE" in decide(**{"5C": "A"}).modifiers
    assert "RECOVERY-RESIDENCE" not in decide(**{"5B": "A", "4A": "D"}).modifiers  # 3.1


codes_st = st.fixed_dictionaries({d.code: st.sampled_from(d.scale) for d in RS.dimensions})


@settings(max_examples=300, deadline=None)
@given(codes_st, st.booleans(), st.booleans())
def test_every_profile_gets_one_level_never_1_0(codes, medical, psychiatric):
    d = evaluate(RS, codes, {"emergency_medical": medical, "emergency_psychiatric": psychiatric})
    assert d.level in {lv.code for lv in RS.levels_of("treatment")} and d.level != "1.0"
    assert d.withdrawal_level is None
    assert base_of(d.level) in {"1.5", "1.7", "2.1", "2.5", "2.7", "3.1", "3.5", "3.7", "4"}


@pytest.mark.parametrize(
    ("ratings", "field"),
    [({k: v for k, v in BASELINE.items() if k != "3B"}, "ratings.3B"),
     ({**BASELINE, "3A": "5"}, "ratings.3A"),
     ({**BASELINE, "D1": 2}, "ratings.D1"),
     ({**BASELINE, "4A": None}, "ratings.4A")],
)  # fmt: skip
def test_an_incomplete_or_wrong_profile_is_refused_naming_the_subdimension(ratings, field):
    with pytest.raises(InputError) as exc:
        evaluate(RS, ratings, {})
    assert exc.value.field == field


def test_verification_is_total_and_monotone_in_needs_over_distinct_need_sets():
    report = verify(RS)
    assert report.ok, report.examples[:3]
    track = report.tracks[0]
    assert track.method == "needs" and 0 < track.classes < 10_000
    assert track.profiles == 457_228_800  # the code profiles they stand for
    assert "monotone in needs" in report.summary_lines()[0]


def test_verification_catches_an_overlay_that_lowers_the_level():
    import dataclasses

    broken = dataclasses.replace(
        RS,
        substitutions=tuple(
            dataclasses.replace(s, to_level="2.7 COE") if s.id == "O-COE-3.7" else s
            for s in RS.substitutions
        ),
    )
    report = verify(broken)
    assert not report.ok and report.counts["monotone"] > 0
    assert any("O-COE-3.7" in v.rules for v in report.examples if v.property == "monotone")


def test_the_file_round_trips_byte_for_byte():
    text = DATA.read_text(encoding="utf-8")
    data = serialize.loads(text)
    again = serialize.to_data(
        RS, notes=data["notes"], release_notes=data["release_notes"], tests=data["tests"]
    )
    assert serialize.dumps(again) == text
