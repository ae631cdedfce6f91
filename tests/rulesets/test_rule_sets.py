"""The rule tables in the database: seeded defaults, drafts, verification, publishing,
export and import."""

import pytest
import yaml

from engine import RuleSetError, evaluate
from rulesets.defaults import DEFAULT_RULE_SET_FILE
from rulesets.loader import engine_rule_set
from rulesets.models import Condition, ImmutableRuleSetError, Level, Rule, RuleSet, RuleSetStatus
from rulesets.rows import rule_set_to_data
from rulesets.services import (
    RuleSetWorkflowError,
    rule_set_clone,
    rule_set_export,
    rule_set_import,
    rule_set_publish,
    rule_set_verify,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def published():
    return RuleSet.objects.get(name="asam3-default", status=RuleSetStatus.PUBLISHED)


def counts():
    return (RuleSet.objects.count(), Rule.objects.count(), Condition.objects.count())


def test_the_migrations_seed_every_default_version_row_for_row(published):
    from rulesets.defaults import DEFAULT_RULE_SET_V2_FILE, DEFAULT_RULE_SET_V3_FILE

    def as_shipped(rule_set):
        """The rows as data, without the care intensity every level was given later (it
        orders the queue and decides no placement; migration 0020)."""
        data = rule_set_to_data(rule_set)
        assert all(isinstance(lv.pop("intensity"), int) for lv in data["levels"])
        return data

    assert published.version == 3
    assert as_shipped(published) == yaml.safe_load(DEFAULT_RULE_SET_V3_FILE.read_text())
    for version, shipped in ((1, DEFAULT_RULE_SET_FILE), (2, DEFAULT_RULE_SET_V2_FILE)):
        retired = RuleSet.objects.get(name="asam3-default", version=version)
        assert retired.status == RuleSetStatus.RETIRED and retired.retired_at is not None
        assert as_shipped(retired) == yaml.safe_load(shipped.read_text())


def test_published_rows_cannot_be_edited_or_deleted(published):
    rule = published.rules.get(rule_id="T-D2-2")
    rule.level = "2.5"
    with pytest.raises(ImmutableRuleSetError):
        rule.save()
    with pytest.raises(ImmutableRuleSetError):
        rule.conditions.first().delete()
    published.notes = "changed"
    with pytest.raises(ImmutableRuleSetError):
        published.save()


def test_clone_makes_an_editable_draft_with_the_same_decisions(published, rule_admin):
    draft = rule_set_clone(rule_set=published, user=rule_admin)
    assert (draft.status, draft.version, draft.cloned_from) == ("draft", 4, published)
    ratings = {"D1": 2, "D2": 3, "D3": 1, "D4": 2, "D5": 3, "D6": 3}
    assert evaluate(engine_rule_set(draft), ratings, {}) == evaluate(
        engine_rule_set(published), ratings, {}
    )
    rule = draft.rules.get(rule_id="T-D2-2")
    rule.level = "2.5"
    rule.save()
    only_d2 = {"D1": 0, "D2": 2, "D3": 0, "D4": 0, "D5": 0, "D6": 0}
    assert evaluate(engine_rule_set(draft), only_d2, {}).level == "2.5"
    assert evaluate(engine_rule_set(published), only_d2, {}).level == "2.1"


def test_publish_is_refused_until_verified_then_retires_the_old_version(
    published, rule_admin, network_admin
):
    draft = rule_set_clone(rule_set=published, user=rule_admin)
    with pytest.raises(RuleSetWorkflowError, match="not verified"):
        rule_set_publish(rule_set=draft, user=network_admin)
    problems, report = rule_set_verify(rule_set=draft, user=rule_admin)
    assert problems == [] and report.ok
    rule_set_publish(rule_set=draft, user=network_admin)
    published.refresh_from_db()
    draft.refresh_from_db()
    assert (published.status, draft.status) == ("retired", "published")
    assert draft.published_by == network_admin


def test_editing_after_verification_makes_the_stamp_stale(published, rule_admin, network_admin):
    draft = rule_set_clone(rule_set=published, user=rule_admin)
    rule_set_verify(rule_set=draft, user=rule_admin)
    level = draft.levels.get(code="2.1")
    level.review_days = 21
    level.save()
    with pytest.raises(RuleSetWorkflowError, match="not verified"):
        rule_set_publish(rule_set=draft, user=network_admin)


def test_a_non_monotone_draft_fails_verification_and_cannot_be_published(
    published, rule_admin, network_admin
):
    draft = rule_set_clone(rule_set=published, user=rule_admin)
    rule = draft.rules.get(rule_id="T-D2-4")
    rule.level = "2.1"
    rule.save()
    _, report = rule_set_verify(rule_set=draft, user=rule_admin)
    assert not report.ok
    assert any("Raising D2 from 3 to 4" in v.text for v in report.examples)
    with pytest.raises(RuleSetWorkflowError):
        rule_set_publish(rule_set=draft, user=network_admin)
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_a_draft_with_an_unknown_level_reports_it_in_words(published, rule_admin):
    draft = rule_set_clone(rule_set=published, user=rule_admin)
    Rule.objects.filter(pk=draft.rules.get(rule_id="T-D2-2").pk).update(level="2.2")
    problems, report = rule_set_verify(rule_set=draft, user=rule_admin)
    assert report is None
    assert "Rule T-D2-2: unknown level '2.2' on the treatment track." in problems


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_export_import_export_is_byte_identical(published, rule_admin, fmt):
    first = rule_set_export(rule_set=published, fmt=fmt)
    imported = rule_set_import(text=first, user=rule_admin)
    assert imported.status == "draft" and imported.version == 4
    assert rule_set_export(rule_set=imported, fmt=fmt) == first


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("rules: [unclosed", "not valid YAML"),
        ('{"format": "stepwise-rule-set/1", "name": ', "not valid JSON"),
        ("- just\n- a list\n", "does not contain a rule set"),
        ("format: other/9\nname: x\n", "Unknown format"),
    ],
)
def test_malformed_import_fails_clearly_and_changes_nothing(rule_admin, text, message):
    before = counts()
    with pytest.raises(RuleSetError) as exc:
        rule_set_import(text=text, user=rule_admin)
    assert message in str(exc.value)
    assert counts() == before


def test_import_with_a_bad_reference_names_it_and_changes_nothing(published, rule_admin):
    data = yaml.safe_load(rule_set_export(rule_set=published))
    data["rules"][2]["level"] = "9.9"
    data["rules"][3]["when"] = [{"rating": "D2", "from": 4, "to": 2}]
    before = counts()
    with pytest.raises(RuleSetError) as exc:
        rule_set_import(text=yaml.safe_dump(data), user=rule_admin)
    assert "Rule T-D2-2: unknown level '9.9' on the treatment track." in exc.value.problems
    assert any("inverted" in p and "T-D2-3" in p for p in exc.value.problems)
    assert counts() == before


def test_only_one_published_version_per_name(published, rule_admin):
    from django.db import IntegrityError

    draft = rule_set_clone(rule_set=published, user=rule_admin)
    with pytest.raises(IntegrityError):
        RuleSet.objects.filter(pk=draft.pk).update(status="published")


def test_level_descriptions_cover_every_level(published):
    for level in Level.objects.filter(rule_set=published, track="treatment"):
        assert level.setting and level.suits and level.hours_adult and level.review_days
    iop = Level.objects.get(rule_set=published, code="2.1")
    assert "9 hours" in iop.hours_adult and "6 hours" in iop.hours_adolescent
