import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponse
from django.shortcuts import redirect

SESSION_KEY = "stepwise_last_activity"
# Requests carrying this header (htmx polling, status checks) do not count as user activity.
BACKGROUND_HEADER = "X-Stepwise-Background"


class IdleTimeoutMiddleware:
    """Automatic logoff: a session with no user activity for STEPWISE_IDLE_TIMEOUT_S seconds
    is signed out. Background requests neither count as activity nor keep a session alive."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = time.time()
            last = request.session.get(SESSION_KEY)
            if last is not None and now - last > settings.STEPWISE_IDLE_TIMEOUT_S:
                logout(request)
                messages.info(
                    request,
                    "You were signed out after a period without activity. "
                    "Sign in again to continue; saved work is kept.",
                )
                login_url = f"{settings.LOGIN_URL_PATH}?{urlencode({'next': request.path})}"
                if request.headers.get("HX-Request"):
                    response = HttpResponse(status=204)
                    response["HX-Redirect"] = login_url
                    return response
                return redirect(login_url)
            # Record activity (at most once a second, to spare a session write per request).
            # The browser saves a draft and signs out a few seconds before the deadline it
            # counts from its last request; a coarser record here would end the session first
            # and lose that draft.
            if not request.headers.get(BACKGROUND_HEADER) and (last is None or now - last > 1):
                request.session[SESSION_KEY] = now
        return self.get_response(request)
