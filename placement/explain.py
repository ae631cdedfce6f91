"""A recommendation in plain words: per dimension its rating, the answers behind it and the
rating rules that fired; per track the level, the rules that asked for which level and the
deciding ones; modifiers; and what the level means for the person. Used by the recommendation
page, the review page, the handout and the PDF."""

from __future__ import annotations

from dataclasses import dataclass, field

from accounts.editions import edition_name
from engine import Level, RatingIn, RuleSet, condition_atoms
from intake.catalog import display_answer, flat_steps, substance_rows
from placement.models import (
    DiscrepancyReason,
    OverrideReason,
    Placement,
    PlacementStatus,
    Recommendation,
)
from rulesets.loader import engine_rule_set


@dataclass
class DimensionExplanation:
    code: str
    name: str
    rating: object
    # Why the rating is what it is, from this person's answers (the rating rules that decided
    # it) or the clinician's choice: never the scale's generic wording for the rating.
    basis: str
    suggested: object
    justification: str
    notes: str
    answers: list[tuple[str, str]]
    rating_rules: list[dict]
    change: int | None = None  # since the previous assessment
    previous_rating: object = None


@dataclass
class TrackExplanation:
    track: str
    level: Level
    level_name: str
    deciding: list[dict]
    others: list[dict]


@dataclass
class Explanation:
    rule_set_label: str
    adolescent: bool
    dimensions: list[DimensionExplanation]
    tracks: list[TrackExplanation]
    modifiers: list[dict]
    emergency: bool
    flags: list[dict]  # {"text", "rules"}: what the rules took into account, and why
    movement: str  # "entry", "step down", "step up", "continue"
    previous_level: Level | None = None
    treatment: TrackExplanation | None = None
    withdrawal: TrackExplanation | None = None
    substances: list[dict] = field(default_factory=list)
    edition_label: str = ""
    # 4th edition: the level comes from needs, top down; its deciding needs are the
    # dimensional drivers. Dimension 6 (recorded, not rated) as (question, answer) pairs.
    determines: bool = False
    person_centered: list[tuple[str, str]] = field(default_factory=list)
    changed_drivers: list[str] = field(default_factory=list)
    # A previous placement under the other edition: the step in words ("stepped down from 3.5
    # (3rd edition) to 2.5 COE (4th edition)"), read on the shared care-intensity scale.
    across_editions: str = ""


def level_name(level: Level, adolescent: bool) -> str:
    return level.display_name(adolescent)


def previous_placement(assessment) -> Placement | None:
    """The patient's latest signed placement before this assessment, with its rule set."""
    return (
        Placement.objects.filter(
            assessment__patient_id=assessment.patient_id, status=PlacementStatus.SIGNED
        )
        .exclude(assessment_id=assessment.pk)
        .select_related("recommendation__rule_set")
        .order_by("-decided_at")
        .first()
    )


def movement(before: Level | None, after: Level) -> str:
    """Entry, step down, step up or continue: the two levels' care intensities compared (one
    scale for every rule set, so a 3rd-edition level and a 4th-edition one compare too)."""
    if before is None:
        return "entry"
    if after.care_intensity < before.care_intensity:
        return "step down"
    if after.care_intensity > before.care_intensity:
        return "step up"
    return "continue"


def across_editions_text(before: Level, before_rs, after: Level, after_rs) -> str:
    """ "Stepped down from 3.5 (3rd edition) to 2.5 COE (4th edition; nearest 3rd-edition
    level 2.5)." when the two placements are under different editions ("" otherwise)."""

    if str(before_rs.edition) == str(after_rs.edition):
        return ""
    verb = {"step down": "Stepped down", "step up": "Stepped up"}.get(
        movement(before, after), "Continued at the same intensity"
    )

    def named(level: Level, rs) -> str:
        nearest = (
            f"; nearest 3rd-edition level {level.crosswalk_3rd}"
            if level.crosswalk_3rd and str(rs.edition) != "3"
            else ""
        )
        return f"{level.code} ({edition_name(rs.edition)}{nearest})"

    return f"{verb} from {named(before, before_rs)} to {named(after, after_rs)}."


def explain(recommendation: Recommendation, assessment=None) -> Explanation:
    assessment = assessment or recommendation.assessment
    rs = engine_rule_set(recommendation.rule_set)
    adolescent = bool(recommendation.flags.get(rs.adolescent_flag))
    steps = {s.code: s for s in flat_steps(rs)}
    by_dim: dict[str, list[dict]] = {}
    for reason in recommendation.rating_reasons:
        if reason["kind"] == "rating":
            by_dim.setdefault(reason["track"], []).append(reason)
    previous = assessment.previous
    dims = []
    for d in rs.dimensions:
        rating = recommendation.ratings.get(d.code)
        step = steps.get(d.code)
        answers = [
            (q.label, display_answer(q, recommendation.answers.get(q.code)))
            for q in (step.questions if step else ())
        ]
        prev_rating = previous.confirmed_ratings.get(d.code) if previous else None
        change = None
        if prev_rating is not None and rating is not None:
            change = d.position(rating) - d.position(prev_rating)
        dims.append(
            DimensionExplanation(
                code=d.code,
                name=d.name,
                rating=rating,
                basis=_rating_basis(
                    rating,
                    recommendation.suggested_ratings.get(d.code),
                    by_dim.get(d.code, []),
                ),
                suggested=recommendation.suggested_ratings.get(d.code),
                justification=assessment.justifications.get(d.code, ""),
                notes=assessment.notes.get(d.code, ""),
                answers=answers,
                rating_rules=by_dim.get(d.code, []),
                change=change,
                previous_rating=prev_rating,
            )
        )
    tracks = []
    levels = {rs.primary_track: recommendation.level}
    if recommendation.withdrawal_level:
        levels[rs.withdrawal_track] = recommendation.withdrawal_level
    for track, code in levels.items():
        level = rs.level(code)
        reasons = [r for r in recommendation.reasons if r["track"] == track]
        tracks.append(
            TrackExplanation(
                track=track,
                level=level,
                level_name=level_name(level, adolescent),
                deciding=[_with_asks(rs, r, adolescent) for r in reasons if r["deciding"]],
                others=[_with_asks(rs, r, adolescent) for r in reasons if not r["deciding"]],
            )
        )
    modifiers = []
    for code in recommendation.modifiers:
        m = rs.modifier(code)
        modifiers.append(
            {
                "code": code,
                "name": m.name,
                "description": m.description,
                "emergency": m.emergency,
                "handout": m.handout,
                "track": m.track,
                "rules": [
                    r
                    for r in recommendation.reasons
                    if r["kind"] == "modifier" and r["asks"] == code
                ],
            }
        )
    earlier = previous_placement(assessment)
    before_level, before_rs = None, None
    if earlier is not None:
        before_rs = engine_rule_set(earlier.recommendation.rule_set)
        try:
            before_level = before_rs.level(earlier.final_level)
        except KeyError:
            before_level = None
    now_level = rs.level(recommendation.level)
    explanation = Explanation(
        rule_set_label=recommendation.rule_set_label,
        adolescent=adolescent,
        dimensions=dims,
        tracks=tracks,
        modifiers=modifiers,
        emergency=any(m["emergency"] for m in modifiers),
        flags=[
            {
                "text": f.description or f.code,
                "rules": [
                    r["rule"]
                    for r in recommendation.rating_reasons
                    if r.get("kind") == "flag" and r.get("asks") == f.code
                ],
            }
            for f in rs.flags
            if recommendation.flags.get(f.code)
        ],
        movement=movement(before_level, now_level),
        previous_level=before_level,
        across_editions=across_editions_text(before_level, before_rs, now_level, rs)
        if before_level is not None
        else "",
        substances=substance_rows(assessment.substances),
        edition_label=recommendation.rule_set.edition_label,
        determines=rs.determines,
        person_centered=[
            (q.label, display_answer(q, assessment.answers.get(q.code)))
            for g in rs.groups
            if not g.rated
            for q in (steps[g.code].questions if g.code in steps else ())
            if assessment.answers.get(q.code) not in (None, "")
        ],
        changed_drivers=_changed_drivers(rs, recommendation, previous),
    )
    explanation.treatment = tracks[0]
    explanation.withdrawal = tracks[1] if len(tracks) > 1 else None
    return explanation


def _changed_drivers(rs: RuleSet, recommendation: Recommendation, previous) -> list[str]:
    """For a continued-service review under the same edition: the subdimensions that drive the
    level now or drove it last time and whose code changed, as "1B Withdrawal: 1 -> 2"."""
    if not rs.determines or previous is None or previous.rule_set.edition != rs.edition:
        return []
    reads = {
        r.id: {a.dimension for c in r.when for a in condition_atoms(c) if isinstance(a, RatingIn)}
        for r in rs.need_rules
    }
    earlier = previous.recommendations.first()
    driving: set[str] = set()
    for rec in (recommendation, earlier):
        for r in rec.reasons if rec is not None else ():
            if r["kind"] == "need" and r["deciding"]:
                driving |= reads.get(r["rule"], set())
    out = []
    for d in rs.dimensions:
        now, before = recommendation.ratings.get(d.code), previous.confirmed_ratings.get(d.code)
        if d.code in driving and before is not None and now != before:
            out.append(f"{d.code} {d.short_name or d.name}: {before} -> {now}")
    return out


def _rating_basis(rating, suggested, reasons: list[dict]) -> str:
    """The rating in this person's terms: the answers behind it (the deciding rating rules'
    words), or that the clinician chose it."""
    if rating is None:
        return ""
    if suggested is not None and rating != suggested:
        return f"Rated {rating} by the clinician; the answers suggested {suggested}."
    deciding = [r["text"] for r in reasons if r.get("deciding") and r.get("text")]
    if deciding:
        return "From the answers: " + "; ".join(deciding) + "."
    return "No answer on this dimension raised the rating."


def _with_asks(rs: RuleSet, reason: dict, adolescent: bool) -> dict:
    """A stored reason with what it asks for in words ("asks for 3.5 Clinically Managed
    High-Intensity Residential"), or nothing when its own text already says so."""
    asks = str(reason.get("asks", ""))
    try:
        label = rs.level(asks).label(adolescent)
    except KeyError:
        label = asks
    text = reason.get("text", "")
    said = not asks or f"asks for {asks}" in text or label in text
    return {**reason, "asks_label": "" if said else f"asks for {label}"}


def level_choices(rs: RuleSet, track: str, adolescent: bool) -> list[tuple[str, str]]:
    """Levels a person can be given on a track (adult-only levels left out for adolescents)."""
    closed = "adult" if adolescent else "adolescent"
    return [
        (lv.code, lv.label(adolescent)) for lv in rs.levels_of(track) if lv.population != closed
    ]


@dataclass
class HandoutPlan:
    """What the patient handout says: the level the person will actually receive, whether it
    differs from the one the assessment indicated and why, and what happens next."""

    level: Level
    level_name: str
    withdrawal: Level | None
    withdrawal_name: str
    indicated: Level
    indicated_name: str
    differs: bool
    reason: str  # plain words, when it differs
    decided: bool  # False while the clinician has not decided yet
    signed: bool
    next_review_date: object = None


def handout_plan(recommendation: Recommendation, assessment) -> HandoutPlan:

    rs = engine_rule_set(recommendation.rule_set)
    adolescent = bool(recommendation.flags.get(rs.adolescent_flag))
    placement = assessment.placements.order_by("-round").first()
    reason = ""
    signed = False
    review = None
    if placement is not None and placement.status == PlacementStatus.SIGNED:
        code, wm = placement.final_level, placement.final_withdrawal_level
        signed, review = True, placement.next_review_date
        if placement.override_level and placement.override_reason:
            reason = OverrideReason(placement.override_reason).label
        elif placement.discrepancy:
            reason = placement.get_discrepancy_reason_display()
        decided = True
    elif placement is not None and placement.status != PlacementStatus.RETURNED:
        code, wm = placement.provided_level, placement.provided_withdrawal_level
        reason = placement.get_discrepancy_reason_display() if placement.discrepancy else ""
        decided = True
    elif assessment.decision.get("provided_level"):
        code = assessment.decision["provided_level"]
        wm = assessment.decision.get("provided_withdrawal_level") or recommendation.withdrawal_level
        chosen = assessment.decision.get("discrepancy_reason") or ""
        if chosen and chosen != DiscrepancyReason.NOT_APPLICABLE:
            reason = DiscrepancyReason(chosen).label
        decided = True
    else:
        code, wm, decided = recommendation.level, recommendation.withdrawal_level, False
    if reason == DiscrepancyReason.OTHER.label:
        reason = (placement.discrepancy_text if placement else "") or assessment.decision.get(
            "discrepancy_text", ""
        )
    level, indicated = rs.level(code), rs.level(recommendation.level)
    withdrawal = rs.level(wm) if wm and wm in {lv.code for lv in rs.levels} else None
    return HandoutPlan(
        level=level,
        level_name=level.display_name(adolescent),
        withdrawal=withdrawal,
        withdrawal_name=withdrawal.display_name(adolescent) if withdrawal else "",
        indicated=indicated,
        indicated_name=indicated.display_name(adolescent),
        differs=code != recommendation.level,
        reason=reason,
        decided=decided,
        signed=signed,
        next_review_date=review,
    )
