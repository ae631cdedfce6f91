"""Verification catches broken drafts and names the counterexample."""

import dataclasses

import pytest

from engine import serialize
from engine.verify import ENUMERATION_LIMIT, verify
from tests.engine.conftest import load_default


def edited(rs, **replace_rules):
    """A copy of ``rs`` with placement rules replaced by id (None removes the rule)."""
    rules = []
    for r in rs.placement_rules:
        if r.id in replace_rules:
            if replace_rules[r.id] is not None:
                rules.append(dataclasses.replace(r, **replace_rules[r.id]))
        else:
            rules.append(r)
    data = serialize.to_data(dataclasses.replace(rs, placement_rules=tuple(rules)))
    return serialize.from_data(data, version=2)


def test_the_default_set_is_total_and_monotone_over_a_million_profiles(default_rs):
    report = verify(default_rs)
    assert report.ok
    for track in report.tracks:
        assert track.method == "enumeration"
        assert track.profiles == 5**6 * 2**6  # every profile, every flag combination


def test_a_gap_is_found_and_named(default_rs):
    broken = edited(default_rs, **{"T-BASE-RISK": None})
    report = verify(broken)
    assert not report.ok
    assert report.counts["total"] > 0
    example = next(v for v in report.examples if v.property == "total")
    # Without T-BASE-RISK nothing places a person without a diagnosis and with low ratings.
    assert example.flags.get("sud_diagnosis") is False
    assert "No treatment rule gives a level" in example.text


def test_a_non_monotone_row_is_found_and_named(default_rs):
    broken = edited(default_rs, **{"T-D2-4": {"level": "2.1"}})
    report = verify(broken)
    assert not report.ok
    assert report.counts["monotone"] > 0
    texts = [v.text for v in report.examples if v.property == "monotone"]
    assert any("Raising D2 from 3 to 4 lowers the treatment level from 3.7" in t for t in texts)


def test_an_adult_only_level_given_to_adolescents_is_found(default_rs):
    data = serialize.to_data(default_rs)
    for rule in data["rules"]:
        if rule["id"] == "S-POPULATION":
            rule["when"] = [{"flag": "cognitive_impairment", "is": True}]
    report = verify(serialize.from_data(data, version=2))
    assert report.counts["population"] > 0


def test_structural_verification_proves_the_default_set_too(default_rs):
    report = verify(default_rs, limit=0)  # force reasoning instead of enumeration
    assert all(t.method == "structure" for t in report.tracks)
    # T-TWO-SEVERE uses counting conditions that the structural check does not prove.
    assert report.counts.get("total", 0) == 0
    assert report.counts.get("monotone", 0) == 0


def test_structural_verification_flags_a_row_with_no_successor(default_rs):
    broken = edited(default_rs, **{"T-D2-4": {"level": "2.1"}})
    report = verify(broken, limit=0)
    assert any("T-D2-3" in v.text for v in report.examples)


def test_enumeration_limit_is_generous_enough_for_the_default():
    assert ENUMERATION_LIMIT >= 33_000


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_serialisation_round_trips(default_rs, fmt):
    data = serialize.to_data(load_default(), notes="n")
    text = serialize.dumps(data, fmt)
    again = serialize.dumps(serialize.to_data(serialize.from_data(serialize.loads(text)), "n"), fmt)
    assert text == again
