"""The one condition checker (engine.check_condition): what the rule editor's builder and the
spreadsheet reader both hand it, and what comes back; and verification properties that are
rule-set data (kept_variant, ceiling_level), not engine code."""

import dataclasses

import pytest

from engine import ConditionCatalog, check_condition, problems, verify
from tests.engine.test_fourth_edition import RS as FOURTH


@pytest.fixture(scope="module")
def catalog(v3_rs):
    return ConditionCatalog.of(v3_rs)


def check(catalog, **fields):
    return check_condition(fields, catalog)


def test_a_rating_range_comes_back_as_file_data(catalog):
    cond, errors = check(catalog, kind="rating", dimension="D1", low="2", high="4")
    assert errors == {} and cond == {"rating": "D1", "from": 2, "to": 4}


def test_an_inverted_range_is_named_on_the_high_end(catalog):
    cond, errors = check(catalog, kind="rating", dimension="D1", low="3", high="1")
    assert cond is None
    assert errors == {"high": "The range 3-1 is inverted: the low end is above the high end."}


def test_a_number_outside_the_questions_range_is_refused(catalog, v3_rs):
    q = next(q for q in v3_rs.questions if q.type == "int" and q.max_value)
    too_big = q.max_value + 1
    cond, errors = check(catalog, kind="answer", question=q.code, op="gte", value=str(too_big))
    assert cond is None and "the question's range" in errors["value"]
    ok, errors = check(catalog, kind="answer", question=q.code, op="gte", value=str(q.max_value))
    assert errors == {} and ok["value"] == q.max_value


def test_choices_are_taken_by_value_or_by_label(catalog, v3_rs):
    q = next(q for q in v3_rs.questions if q.type == "choice")
    value, label = q.choices[-1]
    by_label, _ = check(catalog, kind="answer", question=q.code, op="eq", value=label.upper())
    by_value, _ = check(catalog, kind="answer", question=q.code, op="eq", value=value)
    assert by_label == by_value == {"answer": q.code, "op": "eq", "value": value}
    cond, errors = check(catalog, kind="answer", question=q.code, op="eq", value="castle")
    assert cond is None and errors["value"].startswith("'castle' is not one of: ")


def test_a_kind_not_allowed_here_is_refused_in_words(catalog):
    cond, errors = check_condition(
        {"kind": "rating", "dimension": "D1", "low": "1", "high": "2"}, catalog, kinds=("answer",)
    )
    assert cond is None and errors == {"kind": "This rule can test only: an intake answer."}


def test_an_empty_value_is_named(catalog):
    cond, errors = check(catalog, kind="answer", question="pulse_bpm", op="gte", value="")
    assert cond is None and errors == {"value": "Choose or fill this in."}


def test_the_file_shape_catalog_checks_as_the_rule_set_does(v3_rs):
    from engine import to_data

    data = to_data(v3_rs)
    a, b = ConditionCatalog.of(v3_rs), ConditionCatalog.from_data(data)
    fields = {
        "kind": "answer",
        "question": "withdrawal_substances",
        "op": "includes_any",
        "value": "alcohol, nothing",
    }
    assert check_condition(fields, a) == check_condition(fields, b)
    assert a.scales == b.scales and a.flags == b.flags


def test_the_kept_variant_is_rule_set_data():
    """Without the data, the engine checks no variant; with it, losing that variant below the
    ceiling is a monotonicity problem, named in words."""
    broken = dataclasses.replace(
        FOURTH,
        substitutions=tuple(
            dataclasses.replace(s, to_level="3.7") if s.id == "O-COE-3.7" else s
            for s in FOURTH.substitutions
        ),
    )
    report = verify(broken)
    assert not report.ok
    assert any("takes away the COE variant" in v.text for v in report.examples)
    unchecked = verify(dataclasses.replace(broken, kept_variant="", ceiling_level=""))
    assert not any("takes away" in v.text for v in unchecked.examples)


def test_kept_variant_and_ceiling_must_name_what_the_set_has():
    odd = dataclasses.replace(FOURTH, kept_variant="XYZ", ceiling_level="9")
    found = problems(odd)
    assert "No level has the variant 'XYZ' that needs must keep." in found
    assert "The ceiling level '9' is not a level of this rule set." in found


def test_a_test_case_may_expect_at_least_or_at_most_a_level(v3_rs):
    """Ratings that give 2.1: "at least 1" and "at most 2.5" pass, "at least 2.5" fails
    saying how it compared; the expectation travels through the file format."""
    from engine import cases_from_data, run_cases

    ratings = {"D1": 2, "D2": 1, "D3": 2, "D4": 2, "D5": 2, "D6": 0}

    def case(compare, level):
        return {"name": f"{compare} {level}", "ratings": ratings,
                "expect": {"level": level, "compare": compare}}  # fmt: skip

    items = [case("at least", "1"), case("at most", "2.5"), case("at least", "2.5")]
    results = run_cases(v3_rs, cases_from_data(items))
    assert [r.passed for r in results] == [True, True, False]
    assert "treatment level is 2.1, expected at least 2.5" in results[2].problems
    assert [c.as_data()["expect"] for c in cases_from_data(items)] == [i["expect"] for i in items]
    with pytest.raises(Exception, match=r"expect\.compare"):
        cases_from_data([case("roughly", "2.1")])
