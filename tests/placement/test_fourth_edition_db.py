"""The 4th-edition default as the app holds it: seeded by a migration beside the 3rd, stored in
rows that give back the shipped file exactly, recommended from the command line in the
specification's shapes, and verified."""

import json

import pytest

from engine import serialize
from rulesets.defaults import DEFAULT_RULE_SET_FILE
from rulesets.loader import engine_rule_set
from rulesets.models import RuleSet, RuleTestCase
from rulesets.rows import rule_set_to_data
from tests.placement.test_commands import run

pytestmark = pytest.mark.django_db

FILES = {v: DEFAULT_RULE_SET_FILE.with_name(f"asam4-default-v{v}.yaml") for v in (1, 2)}
CASE = {
    "ratings": {"1A": "0", "1B": "2", "1C": "ANY", "2A": "0", "2B": "0", "3A": "2A", "3B": "0",
                "4A": "B", "4B": "0", "5A": "0", "5B": "0", "5C": "0"},
    "flags": {"emergency_medical": False, "emergency_psychiatric": False},
}  # fmt: skip


def fourth(version=2):
    return RuleSet.objects.get(name="asam4-default", version=version)


def test_both_editions_are_published_side_by_side():
    published = dict(RuleSet.objects.filter(status="published").values_list("name", "edition"))
    assert published == {"asam3-default": "3", "asam4-default": "4"}
    assert fourth().verification["ok"] is True
    assert RuleTestCase.objects.filter(rule_set=fourth()).count() == 10
    # Version 1 is retired, never changed: what was recommended with it replays with it.
    assert fourth(1).status == "retired"
    assert fourth().cloned_from == fourth(1)


@pytest.mark.parametrize("version", [1, 2])
def test_the_rows_give_back_the_shipped_file_exactly(version):
    data = rule_set_to_data(fourth(version))
    for level in data["levels"]:  # given later (migration 0020): they decide no placement
        assert isinstance(level.pop("intensity"), int)
        level.pop("crosswalk_3rd", None)
    stored = serialize.dumps(data)
    assert stored == FILES[version].read_text(encoding="utf-8")
    rs = engine_rule_set(fourth(version))
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
    assert result["rule_set"] == "asam4-default@2"
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
    code, out, err = run("verify_rules", "asam4-default@2")
    assert code == 0, err
    assert "monotone in needs" in out


def test_version_2_asks_the_emergency_screen_first_and_files_questions_by_subdimension():
    v1, v2 = engine_rule_set(fourth(1)), engine_rule_set(fourth(2))
    first = [q.code for q in v2.questions if q.step == "substances"]
    assert first[:2] == ["emergency_medical_now", "emergency_psychiatric_now"]
    assert next(q for q in v2.questions if q.code == "q1b").step == "1B"
    assert next(q for q in v1.questions if q.code == "q1b").step == "1"
    # The needs and the determination are the same in both versions.
    assert [r.id for r in v1.need_rules] == [r.id for r in v2.need_rules]
    assert [r.id for r in v1.determination_rules] == [r.id for r in v2.determination_rules]
