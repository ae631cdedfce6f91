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

FILES = {v: DEFAULT_RULE_SET_FILE.with_name(f"asam4-default-v{v}.yaml") for v in (1, 2, 3)}
CASE = {
    "ratings": {"1A": "0", "1B": "2", "1C": "ANY", "2A": "0", "2B": "0", "3A": "2A", "3B": "0",
                "4A": "B", "4B": "0", "5A": "0", "5B": "0", "5C": "0"},
    "flags": {"emergency_medical": False, "emergency_psychiatric": False},
}  # fmt: skip


def fourth(version=3):
    return RuleSet.objects.get(name="asam4-default", version=version)


def test_both_editions_are_published_side_by_side():
    published = dict(RuleSet.objects.filter(status="published").values_list("name", "edition"))
    assert published == {"asam3-default": "3", "asam4-default": "4"}
    assert fourth().verification["ok"] is True
    assert RuleTestCase.objects.filter(rule_set=fourth()).count() == 10
    # Versions 1 and 2 are retired, never changed: what was recommended with them replays.
    assert fourth(1).status == fourth(2).status == "retired"
    assert fourth(2).cloned_from == fourth(1) and fourth().cloned_from == fourth(2)


@pytest.mark.parametrize("version", [1, 2, 3])
def test_the_rows_give_back_the_shipped_file_exactly(version):
    data = rule_set_to_data(fourth(version))
    if version < 3:  # given later (migration 0020): they decide no placement
        for level in data["levels"]:
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
    assert result["rule_set"] == "asam4-default@3"
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


def test_version_3_says_what_each_level_is_like_and_decides_as_version_2(tmp_path):
    v2, v3 = engine_rule_set(fourth(2)), engine_rule_set(fourth(3))
    for level in v3.levels_of(v3.primary_track):
        assert level.setting and level.hours_adult, level.code
    assert v3.level("2.1").hours_adolescent == "6-19 hours a week."
    assert "on-site psychiatric care" in v3.level("3.5 COE").setting
    assert v3.level("4 Psychiatric").setting.endswith("a psychiatric hospital level.")
    assert [(r.id, r.when, r.level) for r in v2.need_rules] == [
        (r.id, r.when, r.level) for r in v3.need_rules
    ]
    # Recommendations made with version 2 replay with it.
    code, out, err = run(
        "recommend", "--rule-set", "asam4-default@2", payload=CASE, tmp_path=tmp_path
    )
    assert code == 0, err
    assert json.loads(out)["rule_set"] == "asam4-default@2"
