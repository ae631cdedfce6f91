from django.conf import settings

from .selectors import user_roles


def navigation(request) -> dict:
    """What the navigation bar may show: each role sees only what it may use."""
    user = getattr(request, "user", None)
    roles = user_roles(user=user) if user is not None else frozenset()
    return {
        "nav_roles": roles,
        "nav_is_clinician": "clinician" in roles,
        "nav_is_supervisor": "supervisor" in roles,
        "nav_is_rule_admin": "rule_admin" in roles or "admin" in roles,
        "nav_is_admin": "admin" in roles,
        "idle_timeout_s": settings.STEPWISE_IDLE_TIMEOUT_S,
        # django-htmx's script tag reads ``csp_nonce``; django-csp 4 sets ``CSP_NONCE``.
        "csp_nonce": getattr(request, "csp_nonce", ""),
    }
