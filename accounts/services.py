from django.contrib.auth.models import Group
from django.db import transaction

from .models import Membership, Program
from .roles import GROUP_FOR_ROLE, Role


@transaction.atomic
def membership_grant(*, user, program: Program, role: Role | str) -> Membership:
    """Give ``user`` ``role`` in ``program``: the membership row, the role's group, and staff
    status for rule administrators (who work in Django admin). Idempotent."""
    role = Role(role)
    membership, _ = Membership.objects.get_or_create(user=user, program=program, role=role)
    user.groups.add(Group.objects.get(name=GROUP_FOR_ROLE[role]))
    if role == Role.RULE_ADMIN and not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    return membership


@transaction.atomic
def membership_revoke(*, user, program: Program, role: Role | str) -> None:
    """Remove one role in one program; the group goes when no program grants the role."""
    role = Role(role)
    Membership.objects.filter(user=user, program=program, role=role).delete()
    if not Membership.objects.filter(user=user, role=role).exists():
        user.groups.remove(Group.objects.get(name=GROUP_FOR_ROLE[role]))
        if role == Role.RULE_ADMIN and not user.is_superuser:
            user.is_staff = False
            user.save(update_fields=["is_staff"])
