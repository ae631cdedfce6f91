"""Re-entering the password for a sensitive step: an electronic signature, or a change to the
account's second factor. Wrong passwords count toward the same lockout as sign-in
(django-axes, per username and address), so a signed-in session cannot be used to guess the
password; once locked, the session is signed out."""

from __future__ import annotations

import copy

from axes.handlers.proxy import AxesProxyHandler
from django.contrib.auth import logout
from django.contrib.auth.signals import user_login_failed
from django.http import QueryDict


class ReauthLocked(Exception):
    """Too many wrong passwords: the username is locked out for the cool-off period."""

    def __str__(self) -> str:
        return (
            "Too many wrong passwords. For your security you were signed out; sign-in is "
            "locked for this account from this address for 15 minutes."
        )


def _bare(request):
    """A copy of the request without its form data: django-axes keeps the posted fields of a
    failed attempt, and a signature form can carry clinical comments."""
    bare = copy.copy(request)
    bare.POST = QueryDict()
    bare.GET = QueryDict()
    for attr in [a for a in vars(bare) if a.startswith("axes_")]:
        delattr(bare, attr)
    return bare


def password_reconfirm(*, request, user, password: str) -> bool:
    """True when ``password`` is the user's. A wrong one is counted as a failed sign-in;
    when that locks the account out, the session is signed out and ReauthLocked is raised."""
    credentials = {"username": user.get_username()}
    bare = _bare(request)
    if not AxesProxyHandler.is_allowed(bare, credentials):
        logout(request)
        raise ReauthLocked
    if password and user.check_password(password):
        return True
    user_login_failed.send(sender=__name__, credentials=credentials, request=bare)
    if not AxesProxyHandler.is_allowed(_bare(request), credentials):
        logout(request)
        raise ReauthLocked
    return False
