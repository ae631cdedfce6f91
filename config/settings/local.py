"""Local development: `make run`. SQLite and in-process tasks unless the environment says
otherwise; emails go to the console."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
STEPWISE_ENVIRONMENT = "local"

# Look files up on each request: nothing is collected in local.
WHITENOISE_AUTOREFRESH = True

# Demo users sign in with a password only; set STEPWISE_ENFORCE_2FA=True to try two-factor.
STEPWISE_ENFORCE_2FA = env.bool("STEPWISE_ENFORCE_2FA", default=False)
