"""Supervisor review: claim, release, return, approve (sign), override (and sign).

A claim is a conditional update (``filter(status=SUBMITTED).update(...)``) whose row count says
who won; only the claimer can decide; deciding locks the row and the Signature's one-to-one
constraint guarantees one signature per placement whatever happens concurrently. Signed
placements are immutable (the model refuses to save them)."""

from __future__ import annotations

import datetime
from datetime import timedelta

from auditlog.models import LogEntry
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.roles import Role
from intake.models import AssessmentStatus, Patient
from placement.models import (
    Placement,
    PlacementStatus,
    ReviewAction,
    ReviewEvent,
    Signature,
    WorkKind,
)
from placement.selectors import supervised_program_ids
from rulesets.loader import engine_rule_set

from .work import work_add


class ReviewError(Exception):
    """The action is not possible now; the message says why in plain words."""


class ClaimConflict(ReviewError):
    pass


def _display(user) -> str:
    return user.get_full_name() or user.get_username()


def _log(placement: Placement, user, changes: dict) -> None:
    # QuerySet.update() bypasses auditlog's signals: record the change explicitly, before and
    # after, as auditlog would.
    LogEntry.objects.log_create(
        placement,
        force_log=True,
        action=LogEntry.Action.UPDATE,
        changes={
            k: [str(a) if a is not None else "None", str(b) if b is not None else "None"]
            for k, (a, b) in changes.items()
        },
        actor=user,
    )


def authored_by(placement: Placement, user) -> bool:
    """Separation of duties: whoever submitted the placement or wrote any step or decision of
    its assessment may not review or sign it."""
    if placement.submitted_by_id == user.pk:
        return True
    contributors = (
        type(placement.assessment)
        .objects.filter(pk=placement.assessment_id)
        .values_list("contributors", flat=True)
        .first()
    )
    return user.pk in (contributors or [])


AUTHOR_REFUSAL = (
    "You wrote part of this assessment or its decision; another supervisor must review it."
)


def review_claim(*, placement_id: int, user) -> Placement:
    now = timezone.now()
    candidate = Placement.objects.filter(pk=placement_id).first()
    if candidate is not None and authored_by(candidate, user):
        raise ReviewError(AUTHOR_REFUSAL)
    claimed = (
        Placement.objects.filter(
            pk=placement_id,
            status=PlacementStatus.SUBMITTED,
            program_id__in=supervised_program_ids(user),
        )
        .exclude(submitted_by=user)
        .update(status=PlacementStatus.IN_REVIEW, reviewer=user, claimed_at=now)
    )
    placement = Placement.objects.select_related("reviewer").get(pk=placement_id)
    if not claimed:
        if placement.status == PlacementStatus.IN_REVIEW:
            if placement.reviewer_id == user.pk:
                return placement
            raise ClaimConflict(
                f"{_display(placement.reviewer)} claimed this placement "
                f"at {timezone.localtime(placement.claimed_at):%H:%M}; they are reviewing it."
            )
        raise ReviewError(f"This placement is {placement.get_status_display().lower()}.")
    ReviewEvent.objects.create(placement=placement, action=ReviewAction.CLAIMED, actor=user)
    _log(
        placement,
        user,
        {
            "status": (PlacementStatus.SUBMITTED.value, PlacementStatus.IN_REVIEW.value),
            "reviewer": (None, user.get_username()),
            "claimed_at": (None, now.isoformat()),
        },
    )
    return placement


def review_release(*, placement_id: int, user) -> Placement:
    before = Placement.objects.filter(pk=placement_id).values_list("claimed_at", flat=True).first()
    released = Placement.objects.filter(
        pk=placement_id, status=PlacementStatus.IN_REVIEW, reviewer=user
    ).update(status=PlacementStatus.SUBMITTED, reviewer=None, claimed_at=None)
    placement = Placement.objects.get(pk=placement_id)
    if not released:
        raise ReviewError("Only the supervisor who claimed a placement can release it.")
    ReviewEvent.objects.create(placement=placement, action=ReviewAction.RELEASED, actor=user)
    _log(
        placement,
        user,
        {
            "status": (PlacementStatus.IN_REVIEW.value, PlacementStatus.SUBMITTED.value),
            "reviewer": (user.get_username(), None),
            "claimed_at": (before.isoformat() if before else None, None),
        },
    )
    return placement


def _locked_for_decision(placement_id: int, user) -> Placement:
    placement = (
        Placement.objects.select_for_update()
        .select_related("assessment", "recommendation__rule_set")
        .get(pk=placement_id)
    )
    if placement.status == PlacementStatus.SIGNED:
        raise ReviewError("This placement is already signed.")
    if placement.status != PlacementStatus.IN_REVIEW or placement.reviewer_id != user.pk:
        raise ReviewError("Claim the placement before deciding on it.")
    if authored_by(placement, user):
        raise ReviewError(AUTHOR_REFUSAL)
    return placement


@transaction.atomic
def review_return(*, placement_id: int, user, comment: str) -> Placement:
    if not comment.strip():
        raise ReviewError("A return needs a comment for the clinician.")
    placement = _locked_for_decision(placement_id, user)
    placement.status = PlacementStatus.RETURNED
    placement.review_comment = comment
    placement.decided_at = timezone.now()
    placement.save()
    assessment = placement.assessment
    assessment.status = AssessmentStatus.RETURNED
    assessment.current_step = "summary"
    assessment.save(update_fields=["status", "current_step", "updated_at"])
    ReviewEvent.objects.create(
        placement=placement, action=ReviewAction.RETURNED, actor=user, comment=comment
    )
    work_add(placement=placement, kind=WorkKind.NOTIFY_RETURNED)
    return placement


def next_review_date(placement: Placement, on: datetime.date) -> datetime.date | None:
    """From the rule set's reassessment table: the shortest interval among the final treatment
    and withdrawal-management levels."""
    rs = engine_rule_set(placement.recommendation.rule_set)
    days = []
    for code in (placement.final_level, placement.final_withdrawal_level):
        if not code:
            continue
        try:
            level = rs.level(code)
        except KeyError:
            continue
        if level.review_days:
            days.append(level.review_days)
    return on + timedelta(days=min(days)) if days else None


def _sign(placement: Placement, user, *, meaning: str, action: str, comment: str) -> Placement:
    now = timezone.now()
    placement.status = PlacementStatus.SIGNED
    placement.decided_at = now
    placement.review_comment = comment
    placement.next_review_date = next_review_date(placement, timezone.localdate(now))
    try:
        with transaction.atomic():
            Signature.objects.create(
                placement=placement,
                signer=user,
                signer_name=_display(user),
                signer_role=Role.SUPERVISOR.label,
                meaning=meaning,
                signed_at=now,
            )
    except IntegrityError:
        raise ReviewError("This placement is already signed.") from None
    placement.save()
    assessment = placement.assessment
    assessment.status = AssessmentStatus.SIGNED
    assessment.save(update_fields=["status", "updated_at"])
    # The patient's continued-stay review is now this placement's.
    Patient.objects.filter(pk=assessment.patient_id).update(
        review_due=placement.next_review_date, review_placement_id=placement.pk
    )
    ReviewEvent.objects.create(placement=placement, action=action, actor=user, comment=comment)
    work_add(placement=placement, kind=WorkKind.NOTIFY_APPROVED)
    work_add(placement=placement, kind=WorkKind.RENDER_PDF)
    return placement


@transaction.atomic
def review_approve(*, placement_id: int, user, comment: str = "") -> Placement:
    """Approve the clinician's decision and sign (the password was checked by the form)."""
    placement = _locked_for_decision(placement_id, user)
    placement.final_level = placement.provided_level
    placement.final_withdrawal_level = placement.provided_withdrawal_level
    return _sign(
        placement,
        user,
        meaning="Approved the placement as decided by the clinician",
        action=ReviewAction.APPROVED,
        comment=comment,
    )


@transaction.atomic
def review_override(
    *,
    placement_id: int,
    user,
    level: str,
    withdrawal_level: str = "",
    reason: str,
    comment: str,
) -> Placement:
    """Replace the provided level with the supervisor's, with a reason and comment, and sign."""
    if not comment.strip():
        raise ReviewError("An override needs a comment.")
    placement = _locked_for_decision(placement_id, user)
    rs = engine_rule_set(placement.recommendation.rule_set)
    codes = {lv.code for lv in rs.levels}
    if level not in codes or (withdrawal_level and withdrawal_level not in codes):
        raise ReviewError("Choose a level from the rule set.")
    placement.override_level = level
    placement.override_withdrawal_level = withdrawal_level
    placement.override_reason = reason
    placement.override_comment = comment
    placement.final_level = level
    placement.final_withdrawal_level = withdrawal_level or placement.provided_withdrawal_level
    return _sign(
        placement,
        user,
        meaning=f"Overrode the provided level with {level} and approved",
        action=ReviewAction.OVERRIDDEN,
        comment=comment,
    )
