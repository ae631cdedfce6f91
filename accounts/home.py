"""What each role's home page shows. Each section comes from the app that owns the data."""

from .selectors import programs_for_user, user_roles


def home_sections(*, user) -> dict:
    roles = user_roles(user=user)
    context: dict = {"roles": roles, "programs": list(programs_for_user(user=user))}
    return context
