"""Impact preview: how the stored assessments would be placed under a draft rule set versus the
published version of the same name. Small previews run at once; large ones run as a Celery job
that reports progress.

Scope and privacy: a rule administrator sees only the programs they administer; a network
administrator (superusers, and holders of ``placement.impact_all_programs``) sees every
program. What comes back is de-identified: counts of level changes, and changed cases grouped
by (before, after, the rules that now decide) with a count - never an assessment, a patient,
a rating profile or a flag list. Starting a preview is audited (which programs, how many
cases); a job is readable only by the person who started it."""

from __future__ import annotations

from collections import Counter

from auditlog.models import LogEntry
from django.conf import settings
from django.utils import timezone

from accounts.roles import Role
from accounts.selectors import program_ids_for_user
from config.tasks import enqueue_on_commit
from engine import InputError, RuleSetError, evaluate
from rulesets import ports
from rulesets.loader import engine_rule_set
from rulesets.models import ImpactJob, ImpactJobStatus, RuleSet, RuleSetStatus
from rulesets.scope import programs_using_rule_set

PROGRESS_EVERY = 500
NETWORK_PERMISSION = "rulesets.impact_all_programs"


class ImpactScopeError(Exception):
    """The user administers no program whose assessments could be previewed."""


def impact_scope(user, rule_set: RuleSet | None = None) -> tuple[bool, list[int]]:
    """(every program?, the program ids otherwise) a user's previews may read. With a rule
    set: exactly the programs whose rules publishing it would change (``rule_scope``), of
    those the user may read (every program for a network administrator)."""
    network = user.is_superuser or user.has_perm(NETWORK_PERMISSION)
    readable = set() if network else set(program_ids_for_user(user=user, roles=(Role.RULE_ADMIN,)))
    if rule_set is None:
        return (True, []) if network else (False, sorted(readable))
    using = [p.pk for p in programs_using_rule_set(name=rule_set.name)]
    return False, [pk for pk in using if network or pk in readable]


def impact_cases(*, all_programs: bool, program_ids: list[int], edition: str | None = None):
    """The latest recommendation of every assessment in scope (of ``edition``, when given:
    another edition's ratings mean nothing to these rules) as (program id, ratings, flags) rows,
    read inside the job only and never stored in the result. Recommendations are the placement
    app's: it supplies them through ``rulesets.ports``."""
    return ports.stored_profiles(
        all_programs=all_programs, program_ids=program_ids, edition=edition
    )


def impact_start(*, rule_set: RuleSet, user, baseline: RuleSet | None = None) -> ImpactJob:
    all_programs, program_ids = impact_scope(user, rule_set)
    if not all_programs and not program_ids:
        raise ImpactScopeError(
            f"No program you administer would have its rules changed by {rule_set.name}, so "
            "there are no stored assessments to preview."
        )
    if baseline is None:
        baseline = (
            RuleSet.objects.filter(name=rule_set.name, status=RuleSetStatus.PUBLISHED)
            .exclude(pk=rule_set.pk)
            .first()
        )
    cases = impact_cases(
        all_programs=all_programs, program_ids=program_ids, edition=rule_set.edition
    )
    job = ImpactJob.objects.create(
        rule_set=rule_set,
        baseline=baseline,
        created_by=user,
        total=cases.count(),
        all_programs=all_programs,
        program_ids=program_ids,
    )
    LogEntry.objects.log_create(
        job,
        force_log=True,
        action=LogEntry.Action.ACCESS,
        additional_data={
            "page": "impact preview",
            "all_programs": all_programs,
            "programs": program_ids,
            "cases": job.total,
        },
    )
    if job.total <= settings.STEPWISE_IMPACT_SYNC_LIMIT:
        impact_run(job_id=job.pk)
        job.refresh_from_db()
    else:
        enqueue_on_commit("rulesets.impact_run", job.pk)
    return job


def _place(rs, ratings: dict, flags: dict):
    known = {f.code for f in rs.flags}
    try:
        return evaluate(rs, ratings, {k: v for k, v in flags.items() if k in known})
    except InputError:
        return None


def _levels(decision) -> tuple[str | None, str | None]:
    if decision is None:
        return None, None
    return decision.level, decision.withdrawal_level


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
    groups: Counter = Counter()
    by_program: Counter = Counter()
    n_changed = processed = 0
    cases = impact_cases(
        all_programs=job.all_programs, program_ids=job.program_ids, edition=job.rule_set.edition
    )
    total = cases.count()
    for program_id, ratings, flags in cases.iterator(chunk_size=2000):
        before = _levels(_place(base, ratings, flags)) if base else (None, None)
        decision = _place(draft, ratings, flags)
        after = _levels(decision)
        level_changes[(before[0] or "-", after[0] or "cannot place")] += 1
        wm_changes[(before[1] or "-", after[1] or "cannot place")] += 1
        if before != after:
            n_changed += 1
            by_program[program_id] += 1
            deciding = (
                tuple(sorted({r.rule_id for r in decision.reasons if r.deciding}))
                if decision
                else ()
            )
            groups[(before, after, deciding)] += 1
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
            "level_changes": _rows(level_changes),
            "withdrawal_changes": _rows(wm_changes),
            "changed_groups": [
                {"before": list(b), "after": list(a), "rules": list(rules), "count": n}
                for (b, a, rules), n in sorted(groups.items(), key=lambda x: (-x[1], str(x[0])))
            ],
            "changed_by_program": {str(k): v for k, v in by_program.items()},
        },
    )


def _rows(counter: Counter) -> list:
    return sorted(([a, b, n] for (a, b), n in counter.items()), key=lambda x: (-x[2], x[0]))


def impact_job_for_user(*, user, job_id: int) -> ImpactJob:
    """A job its creator may read (ImpactJob.DoesNotExist for anyone else's)."""
    return ImpactJob.objects.select_related("rule_set", "baseline").get(pk=job_id, created_by=user)


def impact_counts(*, old: RuleSet, new: RuleSet, program_ids: list[int]) -> dict:
    """Counts only, computed at once: how many of the programs' stored assessments each rule
    set places at each level, and how many would move. For the release-notes page."""
    before_rs, after_rs = engine_rule_set(old), engine_rule_set(new)
    level_changes: Counter = Counter()
    wm_changes: Counter = Counter()
    changed = total = 0
    cases = impact_cases(all_programs=False, program_ids=program_ids, edition=new.edition)
    for _program, ratings, flags in cases.iterator(chunk_size=2000):
        before = _levels(_place(before_rs, ratings, flags))
        after = _levels(_place(after_rs, ratings, flags))
        level_changes[(before[0] or "-", after[0] or "cannot place")] += 1
        wm_changes[(before[1] or "-", after[1] or "cannot place")] += 1
        changed += before != after
        total += 1
    return {
        "cases": total,
        "changed": changed,
        "level_changes": [r for r in _rows(level_changes) if r[0] != r[1]],
        "withdrawal_changes": [r for r in _rows(wm_changes) if r[0] != r[1]],
    }
