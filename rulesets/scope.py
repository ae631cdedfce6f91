"""Whose rules a rule set is, which rule set a program uses, and who may publish.

A rule set is either a **network default** (its name is the one an edition's new assessments
take, ``STEPWISE_RULE_SETS``) or a **program variant**: a set cloned from a default for some
programs (``RuleSet.programs``), edited, tested and published for those programs only. A
program's new assessments of an edition use the published variant that lists the program, or
else the network default of that edition; its edition is the one of the assessment's date (a
program may have a scheduled switch).

Publishing a set changes the rules of every program that uses it: the programs whose new
assessments take it (now, or after their scheduled switch) and those with an unsubmitted draft
that would move to it. A program's rule administrator may publish only a set that no program
outside their own uses; the network default needs the network rule administrator role (the
"Network rule administrators" group, or a superuser). The refusal is made here, in the service
every publish path calls."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone

from accounts.models import Program
from accounts.roles import Role
from accounts.selectors import program_ids_for_user
from intake.models import Assessment, AssessmentStatus
from rulesets.models import RuleSet, RuleSetStatus

PUBLISH_NETWORK_PERMISSION = "rulesets.publish_network_rules"


def default_name(edition: str) -> str:
    return settings.STEPWISE_RULE_SETS.get(str(edition), settings.STEPWISE_DEFAULT_RULE_SET)


def editions_using(name: str) -> list[str]:
    """The editions whose network default is the rule set called ``name``."""
    return sorted(ed for ed, used in settings.STEPWISE_RULE_SETS.items() if used == name)


def variant_names(*, program: Program) -> dict[str, str]:
    """Edition -> the name of the published variant the program is on, for each edition it
    has one for."""

    rows = RuleSet.objects.filter(status=RuleSetStatus.PUBLISHED, programs=program)
    return {str(edition): name for name, edition in rows.values_list("name", "edition")}


def rule_set_name_for(*, program: Program | None, edition: str) -> str:
    """The rule set a program's new assessments of ``edition`` use."""
    if program is not None:
        variant = variant_names(program=program).get(str(edition))
        if variant:
            return variant
    return default_name(edition)


def rule_set_for(*, program: Program | None, on=None):
    """The published rule set of the program's new assessments dated ``on`` (today)."""

    on = on or timezone.localdate()
    edition = program.edition_on(on) if program is not None else None
    name = (
        rule_set_name_for(program=program, edition=edition)
        if edition
        else settings.STEPWISE_DEFAULT_RULE_SET
    )
    return RuleSet.objects.get(name=name, status=RuleSetStatus.PUBLISHED)


def programs_using_rule_set(*, name: str) -> list[Program]:
    """Every program whose rules change when a version of ``name`` is published, by name: for
    a variant, the programs it is for; for a network default, the programs that take it (now
    or after their scheduled switch) because they have no variant of that edition, and those
    whose unsubmitted drafts would move to it."""

    versions = RuleSet.objects.filter(name=name)
    latest = versions.order_by("-version").first()
    if latest is None:
        return []
    edition = str(latest.edition)
    variant = Program.objects.filter(rule_sets__in=versions).distinct()
    if variant.exists() or name not in set(settings.STEPWISE_RULE_SETS.values()):
        return sorted((p for p in variant if edition in p.editions), key=lambda p: p.name)
    with_drafts = set(
        Assessment.objects.filter(
            status__in=[AssessmentStatus.DRAFT, AssessmentStatus.RETURNED], rule_set__name=name
        ).values_list("patient__program_id", flat=True)
    )
    return [
        program
        for program in Program.objects.order_by("name")
        if rule_set_name_for(program=program, edition=edition) == name
        and (edition in program.editions or program.pk in with_drafts)
    ]


def is_network_rule_admin(user) -> bool:
    return bool(
        user.is_authenticated and (user.is_superuser or user.has_perm(PUBLISH_NETWORK_PERMISSION))
    )


def publish_refusal(*, user, name: str, programs: list[Program] | None = None) -> str:
    """Why ``user`` may not publish a version of ``name`` (a sentence), or "" when they may."""
    if is_network_rule_admin(user):
        return ""
    if name in set(settings.STEPWISE_RULE_SETS.values()):
        return (
            f"{name} is the network default: publishing it changes the rules of every program "
            "that has no variant of its own. Only a network rule administrator may publish it. "
            "To change your programs' rules, make a variant for them."
        )
    if programs is None:
        programs = programs_using_rule_set(name=name)
    own = set(program_ids_for_user(user=user, roles=(Role.RULE_ADMIN,)))
    others = [p.name for p in programs if p.pk not in own]
    if not others:
        return ""
    return (
        f"Publishing {name} would change the rules of programs you do not administer "
        f"({', '.join(others)}). Only a network rule administrator may publish it."
    )
