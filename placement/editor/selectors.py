"""Reads for the rule-set pages."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.cache import cache
from django.http import Http404
from django.utils import timezone

from accounts.selectors import program_ids_for_user
from placement.loader import engine_rule_set
from placement.models import RuleSet, RuleSetStatus
from placement.rules.diff import RuleSetDiff, diff_rule_sets

NOTICE_DAYS = 30


def rule_set_get(*, name: str, version: int) -> RuleSet:
    try:
        return RuleSet.objects.select_related("published_by").get(name=name, version=version)
    except RuleSet.DoesNotExist:
        raise Http404("No such rule set.") from None


def replaced_version(rule_set: RuleSet) -> RuleSet | None:
    """The version this one replaced: the newest earlier version that was ever published."""
    return (
        RuleSet.objects.filter(
            name=rule_set.name, version__lt=rule_set.version, published_at__isnull=False
        )
        .order_by("-version")
        .first()
    )


def rule_set_diff(old: RuleSet, new: RuleSet) -> RuleSetDiff:
    return diff_rule_sets(engine_rule_set(old), engine_rule_set(new))


def new_rules_notice(*, user) -> RuleSet | None:
    """The default rule set in force, when it was published in the last 30 days and replaced
    an earlier version (the home page then says so in one line)."""
    current = RuleSet.objects.filter(
        name=settings.STEPWISE_DEFAULT_RULE_SET, status=RuleSetStatus.PUBLISHED
    ).first()
    if current is None or current.published_at is None:
        return None
    if timezone.now() - current.published_at > datetime.timedelta(days=NOTICE_DAYS):
        return None
    return current if replaced_version(current) is not None else None


def impact_for_user(*, user, old: RuleSet, new: RuleSet) -> dict:
    """How the stored assessments of the user's programs would be placed under ``new``
    versus ``old``: counts only (cached for ten minutes)."""
    from placement.impact import impact_counts

    program_ids = program_ids_for_user(user=user)
    key = f"stepwise:impact:{old.pk}:{new.pk}:{','.join(map(str, program_ids))}"
    result = cache.get(key)
    if result is None:
        result = impact_counts(old=old, new=new, program_ids=program_ids)
        cache.set(key, result, 600)
    return result
