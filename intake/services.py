"""Intake writes: registering patients, starting assessments, saving wizard steps."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.editions import edition_name
from engine import carry_over, suggest_ratings

from . import ports
from .catalog import SUMMARY, step_codes, wizard_steps
from .models import Assessment, AssessmentKind, Patient
from .selectors import previous_assessment


class IntakeError(Exception):
    """A request that cannot be carried out; the message says why in plain words."""


@dataclass
class ConcurrentEditError(IntakeError):
    by: str
    at: datetime.datetime

    def __str__(self) -> str:
        when = timezone.localtime(self.at).strftime("%H:%M")
        return (
            f"{self.by} saved this assessment at {when}, after you opened this page. Your "
            "changes were not saved so as not to overwrite theirs. Reload the step to see the "
            "current answers, then make your changes again."
        )


def patient_register(*, user, program, data: dict) -> Patient:
    try:
        with transaction.atomic():
            return Patient.objects.create(program=program, created_by=user, **data)
    except IntegrityError:
        raise IntakeError(
            f"Medical record number {data.get('mrn')} is already used in {program.name}."
        ) from None


def current_rule_set(program=None, on=None):
    """The published rule set of new assessments dated ``on`` (today): the program's variant
    of the edition in force for that date, or that edition's network default (without a
    program, the configured default)."""
    return ports.rule_sets().for_new_assessment(program=program, on=on)


@transaction.atomic
def assessment_start(*, user, patient: Patient, kind: str, assessment_date) -> Assessment:
    """A new draft. A continued-stay review (or transfer/discharge) starts from the answers
    of the patient's previous assessment."""
    previous = None
    answers: dict = {}
    substances: list = []
    if kind != AssessmentKind.INITIAL:
        previous = previous_assessment(patient=patient)
        if previous is not None:
            answers = dict(previous.answers)
            substances = list(previous.substances)
    assessment = Assessment.objects.create(
        patient=patient,
        kind=kind,
        assessment_date=assessment_date,
        rule_set=current_rule_set(patient.program, on=assessment_date),
        previous=previous,
        answers=answers,
        substances=substances,
        created_by=user,
        updated_by=user,
        contributors=[user.pk],
    )
    # A new assessment is the review under way: the patient no longer shows as due.
    Patient.objects.filter(pk=patient.pk).update(review_due=None, review_placement_id=None)
    if answers:
        suggested, _, _ = suggest_ratings(
            ports.compiled(assessment.rule_set), engine_answers(assessment)
        )
        assessment.suggested_ratings = suggested
        assessment.save(update_fields=["suggested_ratings"])
    return assessment


def current_rules_for(assessment: Assessment):
    """The published version an unsubmitted assessment moves to at its next save, when the
    version it was started under has since been retired; None when it stays where it is."""
    return ports.rule_sets().for_draft(assessment)


def engine_answers(assessment: Assessment, override: dict | None = None) -> dict:
    """The answers the rating rules see: the saved ones, ``override`` on top, and the answers
    that come from the record (birth date, assessment date)."""
    answers = {**assessment.answers, **(override or {})}
    answers = {k: v for k, v in answers.items() if v is not None}
    answers["date_of_birth"] = assessment.patient.date_of_birth.isoformat()
    answers["assessment_date"] = assessment.assessment_date.isoformat()
    rs = ports.compiled(assessment.rule_set)
    known = {q.code for q in rs.questions}
    return {k: v for k, v in answers.items() if k in known}


def assessment_suggestions(*, assessment: Assessment, override: dict | None = None):
    """Suggested ratings, flags and the rules behind them, without saving anything."""
    return suggest_ratings(
        ports.compiled(assessment.rule_set), engine_answers(assessment, override)
    )


def next_step(assessment: Assessment, step: str) -> str:
    codes = step_codes(ports.compiled(assessment.rule_set))
    i = codes.index(step)
    return codes[min(i + 1, len(codes) - 1)]


def previous_step(assessment: Assessment, step: str) -> str:
    codes = step_codes(ports.compiled(assessment.rule_set))
    return codes[max(codes.index(step) - 1, 0)]


def assessment_save_step(
    *,
    user,
    assessment_id: int,
    version: int,
    step: str,
    answers: dict,
    notes: str = "",
    rating=None,
    justification: str = "",
    substances: list | None = None,
    complete: bool = True,
    go_to: str | None = None,
) -> Assessment:
    """Save one step. Refused (ConcurrentEditError) when someone saved the assessment after
    ``version`` was read; refused (IntakeError) when it is no longer editable.
    ``complete`` marks the step done; ``go_to`` is where the clinician goes next."""
    part = {
        "step": step,
        "answers": answers,
        "notes": notes,
        "rating": rating,
        "justification": justification,
    }
    return assessment_save_page(
        user=user,
        assessment_id=assessment_id,
        version=version,
        page=step,
        parts=[part],
        substances=substances,
        complete=complete,
        go_to=go_to,
    )


@transaction.atomic
def assessment_save_page(
    *,
    user,
    assessment_id: int,
    version: int,
    page: str,
    parts: list[dict],
    substances: list | None = None,
    complete: bool = True,
    go_to: str | None = None,
) -> Assessment:
    """Save one page of the wizard: each part (a step code with its answers, notes, rating and
    justification) at once, all or nothing. A 3rd-edition page has one part; a 4th-edition
    dimension page has one per subdimension."""
    assessment = (
        Assessment.objects.select_for_update().select_related("patient").get(pk=assessment_id)
    )
    if not assessment.editable:
        raise IntakeError("This assessment was submitted and can no longer be changed.")
    if assessment.version != version:
        by = assessment.updated_by.get_full_name() or assessment.updated_by.get_username()
        raise ConcurrentEditError(by=by, at=assessment.updated_at)
    newer = current_rules_for(assessment)
    merged, notes = dict(assessment.answers), dict(assessment.notes)
    for part in parts:
        merged.update(part["answers"])
        notes[part["step"]] = part.get("notes", "")
    merged = {k: v for k, v in merged.items() if v is not None}
    done_now = {page, *(p["step"] for p in parts)} if complete else set()
    notices = {k: v for k, v in assessment.notices.items() if k not in done_now}
    if newer is not None:
        # Started under a version since retired: from this save on, the current one applies
        # (submitted and signed work keeps the version it was made with). Answers that
        # change meaning move as the new version says; their steps are to be done again.
        assessment.moved_from_label = assessment.rule_set.label
        assessment.rule_set = newer
        merged, asks = carry_over(ports.compiled(newer), merged)
        for ask in asks:
            notices.setdefault(ask.step, []).append(ask.text)
        assessment.completed_steps = [
            s for s in assessment.completed_steps if s not in {a.step for a in asks}
        ]
        assessment.moved_asks = asks
    assessment.notices = notices
    assessment.answers = merged
    assessment.notes = {k: v for k, v in notes.items() if v.strip()}
    if substances is not None:
        assessment.substances = substances
    suggested, _, _ = assessment_suggestions(assessment=assessment)
    assessment.suggested_ratings = suggested
    for part in parts:
        step, rating = part["step"], part.get("rating")
        if rating is None or rating == "":
            continue  # not rated yet: an earlier confirmed rating, if any, stays
        justification = part.get("justification", "")
        assessment.confirmed_ratings = {**assessment.confirmed_ratings, step: rating}
        if justification.strip():
            assessment.justifications = {**assessment.justifications, step: justification}
        else:
            assessment.justifications = {
                k: v for k, v in assessment.justifications.items() if k != step
            }
    asked = {a.step for a in assessment.moved_asks}
    if complete:
        done = [c for c in (page, *(p["step"] for p in parts)) if c not in asked]
        assessment.completed_steps = [
            *assessment.completed_steps,
            *(c for c in dict.fromkeys(done) if c not in assessment.completed_steps),
        ]
    assessment.current_step = go_to or page
    assessment.version += 1
    assessment.touched_by(user)
    assessment.save()
    return assessment


def moved_notice(assessment: Assessment) -> str:
    """What to tell the clinician after a save moved the assessment to newer rules."""
    old = assessment.moved_from_label
    if not old:
        return ""
    text = (
        f"This assessment now uses the rule set {assessment.rule_set.label} (it was started "
        f"under {old}, which no longer applies). The suggested ratings were worked out again "
        "with the new rules: review them before computing the recommendation."
    )
    asks = assessment.moved_asks
    if asks:
        steps = ", ".join(dict.fromkeys(a.step for a in asks))
        text += f" Some answers changed meaning: see step {steps}, which needs an answer again."
    return text


def edition_note(assessment: Assessment, today=None) -> str:
    """What a draft says when its program has switched editions since it was started: it keeps
    the edition it was started in ("" when nothing to say)."""

    program = assessment.patient.program
    today = today or timezone.localdate()
    now = program.edition_on(today)
    if not assessment.editable or str(assessment.rule_set.edition) == now:
        return ""
    started = edition_name(assessment.rule_set.edition)
    when = program.switch_on.strftime("%-d %B %Y") if program.switch_on else "its switch"
    return (
        f"This draft uses the {started}: it was started before {program.name} moved to the "
        f"{edition_name(now)} on {when}. A draft keeps the edition it was started in; new "
        "assessments use the new one."
    )


def missing_steps(assessment: Assessment) -> list[str]:
    """Steps (before the summary) not yet completed."""
    codes = step_codes(ports.compiled(assessment.rule_set))
    return [c for c in codes if c != SUMMARY and c not in assessment.completed_steps]


def still_needed(assessment: Assessment) -> list[tuple[str, str, list[str]]]:
    """Each step not yet completed, as (code, title, what it still needs in words): the
    required answers not given and the ratings not chosen; an empty list when everything was
    entered (a step saved from the emergency banner) and the step is only to be confirmed."""
    out = []
    for page in wizard_steps(ports.compiled(assessment.rule_set)):
        if page.code == SUMMARY or page.code in assessment.completed_steps:
            continue
        needs: list[str] = []
        for unit in (page, *page.parts):
            if unit.code in assessment.completed_steps:
                continue
            needs.extend(
                q.label
                for q in unit.questions
                if q.required and assessment.answers.get(q.code) in (None, "", [])
            )
            if unit.dimension is not None and unit.code not in assessment.confirmed_ratings:
                needs.append(f"the rating of {unit.dimension.code} ({unit.dimension.name})")
        out.append((page.code, page.title, needs))
    return out


def unjustified_lower_ratings(assessment: Assessment, suggested: dict) -> list[str]:
    """Dimensions confirmed lower than their current suggestion without a justification."""
    rs = ports.compiled(assessment.rule_set)
    out = []
    for d in rs.dimensions:
        confirmed = assessment.confirmed_ratings.get(d.code)
        if confirmed is None or d.code not in suggested:
            continue
        if d.position(confirmed) < d.position(suggested[d.code]) and not (
            assessment.justifications.get(d.code, "").strip()
        ):
            out.append(d.code)
    return out
