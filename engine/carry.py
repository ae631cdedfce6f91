"""Moving an unsubmitted assessment's answers to a newer version of its rule set.

Most answers keep their meaning from one version to the next. Those that do not are listed in
the newer version's ``carry_over`` (data, shipped with the version and shown in its release
notes): an answer ``question = value`` becomes other answers, and a question may have to be
asked again. An answer the newer version cannot take (a choice it no longer offers, a number
outside its range) is removed, and its question asked again; answers to questions it does not
ask are kept as they were (they decide nothing). Pure: answers in; answers, and the questions
to ask again, out."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .errors import InputError
from .model import RuleSet
from .suggest import suggester


@dataclass(frozen=True)
class AskAgain:
    question: str  # its code
    step: str  # the intake step that asks it
    text: str  # why, in plain words


def carry_over(
    rule_set: RuleSet, answers: Mapping[str, Any]
) -> tuple[dict[str, Any], list[AskAgain]]:
    """``answers`` (as stored: JSON values) as ``rule_set`` reads them, and the questions
    that must be answered again, in the order found."""
    out = dict(answers)
    asks: list[AskAgain] = []
    questions = {q.code: q for q in rule_set.questions}

    def ask(code: str, text: str) -> None:
        q = questions.get(code)
        if q is not None and all(a.question != code for a in asks):
            asks.append(AskAgain(code, q.step, text))

    for rule in rule_set.carry_over:
        if out.get(rule.question) == rule.value:
            for code, value in rule.answers:
                if value is None:
                    out.pop(code, None)
                else:
                    out[code] = value
            if rule.ask:
                ask(rule.ask, rule.text)
    cleaners = suggester(rule_set).cleaners
    for code in list(out):
        value = out[code]
        cleaner = cleaners.get(code)
        if cleaner is None or value is None or value == "" or value == []:
            continue  # answers the version does not ask about are left as they were
        try:
            cleaner(value)
        except InputError:
            del out[code]
            label = questions[code].label
            ask(
                code,
                f"The earlier answer to '{label}' is not offered by these rules: answer it again.",
            )
    return out, asks
