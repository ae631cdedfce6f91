"""Test settings: used by `make test` (pytest.ini selects it). DATABASE_URL and
CELERY_BROKER_URL, when set, point the suite at PostgreSQL and a real broker (CI does)."""

from .base import *  # noqa: F403
from .base import LOGGING, env

DEBUG = False
STEPWISE_ENVIRONMENT = "test"
# Fast hashing in tests; the production hasher (Argon2) is tested explicitly.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher",
    "accounts.hashers.StepwiseArgon2PasswordHasher",
]
EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.locmem.EmailBackend")
# A worker process under test may be pointed at the tests' SMTP sink.
EMAIL_HOST = env("DJANGO_EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("DJANGO_EMAIL_PORT", default=25)
EMAIL_USE_TLS = False
EMAIL_TIMEOUT = 10
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
LOGGING["root"]["level"] = "WARNING"

# Look files up on each request: nothing is collected in test.
WHITENOISE_AUTOREFRESH = True

# Tests that exercise two-factor sign-in turn it on themselves.
STEPWISE_ENFORCE_2FA = env.bool("STEPWISE_ENFORCE_2FA", default=False)

# Audit exports of the test run go to a directory of their own.
import tempfile  # noqa: E402

STEPWISE_PRIVATE_DIR = tempfile.mkdtemp(prefix="stepwise-private-")
STORAGES = {
    **STORAGES,
    "private": {
        **STORAGES["private"],
        "OPTIONS": {**STORAGES["private"]["OPTIONS"], "location": STEPWISE_PRIVATE_DIR},
    },
}
