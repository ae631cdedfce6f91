"""Hostile rule-set files and recommend input: every one is refused with a message that names
the field, nothing is written, and nothing raises a server error or a traceback."""

import json

import pytest
import yaml
from django.urls import reverse
from django.utils.html import escape

from engine import RuleSetError
from rulesets.models import Condition, Rule, RuleSet
from rulesets.services import rule_set_export, rule_set_import
from tests.placement.test_commands import run

pytestmark = pytest.mark.django_db


def counts():
    return (RuleSet.objects.count(), Rule.objects.count(), Condition.objects.count())


@pytest.fixture
def exported():
    return yaml.safe_load(
        rule_set_export(rule_set=RuleSet.objects.get(name="asam3-default", status="published"))
    )


def billion_laughs(levels: int = 9) -> str:
    lines = ['format: "stepwise-rule-set/1"', "name: x", 'a0: &a0 ["lol", "lol"]']
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    lines.append(f"notes: *a{levels - 1}")
    return "\n".join(lines) + "\n"


def with_change(data, change) -> str:
    change(data)
    return yaml.safe_dump(data, sort_keys=False)


def set_rule(index, key, value):
    def change(data):
        data["rules"][index][key] = value

    return change


CASES = {
    "alias bomb": (lambda d: billion_laughs(), "(&a0) are not accepted"),
    "anchor": (lambda d: "format: &f stepwise-rule-set/1\nname: x\n", "YAML anchors"),
    "deep YAML": (lambda d: "notes: " + "[" * 5000 + "]" * 5000 + "\n", "nested more than"),
    "deep JSON": (lambda d: "{" + '"a":[' * 100_000 + "]" * 100_000 + "}", "nested more than"),
    "huge integer in JSON": (
        lambda d: json.dumps({**d, "levels": d["levels"]})[:-1] + ', "x": ' + "9" * 5000 + "}",
        "not acceptable JSON",
    ),
    "huge integer in YAML": (
        lambda d: with_change(d, lambda x: x["levels"][0].update(rank=0)).replace(
            "rank: 0", "rank: " + "9" * 5000, 1
        ),
        "not acceptable YAML",
    ),
    "NUL in a text": (
        lambda d: json.dumps(with_change_data(d, set_rule(0, "text", "a\x00b"))),
        "rules[0] (T-BASE-RISK): 'text' contains control characters",
    ),
    "over-long rule set name": (
        lambda d: with_change(d, lambda x: x.update(name="n" * 10_000)),
        "rule set: 'name' is longer than 60 characters",
    ),
    "over-long rule text": (
        lambda d: with_change(d, set_rule(3, "text", "t" * 400)),
        "rules[3] (T-D2-3): 'text' is longer than 300 characters",
    ),
    "huge notes field": (
        lambda d: with_change(d, lambda x: x.update(notes="n" * 3_000_000)),
        "larger than 2 MB",
    ),
    "long notes field": (
        lambda d: with_change(d, lambda x: x.update(notes="n" * 30_000)),
        "rule set: 'notes' is longer than 20,000 characters",
    ),
    "nested any-of": (
        lambda d: with_change(
            d,
            set_rule(
                5,
                "when",
                [{"any_of": [{"any_of": [{"rating": "D1", "from": 1, "to": 2}]}]}],
            ),
        ),
        "inside another 'any of' group is not supported",
    ),
    "rank out of range": (
        lambda d: with_change(d, lambda x: x["levels"][0].update(rank=40_000)),
        "levels[0]: 'rank' must be between 0 and 32,767",
    ),
    "negative rank": (
        lambda d: with_change(d, lambda x: x["levels"][1].update(rank=-1)),
        "levels[1]: 'rank' must be between 0 and 32,767",
    ),
}


def with_change_data(data, change):
    change(data)
    return data


@pytest.mark.parametrize("name", sorted(CASES))
def test_hostile_files_are_refused_with_the_field_named(name, exported, rule_admin):
    build, message = CASES[name]
    text = build(exported)
    before = counts()
    with pytest.raises(RuleSetError) as exc:
        rule_set_import(text=text, user=rule_admin)
    assert any(message in p for p in exc.value.problems), exc.value.problems
    assert counts() == before
    assert len(str(exc.value)) < 5_000  # the message is a sentence, not the expanded data


@pytest.mark.parametrize("name", ["alias bomb", "deep JSON", "nested any-of", "NUL in a text"])
def test_the_import_page_shows_the_message_not_a_server_error(name, exported, rule_admin, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    build, message = CASES[name]
    client.force_login(rule_admin)
    upload = SimpleUploadedFile("rules.yaml", build(exported).encode())
    response = client.post(reverse("rules:import"), {"file": upload})
    assert response.status_code == 400
    assert escape(message.split("'")[0]) in response.content.decode()
    assert len(response.content) < 200_000


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (b'{"ratings": {"D1": "\xff\xfe"}}', "not UTF-8 text"),
        (b"[" * 100_000 + b"]" * 100_000, "nested more than"),
        (b'{"ratings": {"D1": ' + b"9" * 5000 + b"}}", "not acceptable JSON"),
    ],
    ids=["invalid UTF-8", "deep nesting", "huge integer"],
)
def test_recommend_refuses_hostile_input_with_exit_status_2(payload, message, tmp_path):
    path = tmp_path / "case.json"
    path.write_bytes(payload)
    code, out, err = run("recommend", str(path))
    assert code == 2 and out == ""
    assert err.startswith("error: input: ") and message in err
    assert "Traceback" not in err
