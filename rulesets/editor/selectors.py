"""Reads for the rule-set pages."""

from __future__ import annotations

import datetime
import json

from django.core.cache import cache
from django.http import Http404
from django.utils import timezone

from accounts.selectors import program_ids_for_user, programs_for_user
from engine import (
    DeterminationRule,
    FlagRule,
    ModifierRule,
    NeedRule,
    PlacementRule,
    RatingRule,
    RuleSetDiff,
    RuleSetError,
    Substitution,
    diff_rule_sets,
    rule_sentence,
    serialize,
)
from rulesets.impact import impact_counts
from rulesets.loader import engine_rule_set
from rulesets.models import RuleSet, RuleSetStatus
from rulesets.rows import rule_set_to_data
from rulesets.scope import programs_using_rule_set, rule_set_for
from rulesets.services.workflow import variant_programs_allowed

NOTICE_DAYS = 30


def rule_set_get(*, name: str, version: int) -> RuleSet:
    try:
        return RuleSet.objects.select_related("published_by").get(name=name, version=version)
    except RuleSet.DoesNotExist:
        raise Http404("No such rule set.") from None


def replaced_version(rule_set: RuleSet) -> RuleSet | None:
    """The version this one replaced: the newest earlier version that was ever published."""
    return (
        RuleSet.objects.filter(
            name=rule_set.name, version__lt=rule_set.version, published_at__isnull=False
        )
        .order_by("-version")
        .first()
    )


def rule_set_diff(old: RuleSet, new: RuleSet) -> RuleSetDiff:
    return diff_rule_sets(engine_rule_set(old), engine_rule_set(new))


def new_rules_notices(*, user) -> list[RuleSet]:
    """The rule sets the user's programs use today that were published in the last 30 days
    in place of an earlier version (the home page then says so in one line each). A program
    on its own variant hears nothing of a new network default, and the other way round."""

    since = timezone.now() - datetime.timedelta(days=NOTICE_DAYS)
    found: dict[int, RuleSet] = {}
    for program in programs_for_user(user=user):
        try:
            current = rule_set_for(program=program)
        except RuleSet.DoesNotExist:
            continue
        if current.published_at and current.published_at >= since:
            found.setdefault(current.pk, current)
    return [rs for rs in found.values() if replaced_version(rs) is not None]


def impact_for_user(*, user, old: RuleSet, new: RuleSet) -> dict:
    """How the stored assessments of the user's programs that use the rule set would be placed
    under ``new`` versus ``old``: counts only (cached for ten minutes)."""

    using = {p.pk for p in programs_using_rule_set(name=new.name)}
    program_ids = [pk for pk in program_ids_for_user(user=user) if pk in using]
    key = f"stepwise:impact:{old.pk}:{new.pk}:{','.join(map(str, program_ids))}"
    result = cache.get(key)
    if result is None:
        result = impact_counts(old=old, new=new, program_ids=program_ids)
        cache.set(key, result, 600)
    return result


# -- the version page --------------------------------------------------------------------------

TABLES = [
    ("placement", "treatment", "Treatment level"),
    ("placement", "withdrawal", "Withdrawal management"),
    ("need", None, "Needs: each code asks for a minimum level"),
    ("determination", None, "Determination: tried in this order, the first that holds decides"),
    ("substitution", None, "Substitutions (run in this order, after the levels)"),
    ("modifier", None, "Modifiers"),
    ("rating", None, "Rating rules: answers suggest a rating"),
    ("flag", None, "Flag rules: answers set a flag"),
]


def version_tables(rule_set: RuleSet, *, dimension: str = "", level: str = "", text: str = ""):
    """The version's rules as decision tables (one per track, then the other kinds), each row
    a sentence, filtered by the dimension it reads, the level it asks for, or text. Also the
    engine object (None when the rows do not compile) and the problems."""

    data = rule_set_to_data(rule_set)
    try:
        engine = serialize.from_data(data, version=rule_set.version)
    except RuleSetError:
        engine = None
    rows = []
    for item in data["rules"]:
        reader = serialize._Reader()
        when = [serialize.condition_from_data(c, item["id"], reader) for c in item["when"]]
        rule = _engine_rule(item, tuple(c for c in when if c is not None))
        rows.append(
            {
                "id": item["id"],
                "kind": item["kind"],
                "track": item.get("track", ""),
                "sentence": rule_sentence(rule, engine) if rule is not None else "",
                "text": item.get("text", ""),
                "note": item.get("note", ""),
                "reads": _reads(item),
                "levels": {item.get("level"), item.get("from_level"), item.get("to_level")},
            }
        )
    needle = text.strip().lower()

    def keep(row) -> bool:
        if dimension and dimension not in row["reads"]:
            return False
        if level and level not in row["levels"]:
            return False
        return not needle or any(
            needle in row[k].lower() for k in ("id", "text", "sentence", "note")
        )

    determines = any(r["kind"] == "need" for r in rows)
    tables = []
    for kind, track, title in TABLES:
        members = [r for r in rows if r["kind"] == kind and (track is None or r["track"] == track)]
        if track is None and kind == "placement":
            continue
        # A version decides either by placement rules per track or from needs, top down:
        # it shows the tables of its own way.
        if (kind == "placement" and determines) or (
            kind in ("need", "determination") and not determines
        ):
            continue
        tables.append(
            {
                "kind": kind,
                "track": track or "",
                "title": title,
                "rows": [r for r in members if keep(r)],
                "total": len(members),
            }
        )
    # Tracks other than the two named ones (a state's variant may add one).
    for t in {r["track"] for r in rows if r["kind"] == "placement"} - {"treatment", "withdrawal"}:
        members = [r for r in rows if r["kind"] == "placement" and r["track"] == t]
        tables.insert(
            2,
            {
                "kind": "placement",
                "track": t,
                "title": t.capitalize(),
                "rows": [r for r in members if keep(r)],
                "total": len(members),
            },
        )
    return tables, engine, data


def _engine_rule(item: dict, when: tuple):

    common = {"id": item["id"], "when": when, "text": item.get("text", "")}
    kind = item["kind"]
    if kind == "placement":
        return PlacementRule(track=item["track"], level=str(item["level"]), **common)
    if kind == "substitution":
        return Substitution(
            track=item["track"],
            from_level=str(item["from_level"]),
            to_level=str(item["to_level"]),
            **common,
        )
    if kind == "modifier":
        return ModifierRule(modifier=item["modifier"], **common)
    if kind == "rating":
        return RatingRule(dimension=item["dimension"], rating=item["rating"], **common)
    if kind == "flag":
        return FlagRule(flag=item["flag"], **common)
    if kind == "need":
        return NeedRule(level=item.get("level", ""), modifier=item.get("modifier", ""), **common)
    if kind == "determination":
        return DeterminationRule(level=str(item["level"]), **common)
    return None


def _reads(item: dict) -> set[str]:
    dims: set[str] = {str(item["dimension"])} if item.get("dimension") else set()

    def walk(cond):
        if "any_of" in cond:
            for c in cond["any_of"]:
                walk(c)
        elif "rating" in cond:
            dims.add(cond["rating"])
        elif "at_least" in cond:
            dims.update(cond["of"])

    for cond in item.get("when", []):
        walk(cond)
    return dims


# -- whose rules a set is ---------------------------------------------------------------------


def _same_key(item: dict) -> str:
    """What a rule does, without its name and words: its kind, its outcome and its conditions
    (in any order)."""
    outcome = {k: v for k, v in item.items() if k not in ("id", "text", "note", "when")}
    when = sorted(json.dumps(c, sort_keys=True, default=str) for c in item.get("when", []))
    return json.dumps([outcome, when], sort_keys=True, default=str)


def identical_rules(rule_set: RuleSet, rule_id: str) -> list[str]:
    """The other rules of the version that do exactly what ``rule_id`` does (same kind, track
    or dimension, outcome and conditions): a duplicate the editor warns about."""
    rules = rule_set_to_data(rule_set)["rules"]
    mine = next((r for r in rules if r["id"] == rule_id), None)
    if mine is None:
        return []
    key = _same_key(mine)
    return [r["id"] for r in rules if r["id"] != rule_id and _same_key(r) == key]


def variant_origin(rule_set: RuleSet) -> RuleSet | None:
    """The version of another rule set (the default) this variant was first cloned from."""
    seen = set()
    current = rule_set
    while current.cloned_from_id and current.pk not in seen:
        seen.add(current.pk)
        parent = RuleSet.objects.filter(pk=current.cloned_from_id).first()
        if parent is None:
            return None
        if parent.name != rule_set.name:
            return parent
        current = parent
    return None


def ownership(*, user, rule_set: RuleSet) -> dict:
    """What the version page says about whose rules these are: the programs using them, the
    programs a variant is for, the programs the user may make a variant for, and - for a
    variant - a newer version of the default it came from."""

    variant_programs = list(rule_set.programs.order_by("name"))
    is_default = rule_set.is_network_default
    choices = []
    if is_default and not rule_set.is_draft:
        choices = variant_programs_allowed(user=user, edition=rule_set.edition)
    newer = None
    origin = variant_origin(rule_set) if variant_programs else None
    if origin is not None:
        current = RuleSet.objects.filter(name=origin.name, status=RuleSetStatus.PUBLISHED).first()
        if current is not None and current.version > origin.version:
            newer = {"origin": origin, "current": current}
    return {
        "programs_using": programs_using_rule_set(name=rule_set.name),
        "is_default": is_default,
        "variant_programs": variant_programs,
        "variant_choices": choices,
        "suggested_variant_name": (
            f"{rule_set.name}-{choices[0].code}"[:60] if len(choices) == 1 else ""
        ),
        "newer_default": newer,
    }
