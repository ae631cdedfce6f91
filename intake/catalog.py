"""The intake wizard's steps and questions, from the rule set's question catalog (data tied to
the rule set's edition, not hard-coded in forms)."""

from __future__ import annotations

from dataclasses import dataclass

from placement.rules.model import Dimension, Question, RuleSet

SUBSTANCES = "substances"
SUMMARY = "summary"


@dataclass(frozen=True)
class Step:
    code: str
    title: str
    dimension: Dimension | None
    questions: tuple[Question, ...]


def wizard_steps(rs: RuleSet) -> list[Step]:
    asked = [q for q in rs.questions if q.source == "clinician"]

    def questions(step: str) -> tuple[Question, ...]:
        return tuple(sorted((q for q in asked if q.step == step), key=lambda q: q.order))

    steps = [Step(SUBSTANCES, "Substances and diagnosis", None, questions(SUBSTANCES))]
    for d in rs.dimensions:
        steps.append(Step(d.code, f"{d.code}: {d.name}", d, questions(d.code)))
    steps.append(Step(SUMMARY, "Summary", None, ()))
    return steps


def step_codes(rs: RuleSet) -> list[str]:
    return [s.code for s in wizard_steps(rs)]


def get_step(rs: RuleSet, code: str) -> Step | None:
    for s in wizard_steps(rs):
        if s.code == code:
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
