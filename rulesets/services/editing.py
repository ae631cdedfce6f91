"""Writes of the rule editor: one rule (with its conditions), its order, the catalogs and the
test cases of a draft. Each write is one transaction that refuses anything but a draft and
leaves the draft without new structural problems for the row it touched."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max

from rulesets.models import (
    Condition,
    Dimension,
    ImmutableRuleSetError,
    Level,
    Question,
    Rule,
    RuleSet,
    RuleSetStatus,
    RuleTestCase,
)
from rulesets.rows import write_conditions
from rulesets.services.workflow import rule_set_problems


class RuleEditError(Exception):
    """The change was not made; ``problems`` say why, in plain words."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


def _locked_draft(rule_set: RuleSet) -> RuleSet:
    locked = RuleSet.objects.select_for_update().get(pk=rule_set.pk)
    if locked.status != RuleSetStatus.DRAFT:
        raise RuleEditError(
            [
                f"{locked.label} is {locked.get_status_display().lower()}: it cannot be changed. "
                "Clone it into a draft and change the draft."
            ]
        )
    return locked


MAX_RELEASE_NOTES = 20_000


@transaction.atomic
def rule_set_release_notes_save(*, rule_set: RuleSet, text: str) -> RuleSet:
    """A draft's release notes: what changed in this version and why, with the sources. They
    decide nothing, so a verified draft stays verified."""
    locked = _locked_draft(rule_set)
    text = text.replace("\r\n", "\n").strip()
    if len(text) > MAX_RELEASE_NOTES:
        raise RuleEditError(
            [f"The release notes are {len(text):,} characters; at most {MAX_RELEASE_NOTES:,}."]
        )
    locked.release_notes = text
    locked.save(update_fields=["release_notes"])
    return locked


def _own_problems(rule_set: RuleSet, rule_id: str) -> list[str]:
    prefix = f"Rule {rule_id}:"
    return [p for p in rule_set_problems(rule_set=rule_set) if p.startswith(prefix)]


def rule_row_save(*, rule_set: RuleSet, rule: Rule | None, fields: dict, when: list) -> Rule:
    """Create or change one rule of a draft, conditions included. Refused (RuleEditError)
    for a published or retired version, or when the result has problems for this rule."""
    try:
        with transaction.atomic():
            rule_set = _locked_draft(rule_set)
            if rule is None:
                top = rule_set.rules.aggregate(n=Max("order"))["n"]
                rule = Rule(rule_set=rule_set, order=(top or 0) + 1)
            for name in (
                "rule_id",
                "kind",
                "track",
                "level",
                "from_level",
                "modifier",
                "dimension",
                "rating",
                "flag",
                "text",
                "note",
            ):
                setattr(rule, name, fields.get(name, ""))
            rule.save()
            for old in rule.conditions.all():
                old.delete()
            write_conditions(rule, when)
            problems = _own_problems(rule_set, rule.rule_id)
            if problems:
                raise RuleEditError(problems)
    except ImmutableRuleSetError as exc:
        raise RuleEditError([str(exc.message)]) from None
    return rule


@transaction.atomic
def rule_row_delete(*, rule_set: RuleSet, rule: Rule) -> None:
    _locked_draft(rule_set)
    for cond in rule.conditions.all():
        cond.delete()
    rule.delete()


@transaction.atomic
def rule_row_move(*, rule_set: RuleSet, rule: Rule, up: bool) -> bool:
    """Swap a rule with the previous (or next) rule of the same kind: the order of
    substitutions decides which runs first. False when it is already at that end."""
    _locked_draft(rule_set)
    same = list(rule_set.rules.filter(kind=rule.kind).order_by("order", "id"))
    i = next(n for n, r in enumerate(same) if r.pk == rule.pk)
    j = i - 1 if up else i + 1
    if not 0 <= j < len(same):
        return False
    other = same[j]
    if rule.order == other.order:  # make the orders distinct first
        for n, r in enumerate(rule_set.rules.order_by("order", "id")):
            Rule.objects.filter(pk=r.pk).update(order=n)
        rule.refresh_from_db()
        other.refresh_from_db()
    rule.order, other.order = other.order, rule.order
    rule.save(update_fields=["order"])
    other.save(update_fields=["order"])
    return True


@transaction.atomic
def level_save(*, rule_set: RuleSet, level: Level, data: dict) -> Level:
    _locked_draft(rule_set)
    for name, value in data.items():
        setattr(level, name, value)
    level.save()
    return level


@transaction.atomic
def dimension_save(
    *, rule_set: RuleSet, dimension: Dimension, name: str, anchors: list, short_name: str = ""
) -> None:
    _locked_draft(rule_set)
    dimension.name = name
    dimension.short_name = short_name
    dimension.anchors = "\n".join(anchors)
    dimension.save()


@transaction.atomic
def question_save(*, rule_set: RuleSet, question: Question, data: dict) -> Question:
    _locked_draft(rule_set)
    choices = data.pop("choices", None)
    if choices is not None:
        used = _answer_values_used(rule_set, question.code)
        values = {v for v, _ in choices}
        missing = sorted(str(v) for v in used if v not in values)
        if missing:
            raise RuleEditError(
                [
                    f"The rules still test the value(s) {', '.join(missing)}: keep them, or change "
                    "those rules first."
                ]
            )
        question.choices = "\n".join(f"{v} | {label}" for v, label in choices)
    for name, value in data.items():
        setattr(question, name, value)
    question.save()
    return question


def _answer_values_used(rule_set: RuleSet, code: str) -> set:
    used: set = set()
    for cond in Condition.objects.filter(rule__rule_set=rule_set, question=code):
        value = cond.value
        if isinstance(value, list):
            used.update(v for v in value if isinstance(v, str))
        elif isinstance(value, str):
            used.add(value)
    return used


@transaction.atomic
def test_case_add(*, rule_set: RuleSet, fields: dict) -> RuleTestCase:
    _locked_draft(rule_set)
    top = rule_set.ruletestcases.aggregate(n=Max("order"))["n"]
    return RuleTestCase.objects.create(rule_set=rule_set, order=(top or 0) + 1, **fields)


test_case_add.__test__ = False  # type: ignore[attr-defined]  # not a pytest test


@transaction.atomic
def test_case_delete(*, rule_set: RuleSet, case: RuleTestCase) -> None:
    _locked_draft(rule_set)
    case.delete()


test_case_delete.__test__ = False  # type: ignore[attr-defined]  # not a pytest test

__all__ = [
    "RuleEditError",
    "dimension_save",
    "level_save",
    "question_save",
    "rule_row_delete",
    "rule_row_move",
    "rule_row_save",
    "rule_set_release_notes_save",
    "test_case_add",
    "test_case_delete",
]
