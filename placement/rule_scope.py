"""Whose rules a rule set is: the programs whose assessments a version of it would decide, and
who may publish it.

A rule set is in use by a program when the program's new assessments take it (the rule set of
the program's edition) or when one of the program's unsubmitted assessments was started under
one of its versions (a draft moves to the version in force at its next save). Publishing a set
changes the rules of all of them at once, so a program's rule administrator may publish only a
set that no program outside their own uses; anything wider needs the network rule administrator
role (the "Network rule administrators" group, or a superuser). The refusal is made here, in
the service every publish path calls."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Exists, OuterRef, Q

from accounts.models import Program
from accounts.roles import Role
from accounts.selectors import program_ids_for_user

PUBLISH_NETWORK_PERMISSION = "placement.publish_network_rules"


def editions_using(name: str) -> list[str]:
    """The editions whose new assessments take the rule set called ``name``."""
    return sorted(ed for ed, used in settings.STEPWISE_RULE_SETS.items() if used == name)


def programs_using_rule_set(*, name: str) -> list[Program]:
    """Every program whose rules change when a version of ``name`` is published, by name."""
    from intake.models import Assessment, AssessmentStatus

    open_drafts = Assessment.objects.filter(
        patient__program=OuterRef("pk"),
        status__in=[AssessmentStatus.DRAFT, AssessmentStatus.RETURNED],
        rule_set__name=name,
    )
    return list(
        Program.objects.filter(Q(edition__in=editions_using(name)) | Exists(open_drafts)).order_by(
            "name"
        )
    )


def is_network_rule_admin(user) -> bool:
    return bool(
        user.is_authenticated and (user.is_superuser or user.has_perm(PUBLISH_NETWORK_PERMISSION))
    )


def publish_refusal(*, user, name: str, programs: list[Program] | None = None) -> str:
    """Why ``user`` may not publish a version of ``name`` (a sentence), or "" when they may."""
    if is_network_rule_admin(user):
        return ""
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
