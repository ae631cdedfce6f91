"""Test cases of a rule set: an input (ratings and flags, or intake answers) and what the
rule set must decide for it (treatment level, and optionally the withdrawal level and the exact
set of modifiers). A version's cases run on every save in the editor; publishing is refused
while any fails. Pure data in, results out."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .engine import evaluate, suggest_ratings, validate_input
from .errors import InputError, RuleSetError
from .model import RuleSet

MAX_CASES = 500
MAX_LEVEL = 20  # the longest level code a test case may expect (the stored column's size)
MAX_VALUE_TEXT = 2_000


def _plain_problem(value: Any, depth: int = 0) -> str:
    """Why ``value`` is not a plain answer, rating or flag value ("" when it is): text,
    whole numbers, decimals, yes/no, empty, or a short flat list of those - never a date, binary
    data or a nested structure (they cannot be stored or compared)."""
    if value is None or isinstance(value, bool | int):
        return ""
    if isinstance(value, float):
        return "" if value == value and abs(value) != float("inf") else "is not a usable number"
    if isinstance(value, str):
        return "" if len(value) <= MAX_VALUE_TEXT else "is too long"
    if isinstance(value, list) and depth == 0 and len(value) <= 100:
        return next((p for p in (_plain_problem(v, 1) for v in value) if p), "")
    return f"has the wrong type ({type(value).__name__}: a date, binary data or a structure)"


@dataclass(frozen=True)
class TestCase:
    __test__ = False  # not a pytest class

    name: str
    ratings: dict[str, Any] | None = None  # dimension -> rating; None when the answers give them
    answers: dict[str, Any] | None = None
    flags: dict[str, Any] = field(default_factory=dict)
    expect_level: str = ""
    expect_withdrawal_level: str = ""  # empty: not checked
    expect_modifiers: tuple[str, ...] | None = None  # None: not checked
    # How the treatment level is compared: exactly, or at least / at most as intensive.
    expect_compare: str = "exact"

    def as_data(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name}
        if self.ratings is not None:
            out["ratings"] = dict(self.ratings)
        if self.answers is not None:
            out["answers"] = dict(self.answers)
        if self.flags:
            out["flags"] = dict(self.flags)
        expect: dict[str, Any] = {"level": self.expect_level}
        if self.expect_compare != "exact":
            expect["compare"] = self.expect_compare
        if self.expect_withdrawal_level:
            expect["withdrawal_level"] = self.expect_withdrawal_level
        if self.expect_modifiers is not None:
            expect["modifiers"] = list(self.expect_modifiers)
        out["expect"] = expect
        return out


@dataclass(frozen=True)
class CaseResult:
    case: TestCase
    passed: bool
    level: str | None = None
    withdrawal_level: str | None = None
    modifiers: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()  # what differed, or why the case could not run
    deciding: tuple[str, ...] = ()  # the rules that decided (ids), to point at


def cases_from_data(items: Any) -> list[TestCase]:
    """Test cases from plain data; RuleSetError listing every problem in words."""
    if items is None:
        return []
    problems: list[str] = []
    if not isinstance(items, list):
        raise RuleSetError(["tests: expected a list of test cases."])
    if len(items) > MAX_CASES:
        raise RuleSetError([f"tests: more than {MAX_CASES} test cases."])
    out = []
    for i, item in enumerate(items):
        where = f"tests[{i}]"
        if not isinstance(item, dict):
            problems.append(f"{where}: a test case must be a mapping.")
            continue
        name = item.get("name")
        if not isinstance(name, str) or not name.strip() or len(name) > 200:
            problems.append(f"{where}: 'name' must be text of 1-200 characters.")
            continue
        where = f"{where} ({name})"
        ratings, answers = item.get("ratings"), item.get("answers")
        if ratings is None and answers is None:
            problems.append(f"{where}: give 'ratings' or 'answers'.")
            continue
        bad = False
        for key, value in (
            ("ratings", ratings),
            ("answers", answers),
            ("flags", item.get("flags")),
        ):
            if value is None:
                continue
            if not isinstance(value, dict):
                problems.append(f"{where}: '{key}' must be a mapping.")
                bad = True
                continue
            for k, v in value.items():
                problem = (
                    "must be text" if not isinstance(k, str) or len(k) > 60 else _plain_problem(v)
                )
                if key == "flags" and not problem and not isinstance(v, bool):
                    problem = "must be true or false"
                if problem:
                    problems.append(f"{where}: {key} '{str(k)[:60]}' {problem}.")
                    bad = True
        expect = item.get("expect")
        level = expect.get("level") if isinstance(expect, dict) else None
        if (
            not isinstance(expect, dict)
            or isinstance(level, bool)
            or not isinstance(level, str | int | float)
        ):
            problems.append(f"{where}: 'expect' must give at least a 'level'.")
            continue
        withdrawal = expect.get("withdrawal_level")
        for key, value in (("level", level), ("withdrawal_level", withdrawal)):
            if value is not None and (
                isinstance(value, bool)
                or not isinstance(value, str | int | float)
                or len(str(value)) > MAX_LEVEL
            ):
                problems.append(
                    f"{where}: 'expect.{key}' must be a level code of at most {MAX_LEVEL} "
                    "characters."
                )
                bad = True
        if bad:
            continue
        compare = expect.get("compare", "exact")
        if compare not in COMPARES:
            problems.append(
                f"{where}: 'expect.compare' must be one of {', '.join(COMPARES)} (or left out)."
            )
            continue
        modifiers = expect.get("modifiers")
        if modifiers is not None and not (
            isinstance(modifiers, list)
            and len(modifiers) <= 50
            and all(isinstance(m, str) and len(m) <= 20 for m in modifiers)
        ):
            problems.append(f"{where}: 'expect.modifiers' must be a list of modifier codes.")
            continue
        out.append(
            TestCase(
                name=name.strip(),
                ratings=ratings if isinstance(ratings, dict) else None,
                answers=answers if isinstance(answers, dict) else None,
                flags=dict(item["flags"]) if isinstance(item.get("flags"), dict) else {},
                expect_level=str(expect["level"]),
                expect_withdrawal_level=str(expect.get("withdrawal_level") or ""),
                expect_modifiers=tuple(modifiers) if modifiers is not None else None,
                expect_compare=compare,
            )
        )
    if problems:
        raise RuleSetError(problems)
    return out


COMPARES = ("exact", "at least", "at most")


def _level_as_expected(rs: RuleSet, level: str | None, case: TestCase) -> bool:
    """The treatment level against the expectation: the same code, or (at least / at most) a
    level at least or at most as intensive on the track's own order."""
    if case.expect_compare == "exact" or level is None:
        return level == case.expect_level
    try:
        got, want = rs.level(level).rank, rs.level(case.expect_level).rank
    except KeyError:  # an expected level this set does not have
        return False
    return got >= want if case.expect_compare == "at least" else got <= want


def run_case(rs: RuleSet, case: TestCase) -> CaseResult:
    try:
        flags: dict[str, Any] = {}
        ratings = case.ratings
        if case.answers is not None:
            suggested, flags, _ = suggest_ratings(rs, case.answers)
            if ratings is None:
                ratings = suggested
        flags = {**flags, **case.flags}
        validate_input(rs, ratings, flags)
        decision = evaluate(rs, ratings or {}, flags)
    except InputError as exc:
        return CaseResult(case, False, problems=(f"The input cannot be used: {exc}",))
    problems = []
    if not _level_as_expected(rs, decision.level, case):
        how = "" if case.expect_compare == "exact" else f"{case.expect_compare} "
        problems.append(f"treatment level is {decision.level}, expected {how}{case.expect_level}")
    wm = decision.withdrawal_level or ""
    if case.expect_withdrawal_level and wm != case.expect_withdrawal_level:
        problems.append(
            f"withdrawal management is {wm or 'none'}, expected {case.expect_withdrawal_level}"
        )
    if case.expect_modifiers is not None and set(decision.modifiers) != set(case.expect_modifiers):
        got = ", ".join(decision.modifiers) or "none"
        want = ", ".join(case.expect_modifiers) or "none"
        problems.append(f"modifiers are {got}, expected {want}")
    return CaseResult(
        case,
        not problems,
        decision.level,
        decision.withdrawal_level,
        decision.modifiers,
        tuple(problems),
        tuple(r.rule_id for r in decision.reasons if r.deciding),
    )


def run_cases(rs: RuleSet, cases: Any) -> list[CaseResult]:
    return [run_case(rs, c) for c in cases]
