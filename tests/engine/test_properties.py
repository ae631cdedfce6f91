"""Properties of the engine on the default rule set, over random profiles and flags."""

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from engine import evaluate, serialize
from engine.engine import validate_input
from tests.engine.conftest import load_default
from tests.engine.reference import reference

RS = load_default()
DIMS = [d.code for d in RS.dimensions]
FLAGS = [f.code for f in RS.flags]

ratings_st = st.fixed_dictionaries({d: st.integers(0, 4) for d in DIMS})
flags_st = st.fixed_dictionaries({f: st.booleans() for f in FLAGS})


def rank(code):
    return RS.level(code).rank


@given(ratings_st, flags_st)
def test_every_profile_gets_exactly_one_level_on_each_track(ratings, flags):
    d = evaluate(RS, ratings, flags)
    assert d.level in {lv.code for lv in RS.levels_of("treatment")}
    assert d.withdrawal_level in {lv.code for lv in RS.levels_of("withdrawal")}
    assert [t for t, _ in d.levels] == ["treatment", "withdrawal"]


@given(ratings_st, flags_st, st.sampled_from(DIMS))
def test_raising_any_one_rating_never_lowers_either_level(ratings, flags, dim):
    if ratings[dim] == 4:
        return
    before = evaluate(RS, ratings, flags)
    after = evaluate(RS, {**ratings, dim: ratings[dim] + 1}, flags)
    assert rank(after.level) >= rank(before.level)
    assert rank(after.withdrawal_level) >= rank(before.withdrawal_level)


@given(ratings_st, flags_st)
def test_same_inputs_same_decision_even_from_a_fresh_copy(ratings, flags):
    fresh = serialize.from_data(serialize.to_data(RS), version=1)  # nothing cached
    assert evaluate(RS, ratings, flags) == evaluate(fresh, dict(ratings), dict(flags))


@given(ratings_st, flags_st)
def test_compiled_engine_agrees_with_a_naive_reading_of_the_rules(ratings, flags):
    d = evaluate(RS, ratings, flags)
    levels, modifiers, fired = reference(RS, ratings, flags)
    assert dict(d.levels) == levels
    assert set(d.modifiers) == modifiers
    assert {r.rule_id for r in d.reasons if r.kind != "substitution"} == fired


@given(ratings_st, flags_st)
def test_deciding_rules_ask_for_exactly_the_result_level(ratings, flags):
    d = evaluate(RS, ratings, flags)
    for track, level in d.levels:
        deciding = d.deciding(track)
        assert deciding, f"no deciding rule on {track}"
        assert all(r.asks == level for r in deciding)
        for r in d.reasons:
            if r.track == track and r.kind == "placement" and not r.deciding:
                assert rank(r.asks) <= rank(level) or any(
                    x.kind == "substitution" for x in deciding
                )


@given(ratings_st, flags_st)
def test_adolescents_never_get_an_adult_only_level(ratings, flags):
    flags = {**flags, "adolescent": True}
    assert RS.level(evaluate(RS, ratings, flags).level).population != "adult"


@settings(max_examples=50)
@given(ratings_st, flags_st)
def test_omitted_flags_count_as_false(ratings, flags):
    on = {k: v for k, v in flags.items() if v}
    assert evaluate(RS, ratings, on) == evaluate(RS, ratings, flags)


def test_full_space_agrees_with_the_reference_on_every_profile_without_flags():
    for values in itertools.product(range(5), repeat=6):
        ratings = dict(zip(DIMS, values, strict=True))
        assert dict(evaluate(RS, ratings, {}).levels) == reference(RS, ratings, {})[0]


def test_strict_validation_refuses_booleans_and_floats_as_ratings():
    import pytest

    from engine import InputError

    ok = dict.fromkeys(DIMS, 1)
    validate_input(RS, ok, {})
    for bad in (True, 1.0, "1"):
        with pytest.raises(InputError, match=r"ratings\.D2"):
            validate_input(RS, {**ok, "D2": bad}, {})


# -- version 2: twelve flags ---------------------------------------------------------------------
from tests.engine.conftest import load_v2  # noqa: E402

RS2 = load_v2()
flags2_st = st.fixed_dictionaries({f.code: st.booleans() for f in RS2.flags})


@given(ratings_st, flags2_st)
def test_version_2_agrees_with_a_naive_reading_of_its_rules(ratings, flags):
    d = evaluate(RS2, ratings, flags)
    levels, modifiers, fired = reference(RS2, ratings, flags)
    assert dict(d.levels) == levels
    assert set(d.modifiers) == modifiers
    assert {r.rule_id for r in d.reasons if r.kind != "substitution"} == fired


@given(ratings_st, flags2_st, st.sampled_from(DIMS))
def test_version_2_raising_a_rating_never_lowers_either_level(ratings, flags, dim):
    if ratings[dim] == 4:
        return
    before = evaluate(RS2, ratings, flags)
    after = evaluate(RS2, {**ratings, dim: ratings[dim] + 1}, flags)
    assert RS2.level(after.level).rank >= RS2.level(before.level).rank
    assert RS2.level(after.withdrawal_level).rank >= RS2.level(before.withdrawal_level).rank
