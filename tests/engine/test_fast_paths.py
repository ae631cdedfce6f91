"""The fast paths say exactly what the plain readings say: the tabulated engine agrees with the
key path and with the naive interpreter, and the compiled suggester agrees with the plain
reading of the rating and flag rules, answer for answer, error for error."""

import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine import InputError, evaluate
from engine import tabulation as tabulation_module
from engine.compiled import CompiledRuleSet
from engine.engine import suggest_ratings, tabulate
from engine.model import Decision
from tests.engine.conftest import load_default, load_v2
from tests.engine.reference import reference, suggest_ratings_reference

V1, V2 = load_default(), load_v2()
for _rs in (V1, V2):
    assert tabulate(_rs)


def ratings_of(rs):
    return st.fixed_dictionaries({d.code: st.sampled_from(d.scale) for d in rs.dimensions})


def flags_of(rs):
    codes = [f.code for f in rs.flags]
    return st.dictionaries(st.sampled_from(codes), st.booleans()) if codes else st.just({})


@pytest.mark.parametrize("rs", [V1, V2], ids=["v1", "v2"])
@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_the_tables_agree_with_the_key_path_and_the_naive_reading(rs, data):
    ratings, flags = data.draw(ratings_of(rs)), data.draw(flags_of(rs))
    keyed = CompiledRuleSet(rs)  # never tabulated
    fast = evaluate(rs, ratings, flags)
    slow = keyed.evaluate(ratings, flags)
    assert fast == slow
    assert (fast.level, fast.withdrawal_level) == (slow.level, slow.withdrawal_level)
    assert fast.as_dict() == slow.as_dict()
    levels, modifiers, fired = reference(rs, ratings, flags)
    assert dict(fast.levels) == levels and set(fast.modifiers) == modifiers
    assert {r.rule_id for r in fast.reasons if r.kind != "substitution"} == fired


@pytest.mark.parametrize(
    ("ratings", "flags", "field"),
    [({"D1": 1}, {}, "ratings.D2"), ({**{f"D{i}": 0 for i in range(1, 7)}, "D1": 9}, {},
      "ratings.D1"), ({f"D{i}": 0 for i in range(1, 7)}, {"nope": True}, "flags.nope"),
     ({f"D{i}": 0 for i in range(1, 7)}, {"adolescent": "yes"}, "flags.adolescent")],
)  # fmt: skip
def test_bad_input_is_refused_on_the_tabulated_path_as_on_the_key_path(ratings, flags, field):
    with pytest.raises(InputError) as fast:
        evaluate(V2, ratings, flags)
    with pytest.raises(InputError) as slow:
        CompiledRuleSet(V2).evaluate(ratings, flags)
    assert fast.value.field == slow.value.field == field


def test_a_rule_set_too_big_to_tabulate_stays_on_the_key_path(monkeypatch):
    monkeypatch.setattr(tabulation_module, "MAX_TABLE_ENTRIES", 100)
    c = CompiledRuleSet(V2)
    assert c.tabulate() is False and not c.tabulated
    ratings = {f"D{i}": 2 for i in range(1, 7)}
    assert c.evaluate(ratings, {}) == evaluate(V2, ratings, {})


def test_a_decision_cannot_be_changed():
    d = evaluate(V2, {f"D{i}": 1 for i in range(1, 7)}, {})
    assert isinstance(d, Decision)
    with pytest.raises(AttributeError):
        d.levels = ()
    with pytest.raises(AttributeError):
        d.primary_track = "withdrawal"


# -- the suggester ----------------------------------------------------------------------------


def answer_of(q):
    blank = st.sampled_from([None, ""])
    if q.type == "int":
        lo = q.min_value if q.min_value is not None else -5
        hi = q.max_value if q.max_value is not None else 60
        return st.one_of(st.integers(lo, hi), blank)
    if q.type == "bool":
        return st.one_of(st.booleans(), st.just(None))
    if q.type == "choice":
        return st.one_of(st.sampled_from([c for c, _ in q.choices]), blank)
    if q.type == "multichoice":
        return st.lists(st.sampled_from([c for c, _ in q.choices]), max_size=3, unique=True)
    if q.type == "date":
        return st.one_of(
            st.dates(datetime.date(1930, 1, 1), datetime.date(2026, 12, 31)).map(str), blank
        )
    return st.one_of(st.text(max_size=20), blank)


def answers_of(rs):
    return st.fixed_dictionaries({}, optional={q.code: answer_of(q) for q in rs.questions})


@pytest.mark.parametrize("rs", [V1, V2], ids=["v1", "v2"])
@settings(max_examples=400, deadline=None)
@given(data=st.data())
def test_the_compiled_suggester_agrees_with_the_plain_reading(rs, data):
    answers = data.draw(answers_of(rs))
    assert suggest_ratings(rs, answers) == suggest_ratings_reference(rs, answers)


BAD_ANSWERS = st.sampled_from(
    [
        {"ciwa_ar_score": True},
        {"ciwa_ar_score": 1000},
        {"ciwa_ar_score": "12"},
        {"nobody_asked": 1},
        {"housing": "castle"},
        {"date_of_birth": "1990-13-45"},
        {"date_of_birth": 19900101},
    ]
)


@pytest.mark.parametrize("rs", [V1, V2], ids=["v1", "v2"])
@settings(max_examples=30, deadline=None)
@given(bad=BAD_ANSWERS)
def test_the_compiled_suggester_refuses_what_the_plain_reading_refuses(rs, bad):
    with pytest.raises(InputError) as fast:
        suggest_ratings(rs, bad)
    with pytest.raises(InputError) as plain:
        suggest_ratings_reference(rs, bad)
    assert (fast.value.field, str(fast.value)) == (plain.value.field, str(plain.value))
