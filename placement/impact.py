"""Impact preview: how the stored assessments would be placed under a draft rule set versus the
published version of the same name. Small previews run at once; large ones run as a Celery job
that reports progress."""

from __future__ import annotations

from collections import Counter

from django.conf import settings
from django.db.models import Max
from django.utils import timezone

from placement.loader import engine_rule_set
from placement.models import ImpactJob, ImpactJobStatus, Recommendation, RuleSet, RuleSetStatus
from placement.rules.engine import evaluate
from placement.rules.errors import InputError, RuleSetError

MAX_LISTED = 500
PROGRESS_EVERY = 500


def impact_cases():
    """The latest recommendation of every assessment: its confirmed ratings and flags."""
    latest = Recommendation.objects.values("assessment_id").annotate(last=Max("id")).values("last")
    return (
        Recommendation.objects.filter(pk__in=latest)
        .order_by("pk")
        .values_list("assessment_id", "assessment__patient__program__code", "ratings", "flags")
    )


def impact_start(*, rule_set: RuleSet, user) -> ImpactJob:
    from placement.tasks import impact_run_task

    baseline = (
        RuleSet.objects.filter(name=rule_set.name, status=RuleSetStatus.PUBLISHED)
        .exclude(pk=rule_set.pk)
        .first()
    )
    job = ImpactJob.objects.create(
        rule_set=rule_set, baseline=baseline, created_by=user, total=impact_cases().count()
    )
    if job.total <= settings.STEPWISE_IMPACT_SYNC_LIMIT:
        impact_run(job_id=job.pk)
        job.refresh_from_db()
    else:
        from placement.services.work import enqueue_on_commit

        enqueue_on_commit(impact_run_task, job.pk)
    return job


def _place(rs, ratings: dict, flags: dict) -> tuple[str | None, str | None]:
    known = {f.code for f in rs.flags}
    try:
        d = evaluate(rs, ratings, {k: v for k, v in flags.items() if k in known})
    except InputError:
        return None, None
    return d.level, d.withdrawal_level


def impact_run(*, job_id: int) -> None:
    """Idempotent: a job already done is left alone; a job interrupted mid-way starts over."""
    claimed = ImpactJob.objects.filter(
        pk=job_id, status__in=[ImpactJobStatus.PENDING, ImpactJobStatus.RUNNING]
    ).update(status=ImpactJobStatus.RUNNING, processed=0)
    if not claimed:
        return
    job = ImpactJob.objects.select_related("rule_set", "baseline").get(pk=job_id)
    try:
        draft = engine_rule_set(job.rule_set)
        base = engine_rule_set(job.baseline) if job.baseline else None
    except RuleSetError as exc:
        ImpactJob.objects.filter(pk=job_id).update(
            status=ImpactJobStatus.FAILED, error="; ".join(exc.problems)[:300]
        )
        return
    level_changes: Counter = Counter()
    wm_changes: Counter = Counter()
    changed: list[dict] = []
    n_changed = 0
    processed = 0
    cases = impact_cases()
    total = cases.count()
    for assessment_id, program, ratings, flags in cases.iterator(chunk_size=2000):
        before = _place(base, ratings, flags) if base else (None, None)
        after = _place(draft, ratings, flags)
        level_changes[(before[0] or "-", after[0] or "cannot place")] += 1
        wm_changes[(before[1] or "-", after[1] or "cannot place")] += 1
        if before != after:
            n_changed += 1
            if len(changed) < MAX_LISTED:
                changed.append(
                    {
                        "assessment": assessment_id,
                        "program": program,
                        "ratings": ratings,
                        "flags": sorted(k for k, v in flags.items() if v),
                        "before": before,
                        "after": after,
                    }
                )
        processed += 1
        if processed % PROGRESS_EVERY == 0:
            ImpactJob.objects.filter(pk=job_id).update(processed=processed, total=total)
    ImpactJob.objects.filter(pk=job_id).update(
        status=ImpactJobStatus.DONE,
        processed=processed,
        total=total,
        finished_at=timezone.now(),
        result={
            "baseline": job.baseline.label if job.baseline else None,
            "rule_set": job.rule_set.label,
            "cases": processed,
            "changed": n_changed,
            "level_changes": sorted(
                ([a, b, n] for (a, b), n in level_changes.items()), key=lambda x: (-x[2], x[0])
            ),
            "withdrawal_changes": sorted(
                ([a, b, n] for (a, b), n in wm_changes.items()), key=lambda x: (-x[2], x[0])
            ),
            "changed_cases": changed,
        },
    )
