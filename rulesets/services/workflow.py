"""Rule-set workflow: clone a published set into a draft, verify, publish, import, export."""

from __future__ import annotations

import re

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accounts.models import Program
from accounts.roles import Role
from accounts.selectors import program_ids_for_user
from engine import (
    CaseResult,
    Report,
    RuleSetError,
    cases_from_data,
    problems,
    run_cases,
    serialize,
    verify,
)
from rulesets.level_defaults import fill_levels
from rulesets.loader import clear_cache, content_digest, engine_rule_set
from rulesets.models import RuleSet, RuleSetStatus
from rulesets.rows import rule_set_to_data, test_case_data, write_rule_set_rows
from rulesets.scope import is_network_rule_admin, publish_refusal


class RuleSetWorkflowError(Exception):
    """A workflow step that is not allowed now; the message says why in plain words."""


class RuleSetPublishRefused(RuleSetWorkflowError):
    """The publisher may not change the rules of every program that uses the set."""


# A rule-set name is part of every address of its pages and of every recommendation's label:
# letters, digits, hyphens and underscores only (Django's slug), as the model field says.
_SLUG = re.compile(r"[-a-zA-Z0-9_]+")


def is_usable_name(name: str) -> bool:
    return bool(_SLUG.fullmatch(name or "")) and len(name) <= 60


def name_problem(name: str) -> str:
    shown = ascii(name)[1:-1][:80]
    return (
        f"The rule-set name '{shown}' cannot be used: a name has only letters, digits, hyphens "
        "and underscores, with no spaces or invisible characters (for example asam3-default)."
    )


def _next_version(name: str) -> int:
    return (RuleSet.objects.filter(name=name).aggregate(v=Max("version"))["v"] or 0) + 1


def rule_set_resolve(*, spec: str) -> RuleSet:
    """``NAME@VERSION`` -> that version; ``NAME`` -> its published version (or, if none is
    published, its newest version). Raises RuleSet.DoesNotExist."""
    name, _, version = spec.partition("@")
    qs = RuleSet.objects.filter(name=name)
    if version:
        if not version.isdigit():
            raise RuleSet.DoesNotExist(f"'{version}' is not a version number")
        return qs.get(version=int(version))
    published = qs.filter(status=RuleSetStatus.PUBLISHED).first()
    if published is not None:
        return published
    latest = qs.order_by("-version").first()
    if latest is None:
        raise RuleSet.DoesNotExist(f"no rule set named '{name}'")
    return latest


@transaction.atomic
def rule_set_clone(*, rule_set: RuleSet, user, name: str | None = None) -> RuleSet:
    """A new draft version with the same rows as ``rule_set`` (and, for a variant, the same
    programs). ``name``: a new rule set instead (version 1), for ``rule_set_make_variant``."""
    data = rule_set_to_data(rule_set)
    name = name or rule_set.name
    draft = RuleSet.objects.create(
        name=name,
        edition=rule_set.edition,
        version=_next_version(name),
        status=RuleSetStatus.DRAFT,
        notes=rule_set.notes,
        primary_track=rule_set.primary_track,
        withdrawal_track=rule_set.withdrawal_track,
        adolescent_flag=rule_set.adolescent_flag,
        kept_variant=rule_set.kept_variant,
        ceiling_level=rule_set.ceiling_level,
        cloned_from=rule_set,
        created_by=user,
    )
    write_rule_set_rows(data, draft)
    if name == rule_set.name:
        draft.programs.set(rule_set.programs.all())
    return draft


def variant_programs_allowed(*, user, edition: str):
    """The programs ``user`` may make a variant for: those they administer (every program for
    a network rule administrator) whose assessments use ``edition``, now or after a switch."""

    programs = Program.objects.order_by("name")
    if not is_network_rule_admin(user):
        programs = programs.filter(pk__in=program_ids_for_user(user=user, roles=(Role.RULE_ADMIN,)))
    return [p for p in programs if str(edition) in p.editions]


@transaction.atomic
def rule_set_make_variant(*, rule_set: RuleSet, user, name: str, programs) -> RuleSet:
    """A program variant of ``rule_set`` (a network default, usually): a new rule set called
    ``name``, version 1, a draft with the same rows, for ``programs`` only. Refused
    (RuleSetWorkflowError) for a name that is not a slug or is taken, or for a program the user
    may not make a variant for."""
    if not is_usable_name(name):
        raise RuleSetWorkflowError(name_problem(name))
    if RuleSet.objects.filter(name=name).exists():
        raise RuleSetWorkflowError(f"A rule set called {name} exists already: choose another.")
    allowed = {p.pk for p in variant_programs_allowed(user=user, edition=rule_set.edition)}
    programs = list(programs)
    if not programs:
        raise RuleSetWorkflowError("Choose at least one program for the variant.")
    refused = [p.name for p in programs if p.pk not in allowed]
    if refused:
        raise RuleSetWorkflowError(
            f"You cannot make a variant for {', '.join(refused)}: a variant is for programs you "
            f"administer that use the {rule_set.edition_label}."
        )
    draft = rule_set_clone(rule_set=rule_set, user=user, name=name)
    draft.programs.set(programs)
    return draft


def rule_set_problems(*, rule_set: RuleSet) -> list[str]:
    """Structural problems of the rows (unknown codes, inverted ranges...), as sentences."""
    try:
        return problems(serialize.from_data(rule_set_to_data(rule_set), version=rule_set.version))
    except RuleSetError as exc:
        return exc.problems


def rule_set_verify(*, rule_set: RuleSet, user) -> tuple[list[str], Report | None]:
    """Check the rows, then totality and monotonicity over every profile and flag combination.
    A clean result stamps the set as verified for exactly its current content."""
    found = rule_set_problems(rule_set=rule_set)
    if found:
        _stamp(rule_set, user, ok=False, payload={"problems": found})
        return found, None
    report = verify(engine_rule_set(rule_set))
    _stamp(rule_set, user, ok=report.ok, payload=report.as_dict())
    return [], report


def _stamp(rule_set: RuleSet, user, *, ok: bool, payload: dict) -> None:
    if rule_set.status != RuleSetStatus.DRAFT:
        return  # published sets were verified when published; nothing to stamp
    rule_set.verification = {"ok": ok, **payload}
    if ok:
        rule_set.verified_at = timezone.now()
        rule_set.verified_by = user
        rule_set.verified_digest = content_digest(rule_set)
    else:
        rule_set.verified_at = None
        rule_set.verified_by = None
        rule_set.verified_digest = ""
    rule_set.save()


def rule_set_test_results(*, rule_set: RuleSet) -> list[CaseResult]:
    """Every test case of the version run against its current rows (empty when the rows do
    not compile; verification reports that)."""
    try:
        engine = engine_rule_set(rule_set)
    except RuleSetError:
        return []
    rows = rule_set.ruletestcases.order_by("order", "id")
    return run_cases(engine, cases_from_data([test_case_data(t) for t in rows]))


def rule_set_is_verified(*, rule_set: RuleSet) -> bool:
    """Verified, and not edited since."""
    return bool(
        rule_set.verified_at
        and rule_set.verification.get("ok")
        and rule_set.verified_digest == content_digest(rule_set)
    )


@transaction.atomic
def rule_set_publish(*, rule_set: RuleSet, user) -> RuleSet:
    """Publish a verified draft and retire the previously published version, in one
    transaction. Refused for anything but a draft verified in its current form."""
    rule_set = RuleSet.objects.select_for_update().get(pk=rule_set.pk)
    if rule_set.status != RuleSetStatus.DRAFT:
        raise RuleSetWorkflowError(f"{rule_set.label} is {rule_set.status}; only drafts publish.")
    if not is_usable_name(rule_set.name):
        raise RuleSetWorkflowError(name_problem(rule_set.name))
    refusal = publish_refusal(user=user, name=rule_set.name)
    if refusal:
        raise RuleSetPublishRefused(refusal)
    taken = (
        RuleSet.objects.filter(
            status=RuleSetStatus.PUBLISHED,
            edition=rule_set.edition,
            programs__in=rule_set.programs.all(),
        )
        .exclude(name=rule_set.name)
        .values_list("name", "programs__name")
    )
    if taken:
        other, program = taken[0]
        raise RuleSetWorkflowError(
            f"{program} already uses its variant {other}: a program has one set of rules per "
            "edition. Add your changes to that variant instead."
        )
    if not rule_set_is_verified(rule_set=rule_set):
        raise RuleSetWorkflowError(
            f"{rule_set.label} is not verified in its current form. Run Verify first; "
            "publishing needs a clean verification of exactly these rules."
        )
    failing = [r for r in rule_set_test_results(rule_set=rule_set) if not r.passed]
    if failing:
        names = "; ".join(f"{r.case.name} ({', '.join(r.problems)})" for r in failing[:3])
        raise RuleSetWorkflowError(
            f"{len(failing)} test case(s) of {rule_set.label} fail: {names}. Fix the rules or "
            "the cases; publishing needs every case to pass."
        )
    now = timezone.now()
    for old in RuleSet.objects.select_for_update().filter(
        name=rule_set.name, status=RuleSetStatus.PUBLISHED
    ):
        old.status = RuleSetStatus.RETIRED
        old.retired_at = now
        old.save()
    rule_set.status = RuleSetStatus.PUBLISHED
    rule_set.published_at = now
    rule_set.published_by = user
    rule_set.save()
    transaction.on_commit(clear_cache)
    return rule_set


def _located(problem: str, where: dict) -> str:
    """A problem about rule X, prefixed with the sheet and row it came from."""
    match = re.match(r"Rule ([^:]+):|rules\[\d+\] \(([^)]+)\)", problem)
    rule_id = match and (match.group(1) or match.group(2))
    if rule_id and rule_id in where:
        sheet, row = where[rule_id]
        return f"Sheet '{sheet}', row {row}: {problem}"
    return problem


def rule_set_export(*, rule_set: RuleSet, fmt: str = "yaml") -> str:
    return serialize.dumps(rule_set_to_data(rule_set), fmt)


@transaction.atomic
def rule_set_import(*, user, text: str = "", fmt: str | None = None, data=None) -> RuleSet:
    """A new draft from an exported file (``text``) or its already-read ``data`` (a
    spreadsheet). Raises RuleSetError listing every problem; on error nothing is written."""
    where = {}
    if data is None:
        data = serialize.loads(text, fmt)
    elif isinstance(data, dict):
        where = data.pop("_where", {})  # spreadsheet rows of each rule, for the messages
    if isinstance(data, dict) and isinstance(data.get("levels"), list):
        fill_levels(data)  # files written before levels carried an intensity
    name = data.get("name") if isinstance(data, dict) else None
    found = [] if name is None or is_usable_name(str(name)) else [name_problem(str(name))]
    try:
        engine = serialize.from_data(data)
        cases_from_data(data.get("tests"))  # shape problems of the test cases, before writing
        found += problems(engine)
    except RuleSetError as exc:
        found += exc.problems
    if found:
        raise RuleSetError([_located(p, where) for p in found])
    if not engine.name:
        raise RuleSetError(["The file gives no rule-set name."])
    draft = RuleSet.objects.create(
        name=engine.name,
        edition=engine.edition,
        version=_next_version(engine.name),
        status=RuleSetStatus.DRAFT,
        notes=data.get("notes") or "",
        release_notes=data.get("release_notes") or "",
        primary_track=engine.primary_track,
        withdrawal_track=engine.withdrawal_track,
        adolescent_flag=engine.adolescent_flag,
        kept_variant=engine.kept_variant,
        ceiling_level=engine.ceiling_level,
        created_by=user,
    )
    write_rule_set_rows(data, draft)
    return draft
