"""Reads about who may do what. Every other app asks these, never the tables directly."""

from django.db.models import QuerySet

from .models import Membership, Program
from .roles import Role


def user_roles(*, user) -> frozenset[str]:
    """The roles ``user`` holds in any program ("admin" for superusers, on top)."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_stepwise_roles", None)
    if cached is None:
        cached = frozenset(Membership.objects.filter(user=user).values_list("role", flat=True))
        if user.is_superuser:
            cached = cached | {"admin"}
        user._stepwise_roles = cached
    return cached


def user_has_role(*, user, role: Role | str) -> bool:
    return str(role) in user_roles(user=user)


def program_ids_for_user(*, user, roles: tuple[str, ...] | None = None) -> list[int]:
    """Ids of the programs where ``user`` holds one of ``roles`` (any role when None)."""
    if not user.is_authenticated:
        return []
    # Memoised on the user object, which lives for one request.
    cache = user.__dict__.setdefault("_stepwise_program_ids", {})
    key = None if roles is None else tuple(sorted(str(r) for r in roles))
    if key not in cache:
        qs = Membership.objects.filter(user=user)
        if roles is not None:
            qs = qs.filter(role__in=roles)
        cache[key] = sorted(set(qs.values_list("program_id", flat=True)))
    return list(cache[key])


def programs_for_user(*, user, roles: tuple[str, ...] | None = None) -> QuerySet[Program]:
    return Program.objects.filter(pk__in=program_ids_for_user(user=user, roles=roles))
