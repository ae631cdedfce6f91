"""Computing recommendations and submitting placements for review."""

from __future__ import annotations

import hashlib
import json

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from engine import evaluate
from intake.models import Assessment, AssessmentStatus
from intake.services import (
    IntakeError,
    assessment_suggestions,
    current_rules_for,
    engine_answers,
    missing_steps,
    unjustified_lower_ratings,
)
from placement.models import (
    DiscrepancyReason,
    Placement,
    PlacementStatus,
    Recommendation,
    ReviewAction,
    ReviewEvent,
    WorkKind,
)
from placement.services.work import work_add
from rulesets.loader import engine_rule_set


def _digest(label: str, ratings: dict, flags: dict, answers: dict) -> str:
    text = json.dumps([label, ratings, flags, answers], sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def recommendation_inputs(assessment: Assessment) -> dict:
    """What a recommendation would be computed from right now."""
    rs = engine_rule_set(assessment.rule_set)
    answers = engine_answers(assessment)
    suggested, flags, rating_reasons = assessment_suggestions(assessment=assessment)
    ratings = {d.code: assessment.confirmed_ratings.get(d.code) for d in rs.dimensions}
    return {
        "rs": rs,
        "answers": answers,
        "suggested": suggested,
        "flags": flags,
        "rating_reasons": rating_reasons,
        "ratings": ratings,
        "digest": _digest(rs.label, ratings, flags, answers),
    }


def recommendation_is_current(recommendation: Recommendation | None, assessment) -> bool:
    if recommendation is None:
        return False
    return recommendation.input_digest == recommendation_inputs(assessment)["digest"]


@transaction.atomic
def recommendation_compute(*, assessment: Assessment, user) -> Recommendation:
    """The Recommendation for the assessment as it stands (an existing one when nothing
    changed since). Refused while steps are missing or a lower rating lacks a justification."""
    assessment = (
        Assessment.objects.select_for_update().select_related("patient").get(pk=assessment.pk)
    )
    newer = current_rules_for(assessment)
    if newer is not None:
        assessment.rule_set = newer
        assessment.suggested_ratings = assessment_suggestions(assessment=assessment)[0]
        assessment.save(update_fields=["rule_set", "suggested_ratings", "updated_at"])
    missing = missing_steps(assessment)
    if missing:
        raise IntakeError("Finish these steps first: " + ", ".join(missing) + ".")
    inputs = recommendation_inputs(assessment)
    unjustified = unjustified_lower_ratings(assessment, inputs["suggested"])
    if unjustified:
        raise IntakeError(
            "These ratings are lower than the current suggestion and need a justification: "
            + ", ".join(unjustified)
            + "."
        )
    latest = assessment.recommendations.first()
    if latest is not None and latest.input_digest == inputs["digest"]:
        return latest
    decision = evaluate(inputs["rs"], inputs["ratings"], inputs["flags"])
    level = decision.level
    if level is None:  # never for a published set: verification proves every profile a level
        raise IntakeError("The rules in force give no level for these ratings.")
    return Recommendation.objects.create(
        assessment=assessment,
        rule_set=assessment.rule_set,
        rule_set_label=inputs["rs"].label,
        ratings=inputs["ratings"],
        flags=inputs["flags"],
        answers=inputs["answers"],
        suggested_ratings=inputs["suggested"],
        rating_reasons=[r.as_dict() for r in inputs["rating_reasons"]],
        level=level,
        withdrawal_level=decision.withdrawal_level or "",
        modifiers=list(decision.modifiers),
        reasons=[r.as_dict() for r in decision.reasons],
        input_digest=inputs["digest"],
        created_by=user,
    )


@transaction.atomic
def assessment_save_decision(*, assessment: Assessment, user, decision: dict) -> None:
    """Keep the clinician's draft decision (levels, reason, note) without submitting."""
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if not assessment.editable:
        raise IntakeError("This assessment was submitted and can no longer be changed.")
    assessment.decision = decision
    assessment.touched_by(user)
    assessment.version += 1
    assessment.save()


@transaction.atomic
def placement_submit(*, assessment: Assessment, user, decision: dict) -> Placement:
    """Submit the clinician's decision on the current recommendation for supervisor review.
    The assessment becomes read-only to the clinician; supervisors are notified after commit."""

    assessment = (
        Assessment.objects.select_for_update().select_related("patient").get(pk=assessment.pk)
    )
    if not assessment.editable:
        raise IntakeError("This assessment was already submitted.")
    recommendation = assessment.recommendations.first()
    if recommendation is None or not recommendation_is_current(recommendation, assessment):
        raise IntakeError(
            "The assessment changed after the recommendation was computed. Review the "
            "summary and compute the recommendation again before submitting."
        )
    rs = engine_rule_set(assessment.rule_set)
    provided = decision["provided_level"]
    provided_wm = decision.get("provided_withdrawal_level") or recommendation.withdrawal_level
    differs = provided != recommendation.level or provided_wm != recommendation.withdrawal_level
    reason = decision.get("discrepancy_reason") or DiscrepancyReason.NOT_APPLICABLE
    if differs and reason == DiscrepancyReason.NOT_APPLICABLE:
        raise IntakeError("Give the reason the provided level differs from the indicated one.")
    if not differs:
        reason = DiscrepancyReason.NOT_APPLICABLE
    rounds = assessment.placements.aggregate(n=Max("round"))["n"] or 0
    first = assessment.placements.filter(round=1).values_list("number", "pk").first()
    placement = Placement.objects.create(
        assessment=assessment,
        program=assessment.patient.program,
        recommendation=recommendation,
        number=(first[0] or first[1]) if first else None,
        round=rounds + 1,
        status=PlacementStatus.SUBMITTED,
        indicated_level=recommendation.level,
        indicated_withdrawal_level=recommendation.withdrawal_level,
        indicated_intensity=rs.level(recommendation.level).care_intensity,
        edition=rs.edition,
        emergency=recommendation.emergency,
        provided_level=provided,
        provided_withdrawal_level=provided_wm,
        discrepancy=differs,
        discrepancy_reason=reason,
        discrepancy_text=decision.get("discrepancy_text", "") if differs else "",
        authorized_level=decision.get("authorized_level", ""),
        clinician_note=decision.get("clinician_note", ""),
        submitted_by=user,
        submitted_at=timezone.now(),
    )
    if placement.number is None:
        Placement.objects.filter(pk=placement.pk).update(number=placement.pk)
        placement.number = placement.pk
    ReviewEvent.objects.create(
        placement=placement,
        action=ReviewAction.SUBMITTED,
        actor=user,
        comment="Resubmitted after revision" if rounds else "",
    )
    assessment.status = AssessmentStatus.SUBMITTED
    assessment.decision = decision
    assessment.touched_by(user)
    assessment.version += 1
    assessment.save()
    work_add(placement=placement, kind=WorkKind.NOTIFY_SUPERVISORS)
    return placement
