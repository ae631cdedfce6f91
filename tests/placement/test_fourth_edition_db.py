"""The 4th-edition default as the app holds it: seeded by a migration beside the 3rd, stored in
rows that give back the shipped file exactly, recommended from the command line in the
specification's shapes, and verified."""

import json

import pytest

from placement.defaults import DEFAULT_RULE_SET_FILE
from placement.loader import engine_rule_set
from placement.models import RuleSet, RuleTestCase
from placement.rules import serialize
from placement.ruleset_io import rule_set_to_data
from tests.placement.test_commands import run

pytestmark = pytest.mark.django_db

FILE = DEFAULT_RULE_SET_FILE.with_name("asam4-default-v1.yaml")
CASE = {
    "ratings": {"1A": "0", "1B": "2", "1C": "ANY", "2A": "0", "2B": "0", "3A": "2A", "3B": "0",
                "4A": "B", "4B": "0", "5A": "0", "5B": "0", "5C": "0"},
    "flags": {"emergency_medical": False, "emergency_psychiatric": False},
}  # fmt: skip


def fourth():
    return RuleSet.objects.get(name="asam4-default", version=1)


def test_both_editions_are_published_side_by_side():
    published = dict(RuleSet.objects.filter(status="published").values_list("name", "edition"))
    assert published == {"asam3-default": "3", "asam4-default": "4"}
    assert fourth().verification["ok"] is True
    assert RuleTestCase.objects.filter(rule_set=fourth()).count() == 10


def test_the_rows_give_back_the_shipped_file_exactly():
    stored = serialize.dumps(rule_set_to_data(fourth()))
    assert stored == FILE.read_text(encoding="utf-8")
    rs = engine_rule_set(fourth())
    assert rs.dimension("3A").scale[:3] == ("0", "ANY", "1A")  # codes stay strings
    assert [g.code for g in rs.groups] == ["1", "2", "3", "4", "5", "6"]
    assert rs.dimension("5C").group == "5"


def test_recommend_takes_and_returns_the_specifications_shapes(tmp_path):
    code, out, err = run(
        "recommend", "--rule-set", "asam4-default", payload=CASE, tmp_path=tmp_path
    )
    assert code == 0, err
    result = json.loads(out)
    assert result["level"] == "2.7 COE"
    assert result["withdrawal_level"] is None
    assert result["modifiers"] == []
    assert result["rule_set"] == "asam4-default@1"
    assert result["ratings"]["3A"] == "2A"
    assert {r["rule"] for r in result["reasons"] if r["deciding"]} >= {"N-1B-2", "D-2-2"}


def test_recommend_refuses_an_incomplete_profile_naming_the_subdimension(tmp_path):
    ratings = {k: v for k, v in CASE["ratings"].items() if k != "5B"}
    code, out, err = run(
        "recommend", "--rule-set", "asam4-default", payload={"ratings": ratings}, tmp_path=tmp_path
    )
    assert code == 2 and out == ""
    assert "input.ratings.5B: missing rating" in err


def test_verify_rules_verifies_the_fourth_edition(tmp_path):
    code, out, err = run("verify_rules", "asam4-default@1")
    assert code == 0, err
    assert "monotone in needs" in out
