"""Reads of placements: the review queue, a placement for review, a patient's timeline, what
is due. A read of patient data for a page takes the user and stays inside the user's programs
(404 otherwise); reads about records the caller already holds (a patient's timeline, a
placement's context) and network-wide counts for administrators and background work do not."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import (
    Count,
    DateTimeField,
    ExpressionWrapper,
    F,
    Max,
    Prefetch,
    Q,
    QuerySet,
    Value,
)
from django.http import Http404
from django.utils import timezone

from accounts.editions import edition_name
from accounts.models import Membership, Program
from accounts.roles import Role
from accounts.selectors import program_ids_for_user
from intake.models import Assessment, AssessmentStatus, Patient
from placement.explain import explain
from placement.models import (
    EmailStatus,
    OutboxEmail,
    Placement,
    PlacementStatus,
    Recommendation,
    WorkItem,
)
from rulesets.loader import engine_rule_set
from rulesets.models import RuleSet, RuleSetStatus
from rulesets.scope import rule_set_name_for

OPEN = (PlacementStatus.SUBMITTED, PlacementStatus.IN_REVIEW)


@dataclass
class QueueFilters:
    program: int | None = None
    clinician: int | None = None
    level: str | None = None
    discrepancy: bool | None = None
    waiting_hours: int | None = None
    overdue: bool = False
    status: str | None = None


def supervised_program_ids(user) -> list[int]:
    return program_ids_for_user(user=user, roles=(Role.SUPERVISOR,))


def _overdue_q() -> Q:
    """Open placements waiting longer than their program's review target. On PostgreSQL one
    comparison per row against the program's own target, joined; SQLite cannot multiply an
    interval, so there one condition per program (a demo has a handful)."""
    now = timezone.now()
    if connection.vendor == "postgresql":
        cutoff = ExpressionWrapper(
            Value(now) - F("program__review_target_hours") * Value(timedelta(hours=1)),
            output_field=DateTimeField(),
        )
        return Q(submitted_at__lte=cutoff)
    q = Q(pk__in=[])
    for pk, hours in Program.objects.values_list("pk", "review_target_hours"):
        q |= Q(program_id=pk, submitted_at__lte=now - timedelta(hours=hours))
    return q


# What the queue can list besides the open placements (the counts are links to these).
QUEUE_VIEWS = {
    "open": "Waiting for review",
    "submitted": "Submitted, not yet claimed",
    "in_review": "In review",
    "returned": "Returned, awaiting the clinician",
    "signed": "Signed in the last 30 days",
    "review_overdue": "Continued-stay reviews overdue",
}
SIGNED_WINDOW_DAYS = 30


def _returned_awaiting() -> Q:
    return Q(status=PlacementStatus.RETURNED, assessment__status=AssessmentStatus.RETURNED)


def _signed_recently() -> Q:
    since = timezone.now() - timedelta(days=SIGNED_WINDOW_DAYS)
    return Q(status=PlacementStatus.SIGNED, decided_at__gte=since)


def _reviews_overdue(qs: QuerySet[Placement], program_ids) -> QuerySet[Placement]:
    """Signed placements whose continued-stay review date has passed, for patients not
    reassessed since (the patient's ``review_due``, an index range)."""
    due = Patient.objects.filter(
        program_id__in=program_ids, review_due__lt=timezone.localdate()
    ).values("review_placement_id")
    return qs.filter(pk__in=due)


def queue_view(filters: QueueFilters) -> str:
    return filters.status if filters.status in QUEUE_VIEWS else "open"


def review_queue_for_user(*, user, filters: QueueFilters | None = None) -> QuerySet[Placement]:
    """Placements of the programs the user supervises. By default the open ones, most urgent
    first: EMERGENCY, then the most intensive indicated level, then the longest waiting.
    ``filters.status`` lists one status instead (returned and signed newest first)."""
    filters = filters or QueueFilters()
    program_ids = supervised_program_ids(user)
    qs = Placement.objects.filter(program_id__in=program_ids)
    view = queue_view(filters)
    order: tuple[str, ...] = ("-emergency", "-indicated_intensity", "submitted_at", "pk")
    if view == "open":
        qs = qs.filter(status__in=OPEN)
    elif view in ("submitted", "in_review"):
        qs = qs.filter(status=view)
    elif view == "returned":
        qs, order = qs.filter(_returned_awaiting()), ("-decided_at", "-pk")
    elif view == "signed":
        qs, order = qs.filter(_signed_recently()), ("-decided_at", "-pk")
    else:
        qs, order = _reviews_overdue(qs, program_ids), ("next_review_date", "pk")
    if filters.program:
        qs = qs.filter(program_id=filters.program)
    if filters.clinician:
        qs = qs.filter(submitted_by_id=filters.clinician)
    if filters.level:
        edition, _, code = filters.level.rpartition(":")
        qs = qs.filter(indicated_level=code)
        if edition:
            qs = qs.filter(edition=edition)
    if filters.discrepancy is not None:
        qs = qs.filter(discrepancy=filters.discrepancy)
    if filters.waiting_hours:
        qs = qs.filter(submitted_at__lte=timezone.now() - timedelta(hours=filters.waiting_hours))
    if filters.overdue:
        qs = qs.filter(status__in=OPEN).filter(_overdue_q())
    return qs.select_related(
        "program", "submitted_by", "reviewer", "assessment__patient", "recommendation__rule_set"
    ).order_by(*order)


def queue_level_choices(*, user) -> list[tuple[str, list[tuple[str, str]]]]:
    """The queue's level filter: each edition the supervised programs use (now or after a
    switch) with its own levels under its own heading, as ``edition:code`` values."""

    program_ids = supervised_program_ids(user)
    names: dict[str, list[str]] = {}
    for program in Program.objects.filter(pk__in=program_ids):
        for edition in program.editions:
            name = rule_set_name_for(program=program, edition=edition)
            names.setdefault(edition, [])
            if name not in names[edition]:
                names[edition].append(name)
    # An edition the programs have left still has placements waiting under it.
    waiting = Placement.objects.filter(program_id__in=program_ids, status__in=OPEN)
    for edition in waiting.values_list("edition", flat=True).distinct():
        names.setdefault(edition, [rule_set_name_for(program=None, edition=edition)])
    out = []
    for edition in sorted(names):
        choices: dict[str, str] = {}
        for name in names[edition]:
            rs = RuleSet.objects.filter(name=name, status=RuleSetStatus.PUBLISHED).first()
            if rs is None:
                continue
            engine = engine_rule_set(rs)
            for lv in engine.levels_of(engine.primary_track):
                choices.setdefault(f"{edition}:{lv.code}", lv.label())
        out.append((f"ASAM Criteria, {edition_name(edition)}", list(choices.items())))
    return out


def queue_counts(*, user) -> dict[str, int]:
    """What the queue's counts show: open placements by status, past the review target,
    returned and awaiting the clinician, signed in the last 30 days, and continued-stay
    reviews overdue. Every count is bounded by what is current, not by all history."""
    program_ids = supervised_program_ids(user)
    mine = Placement.objects.filter(program_id__in=program_ids)
    # Each count reads only its own slice through its index: the open placements, the
    # returned ones, the last 30 days of signatures, the patients with a review due.
    counts = mine.filter(status__in=OPEN).aggregate(
        submitted=Count("pk", filter=Q(status=PlacementStatus.SUBMITTED)),
        in_review=Count("pk", filter=Q(status=PlacementStatus.IN_REVIEW)),
        overdue=Count("pk", filter=_overdue_q()),
    )
    counts["returned"] = mine.filter(_returned_awaiting()).count()
    counts["signed"] = mine.filter(_signed_recently()).count()
    counts["review_overdue"] = Patient.objects.filter(
        program_id__in=program_ids, review_due__lt=timezone.localdate()
    ).count()
    counts["open"] = counts["submitted"] + counts["in_review"]
    return counts


def is_overdue(placement: Placement, now=None) -> bool:
    now = now or timezone.now()
    return placement.status in OPEN and placement.submitted_at <= now - timedelta(
        hours=placement.program.review_target_hours
    )


def placement_get_for_supervisor(*, user, pk: int) -> Placement:
    try:
        return Placement.objects.select_related(
            "program", "assessment__patient", "recommendation", "submitted_by", "reviewer"
        ).get(pk=pk, program_id__in=supervised_program_ids(user))
    except Placement.DoesNotExist:
        raise Http404("No such placement.") from None


def placement_get_for_user(*, user, pk: int) -> Placement:
    """A placement the user may read: clinicians and supervisors of its program."""
    ids = program_ids_for_user(user=user, roles=(Role.CLINICIAN, Role.SUPERVISOR))
    try:
        return Placement.objects.select_related(
            "program", "assessment__patient", "recommendation", "submitted_by", "reviewer"
        ).get(pk=pk, program_id__in=ids)
    except Placement.DoesNotExist:
        raise Http404("No such placement.") from None


def placement_context(placement: Placement) -> dict:
    """Everything the review page and the PDF show about one placement."""

    assessment = placement.assessment
    rs = engine_rule_set(placement.recommendation.rule_set)
    explanation = explain(placement.recommendation, assessment)
    adolescent = explanation.adolescent

    def name(code: str) -> str:
        if not code:
            return ""
        try:
            return rs.level(code).label(adolescent)
        except KeyError:
            return code

    signature = getattr(placement, "signature", None) if placement.pk else None
    return {
        "placement": placement,
        "assessment": assessment,
        "patient": assessment.patient,
        "explanation": explanation,
        "level_names": {
            "indicated": name(placement.indicated_level),
            "indicated_wm": name(placement.indicated_withdrawal_level),
            "provided": name(placement.provided_level),
            "provided_wm": name(placement.provided_withdrawal_level),
            "authorized": name(placement.authorized_level),
            "override": name(placement.override_level),
            "override_wm": name(placement.override_withdrawal_level),
            "final": name(placement.final_level),
            "final_wm": name(placement.final_withdrawal_level),
        },
        "events": list(placement.events.select_related("actor")),
        "signature": signature,
        "previous_placement": previous_signed_placement(placement),
        "generated_at": timezone.now(),
    }


def previous_signed_placement(placement: Placement) -> Placement | None:
    return (
        Placement.objects.filter(
            assessment__patient_id=placement.assessment.patient_id, status=PlacementStatus.SIGNED
        )
        .exclude(assessment_id=placement.assessment_id)
        .filter(decided_at__lte=placement.submitted_at)
        .select_related("recommendation")
        .order_by("-decided_at")
        .first()
    )


def patient_timeline(*, patient) -> dict:
    """The patient's assessments (newest first) with their placements, and the series the
    chart draws: the signed level of care and the six confirmed ratings over time."""
    assessments = list(
        Assessment.objects.filter(patient=patient)
        .select_related("created_by", "rule_set")
        .prefetch_related(
            Prefetch(
                "placements",
                queryset=Placement.objects.select_related(
                    "reviewer", "recommendation__rule_set"
                ).order_by("round"),
            ),
            Prefetch(
                "recommendations",
                queryset=Recommendation.objects.select_related("rule_set").order_by("-id"),
            ),
        )
        .order_by("-assessment_date", "-id")
    )
    dates: list[str] = []
    levels: list[int] = []
    level_codes: list[str] = []
    ratings: dict[str, list[int]] = {}
    # The level chart draws every signed placement, under either edition, on the care
    # intensity scale the rule sets share; the ratings chart the 0-4 ratings (3rd edition).
    axis: dict[int, list[str]] = {}
    for a in reversed(assessments):
        signed = [p for p in a.placements.all() if p.status == PlacementStatus.SIGNED]
        if not signed:
            continue
        p = signed[-1]
        rs = engine_rule_set(p.recommendation.rule_set)
        for lv in rs.levels_of(rs.primary_track):
            codes = axis.setdefault(lv.care_intensity, [])
            if lv.code not in codes:
                codes.append(lv.code)
        dates.append(a.assessment_date.isoformat())
        level_codes.append(f"{p.final_level} ({edition_name(rs.edition)})")
        levels.append(rs.level(p.final_level).care_intensity)
        for code, rating in p.recommendation.ratings.items():
            if isinstance(rating, int):  # a 0-4 risk rating; codes ("2A") are not a scale
                ratings.setdefault(code, []).append(rating)
    level_axis = [" / ".join(axis.get(i, [])) for i in range(max(axis, default=-1) + 1)]
    rows = []
    for a in assessments:
        placements = list(a.placements.all())
        recommendations = list(a.recommendations.all())
        rows.append(
            {
                "a": a,
                "rec": recommendations[0] if recommendations else None,
                "placement": placements[-1] if placements else None,
            }
        )
    return {
        "assessments": assessments,
        "rows": rows,
        "drafts": [
            a
            for a in assessments
            if a.status in (AssessmentStatus.DRAFT, AssessmentStatus.RETURNED)
        ],
        "series": {
            "dates": dates,
            "levels": levels,
            "level_codes": level_codes,
            "ratings": ratings,
        },
        "level_axis": level_axis,
        "chart_edition": assessments[0].rule_set.edition_label if assessments else "",
        "both_editions": len({a.rule_set.edition for a in assessments}) > 1,
    }


def returned_for_clinician(*, user) -> QuerySet[Placement]:
    """Placements returned to this clinician and not yet resubmitted."""
    return (
        Placement.objects.filter(
            submitted_by=user,
            status=PlacementStatus.RETURNED,
            assessment__status=AssessmentStatus.RETURNED,
            program_id__in=program_ids_for_user(user=user, roles=(Role.CLINICIAN,)),
        )
        .select_related("assessment__patient", "reviewer")
        .order_by("-decided_at")
    )


def reviews_due_for_clinician(*, user, within_days: int = 7, limit: int = 20) -> list[Placement]:
    """Signed placements in the clinician's programs whose next review falls within
    ``within_days`` (or is past), for patients not reassessed since: the first ``limit``, the
    most overdue first. Read from the patients' review dates (an index range), then the
    placements by id."""
    horizon = timezone.localdate() + timedelta(days=within_days)
    ids = list(
        Patient.objects.filter(
            program_id__in=program_ids_for_user(user=user, roles=(Role.CLINICIAN,)),
            review_due__lte=horizon,
        )
        .order_by("review_due", "id")
        .values_list("review_placement_id", flat=True)[:limit]
    )
    return list(
        Placement.objects.filter(pk__in=[pk for pk in ids if pk is not None])
        .select_related("assessment__patient", "recommendation__rule_set")
        .order_by("next_review_date", "pk")
    )


def recently_signed_for_clinician(*, user, days: int = 14) -> QuerySet[Placement]:
    return (
        Placement.objects.filter(
            submitted_by=user,
            status=PlacementStatus.SIGNED,
            decided_at__gte=timezone.now() - timedelta(days=days),
        )
        .select_related("assessment__patient", "reviewer", "recommendation__rule_set")
        .order_by("-decided_at")
    )


def failed_work_counts() -> dict[str, int]:
    """Background work that gave up (for superusers): failed items and undelivered emails."""

    return {
        "failed_jobs": WorkItem.objects.filter(failed_at__isnull=False).count(),
        "failed_emails": OutboxEmail.objects.filter(
            status__in=[EmailStatus.FAILED, EmailStatus.UNKNOWN]
        ).count(),
    }


def overdue_counts_by_supervisor():
    """(supervisor, number of overdue open placements in their programs) for each supervisor
    with at least one."""

    overdue_by_program = dict(
        Placement.objects.filter(status__in=OPEN)
        .filter(_overdue_q())
        .values("program_id")
        .annotate(n=Count("pk"))
        .values_list("program_id", "n")
    )
    if not overdue_by_program:
        return []
    totals: dict[int, int] = {}
    for user_id, program_id in Membership.objects.filter(
        role=Role.SUPERVISOR, program_id__in=overdue_by_program
    ).values_list("user_id", "program_id"):
        totals[user_id] = totals.get(user_id, 0) + overdue_by_program[program_id]
    users = get_user_model().objects.filter(pk__in=totals, is_active=True)
    return [(u, totals[u.pk]) for u in users]


def latest_profiles(*, all_programs: bool, program_ids: list[int], edition: str | None = None):
    """The latest recommendation of every assessment in scope (of ``edition``, when given), as
    (program id, ratings, flags) rows: what an impact preview replays (``rulesets.ports``)."""
    qs = Recommendation.objects.all()
    if not all_programs:
        qs = qs.filter(assessment__patient__program_id__in=program_ids)
    if edition is not None:
        qs = qs.filter(rule_set__edition=edition)
    latest = qs.values("assessment_id").annotate(last=Max("id")).values("last")
    return (
        Recommendation.objects.filter(pk__in=latest)
        .order_by("pk")
        .values_list("assessment__patient__program_id", "ratings", "flags")
    )
