"""The intake wizard's steps and questions, from the rule set's question catalog (data tied to
the rule set's edition, not hard-coded in forms)."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby

from engine import Dimension, Question, RuleSet

SUBSTANCES = "substances"
SUMMARY = "summary"


@dataclass(frozen=True)
class Step:
    """A page of the wizard. A 3rd-edition dimension is rated on a page of its own
    (``dimension`` set); a 4th-edition dimension's page holds its subdimensions as ``parts``,
    each a Step with its own questions and rating."""

    code: str
    title: str
    dimension: Dimension | None
    questions: tuple[Question, ...]
    parts: tuple[Step, ...] = ()


def wizard_steps(rs: RuleSet) -> list[Step]:
    asked = [q for q in rs.questions if q.source == "clinician"]

    def questions(step: str) -> tuple[Question, ...]:
        return tuple(sorted((q for q in asked if q.step == step), key=lambda q: q.order))

    steps = [Step(SUBSTANCES, "Substances and diagnosis", None, questions(SUBSTANCES))]
    groups = {g.code: g for g in rs.groups}
    for code, dims in groupby(rs.dimensions, key=lambda d: d.group):
        units = [Step(d.code, f"{d.code}: {d.name}", d, questions(d.code)) for d in dims]
        if code not in groups:  # rated on a page of its own (3rd edition)
            steps.extend(units)
            continue
        # 4th edition: one page per dimension, its subdimensions rated together on it.
        title = f"Dimension {code}: {groups[code].name}"
        steps.append(Step(code, title, None, questions(code), tuple(units)))
    for g in rs.groups:
        if not g.rated:  # recorded, not rated (4th edition's Dimension 6)
            steps.append(Step(g.code, f"Dimension {g.code}: {g.name}", None, questions(g.code)))
    steps.append(Step(SUMMARY, "Summary", None, ()))
    return steps


def flat_steps(rs: RuleSet) -> list[Step]:
    """Every rated or recorded unit in order: pages, with a dimension page's subdimensions in
    place of the page itself."""
    out = []
    for s in wizard_steps(rs):
        out.extend(s.parts or (s,))
    return out


def step_codes(rs: RuleSet) -> list[str]:
    return [s.code for s in wizard_steps(rs)]


def get_step(rs: RuleSet, code: str) -> Step | None:
    """A page, or a subdimension on one."""
    for s in wizard_steps(rs):
        if s.code == code:
            return s
        for part in s.parts:
            if part.code == code:
                return part
    return None


def page_of(rs: RuleSet, code: str) -> Step | None:
    """The page a step code is on (the page itself for a page's own code)."""
    for s in wizard_steps(rs):
        if s.code == code or any(p.code == code for p in s.parts):
            return s
    return None


def display_answer(q: Question, value) -> str:
    """An answer as a clinician reads it."""
    if value is None or value == "":
        return "not answered"
    if q.type == "bool":
        return "yes" if value else "no"
    if q.type in ("choice", "multichoice"):
        labels = dict(q.choices)
        if isinstance(value, list | tuple):
            return ", ".join(labels.get(v, v) for v in value)
        return labels.get(value, value)
    return str(value)


# -- substances used (the first step's table; not rule-set questions) ----------------------------
SUBSTANCE_CHOICES = [
    ("alcohol", "Alcohol"),
    ("opioids_illicit", "Heroin or illicit fentanyl"),
    ("opioids_prescription", "Prescription opioids"),
    ("methamphetamine", "Methamphetamine or other amphetamines"),
    ("cocaine", "Cocaine or crack"),
    ("cannabis", "Cannabis"),
    ("sedatives", "Benzodiazepines or other sedatives"),
    ("hallucinogens", "Hallucinogens"),
    ("inhalants", "Inhalants"),
    ("nicotine", "Tobacco or nicotine"),
    ("other", "Other"),
]
ROUTE_CHOICES = [
    ("oral", "Oral"),
    ("smoked", "Smoked or vaped"),
    ("nasal", "Snorted"),
    ("injected", "Injected"),
    ("other", "Other"),
]
FREQUENCY_CHOICES = [
    ("daily", "Daily"),
    ("several_weekly", "Several times a week"),
    ("weekly", "About once a week"),
    ("less_than_weekly", "Less than weekly"),
]


def substance_rows(substances) -> list[dict]:
    """The substances table as people read it: labels, never the stored codes."""
    names, routes = dict(SUBSTANCE_CHOICES), dict(ROUTE_CHOICES)
    freq = dict(FREQUENCY_CHOICES)
    return [
        {
            "substance": names.get(s.get("substance"), s.get("substance", "")),
            "last_use": s.get("last_use", ""),
            "route": routes.get(s.get("route"), s.get("route", "")),
            "frequency": freq.get(s.get("frequency"), s.get("frequency", "")),
        }
        for s in substances or ()
    ]
