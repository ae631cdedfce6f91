import json
from io import StringIO

import pytest
from django.core.management import call_command

from rulesets.models import RuleSet
from rulesets.services import rule_set_clone

pytestmark = pytest.mark.django_db

MODERATE = {"D1": 2, "D2": 1, "D3": 2, "D4": 2, "D5": 2, "D6": 1}


def run(command, *args, payload=None, tmp_path=None):
    out, err = StringIO(), StringIO()
    if payload is not None:
        path = tmp_path / "input.json"
        path.write_text(payload if isinstance(payload, str) else json.dumps(payload))
        args = (*args, str(path))
    try:
        call_command(command, *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue(), err.getvalue()


def test_recommend_one_case(tmp_path):
    code, out, err = run(
        "recommend",
        payload={"ratings": MODERATE, "flags": {"opioid_use_disorder": True}},
        tmp_path=tmp_path,
    )
    assert code == 0 and err == ""
    result = json.loads(out)
    assert result["level"] == "2.1"
    assert result["withdrawal_level"] == "2-WM"
    assert result["modifiers"] == ["COE", "MOUD", "NALOXONE"]
    assert result["rule_set"] == "asam3-default@3"
    assert {r["rule"] for r in result["reasons"] if r["deciding"]} >= {"T-D3-2", "W-D1-2-SUPPORTED"}


def test_version_1_still_replays_exactly(tmp_path):
    """Retired, never changed: the command gives what the shipped version 1 gives."""
    import random

    import yaml

    from engine import evaluate
    from engine.serialize import from_data
    from rulesets.defaults import DEFAULT_RULE_SET_FILE

    shipped = from_data(yaml.safe_load(DEFAULT_RULE_SET_FILE.read_text()), version=1)
    flags = [f.code for f in shipped.flags]
    rng = random.Random(7)
    cases = [
        {
            "ratings": {f"D{i}": rng.randint(0, 4) for i in range(1, 7)},
            "flags": {f: rng.random() < 0.3 for f in flags},
        }
        for _ in range(300)
    ]
    code, out, err = run(
        "recommend", "--rule-set", "asam3-default@1", payload=cases, tmp_path=tmp_path
    )
    assert code == 0, err
    for case, got in zip(cases, json.loads(out), strict=True):
        want = evaluate(shipped, case["ratings"], case["flags"])
        assert got["rule_set"] == "asam3-default@1"
        assert (got["level"], got["withdrawal_level"], got["modifiers"]) == (
            want.level, want.withdrawal_level, list(want.modifiers),
        )  # fmt: skip
        assert got["reasons"] == [r.as_dict() for r in want.reasons]


def test_recommend_an_array_uses_suggested_ratings_when_only_answers_are_given(tmp_path):
    cases = [
        {"ratings": MODERATE},
        {"answers": {"cows_score": 14, "dsm5_criteria_count": 6, "housing": "homeless"}},
    ]
    code, out, _ = run("recommend", payload=cases, tmp_path=tmp_path)
    assert code == 0
    first, second = json.loads(out)
    assert first["suggested_ratings"] is None
    assert second["suggested_ratings"] == {"D1": 2, "D2": 0, "D3": 0, "D4": 0, "D5": 0, "D6": 3}
    assert second["ratings"] == second["suggested_ratings"]
    assert (second["level"], second["withdrawal_level"]) == ("3.1", "3.2-WM")
    assert second["flags"] == {"sud_diagnosis": True}


def test_recommend_with_a_named_rule_set_version(tmp_path, rule_admin):
    draft = rule_set_clone(
        rule_set=RuleSet.objects.get(name="asam3-default", status="published"), user=rule_admin
    )
    code, out, _ = run(
        "recommend", "--rule-set", f"asam3-default@{draft.version}",
        payload={"ratings": MODERATE}, tmp_path=tmp_path,
    )  # fmt: skip
    assert code == 0 and json.loads(out)["rule_set"] == f"asam3-default@{draft.version}"


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"ratings": {**MODERATE, "D2": "two"}}, "input.ratings.D2:"),
        ({"ratings": {**MODERATE, "D2": 5}}, "input.ratings.D2: 5 is not a rating"),
        ({"ratings": MODERATE, "flags": {"homeless": True}}, "input.flags.homeless: unknown flag"),
        ({"ratings": {**MODERATE, "D7": 1}}, "input.ratings.D7: unknown dimension"),
        ({"ratings": MODERATE, "flags": {"pregnant": "yes"}}, "input.flags.pregnant:"),
        ({"flags": {}}, "input.ratings: missing"),
        ({"ratings": MODERATE, "extra": 1}, "input.extra: unknown field"),
        ([{"ratings": MODERATE}, {"ratings": {**MODERATE, "D1": 9}}], "[1].ratings.D1:"),
        ({"answers": {"craving_0_10": 11}}, "input.answers.craving_0_10: 11 is above"),
        ("{not json", "input: not valid JSON"),
    ],
)
def test_recommend_refuses_bad_input_with_exit_2_naming_the_field(tmp_path, payload, message):
    code, out, err = run("recommend", payload=payload, tmp_path=tmp_path)
    assert code == 2
    assert out == ""  # nothing half-printed
    assert message in err


def test_recommend_unknown_rule_set_exits_2(tmp_path):
    code, out, err = run(
        "recommend", "--rule-set", "nope@3", payload={"ratings": MODERATE}, tmp_path=tmp_path
    )
    assert (code, out) == (2, "")
    assert "--rule-set" in err


def test_verify_rules_passes_on_the_default():
    code, out, _ = run("verify_rules")
    assert code == 0
    assert "monotonicity violations: 0" in out
    assert "all 1,024,000,000 combinations of ratings and flags" in out  # 16 flags
    assert out.splitlines()[0] == "asam3-default@3 (published)"


def test_verify_rules_fails_on_a_broken_draft_listing_counterexamples(rule_admin):
    draft = rule_set_clone(
        rule_set=RuleSet.objects.get(name="asam3-default", status="published"), user=rule_admin
    )
    draft.rules.get(rule_id="W-BASE").delete()
    code, out, _ = run("verify_rules", f"asam3-default@{draft.version}")
    assert code == 1
    assert "First counterexamples:" in out
    assert "No withdrawal rule gives a level" in out
