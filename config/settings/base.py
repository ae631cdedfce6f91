"""Settings shared by every environment. Everything that differs between machines comes from
environment variables (every one is listed in docs/configuration.md)."""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

SECRET_KEY = env("DJANGO_SECRET_KEY", default="insecure-local-development-key-do-not-deploy")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "simple_history",
    "auditlog",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    "django_celery_beat",
    "django_celery_results",
    "accounts",
    "intake",
    "rulesets",
    "placement",
    "audit",
    "demo",
    "portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.twofactor.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "accounts.middleware.IdleTimeoutMiddleware",
    "config.clientip.TrustedProxyAuditlogMiddleware",
    # Rule-table history records who made each change.
    "simple_history.middleware.HistoryRequestMiddleware",
    # django-axes must be last: it turns lockouts into a response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "accounts.context_processors.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# DATABASE_URL switches to PostgreSQL (postgres://user:pass@host:5432/name); default is a
# SQLite file next to manage.py so that `make run` needs no server.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # psycopg2 has no pool in Django: keep connections and check them before reuse.
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
else:
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication -------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "accounts.hashers.StepwiseArgon2PasswordHasher",  # argon2id, 19 MiB, t=2, p=1 (OWASP)
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_URL_PATH = "/accounts/login/"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Lockout: 5 failures per username and address locks that pair for 15 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False  # its log lines carry usernames; ours never do
AXES_CLIENT_IP_CALLABLE = "config.clientip.client_ip"

# Proxies whose X-Forwarded-For header is believed (addresses or networks, comma-separated).
# Empty: the header is ignored and the connecting address is the client's (config/clientip.py).
STEPWISE_TRUSTED_PROXIES = env.list("STEPWISE_TRUSTED_PROXIES", default=[])

# Two-factor sign-in is required of supervisors and administrators (and of clinicians where
# their program says so). Off only for local development (config/settings/local.py).
STEPWISE_ENFORCE_2FA = env.bool("STEPWISE_ENFORCE_2FA", default=True)
OTP_TOTP_ISSUER = "Stepwise"

# Automatic sign-out after this many seconds without user activity (HIPAA automatic logoff).
STEPWISE_IDLE_TIMEOUT_S = env.int("STEPWISE_IDLE_TIMEOUT_S", default=15 * 60)
SESSION_COOKIE_AGE = 12 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = env("STEPWISE_TIME_ZONE", default="America/New_York")
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
# Files with protected health information (audit exports): never under a public URL, always
# served by a view that checks and audits, written readable by the app's own user only (0600 in
# 0700 folders), outside the source tree by default, and deleted after
# STEPWISE_EXPORT_RETENTION_DAYS. On several app hosts, point this at shared or object storage
# (STEPWISE_PRIVATE_STORAGE names the backend; see docs/deploy.md). STEPWISE_PRIVATE_ROOT is the
# older name of STEPWISE_PRIVATE_DIR and is still read.
STEPWISE_PRIVATE_DIR = env(
    "STEPWISE_PRIVATE_DIR",
    default=env(
        "STEPWISE_PRIVATE_ROOT",
        default=str(Path.home() / ".local" / "share" / "stepwise" / "private"),
    ),
)
STEPWISE_EXPORT_RETENTION_DAYS = env.int("STEPWISE_EXPORT_RETENTION_DAYS", default=7)
PRIVATE_STORAGE = {
    "BACKEND": env(
        "STEPWISE_PRIVATE_STORAGE", default="django.core.files.storage.FileSystemStorage"
    ),
    "OPTIONS": {
        "location": STEPWISE_PRIVATE_DIR,
        "base_url": None,
        "file_permissions_mode": 0o600,
        "directory_permissions_mode": 0o700,
    },
}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "private": PRIVATE_STORAGE,
}

# --- Forms ----------------------------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Content Security Policy (django-csp 4) --------------------------------------------------
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# --- Celery ---------------------------------------------------------------------------------
# With no CELERY_BROKER_URL, tasks run eagerly in-process (the `make run` default).
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = False
if not CELERY_BROKER_URL:
    CELERY_BROKER_URL = "memory://"
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default="django-db")
CELERY_RESULT_EXTENDED = False
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Fail fast when the broker is down: the database row is the truth and the sweeper re-sends.
CELERY_BROKER_TRANSPORT_OPTIONS = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2}
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = {
    # Re-send background work a placement still needs (notifications, PDFs).
    "sweep-work": {"task": "placement.sweep_work", "schedule": 60.0},
    # Rule-set imports a worker dropped: send again, or fail them visibly.
    "sweep-rule-imports": {"task": "rulesets.sweep_imports", "schedule": 60.0},
    # Audit exports: send again the stranded ones, delete files past their retention.
    "sweep-audit-exports": {"task": "audit.sweep_exports", "schedule": 60.0},
    # Each morning: overdue-review digest to supervisors.
    "overdue-digest": {"task": "placement.overdue_digest", "schedule": crontab(hour=7, minute=0)},
}
# Publishing gives up quickly when the broker is down (the sweeper sends it later).
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
CELERY_TIMEZONE = TIME_ZONE

# --- Email ----------------------------------------------------------------------------------
EMAIL_BACKEND = env(
    "DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend"
)
EMAIL_FILE_PATH = env("DJANGO_EMAIL_FILE_PATH", default=str(BASE_DIR / "sent-mail"))
EMAIL_HOST = env("DJANGO_EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("DJANGO_EMAIL_PORT", default=25)
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default="stepwise@localhost")
STEPWISE_BASE_URL = env("STEPWISE_BASE_URL", default="http://127.0.0.1:8000")

# --- Logging: never PHI ---------------------------------------------------------------------
# Request logs carry only method, path (ids, never names) and status. The filter below drops
# Django's error reports that would include request bodies.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"no_phi": {"()": "config.logging.RedactPHIFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["no_phi"]},
    },
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.request": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        # runserver's request lines ("GET /patients/?q=... 200"): through the same filter.
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.security": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        "axes": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        "weasyprint": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        "fontTools": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}

# --- Stepwise -------------------------------------------------------------------------------
# `/healthz?deep=1` (a round trip through a worker) answers monitors that send this value in
# the X-Health-Token header, and signed-in superusers. Empty: superusers only.
STEPWISE_HEALTH_TOKEN = env("STEPWISE_HEALTH_TOKEN", default="")
STEPWISE_ENVIRONMENT = "base"
# Impact previews over more stored assessments than this run as a Celery job with progress.
STEPWISE_IMPACT_SYNC_LIMIT = env.int("STEPWISE_IMPACT_SYNC_LIMIT", default=2000)
# Rule-set spreadsheets that unpack to more than this many bytes are read by a background job;
# reading one (in the request or the job) stops at this many seconds.
STEPWISE_IMPORT_SYNC_BYTES = env.int("STEPWISE_IMPORT_SYNC_BYTES", default=1_000_000)
STEPWISE_IMPORT_TIME_LIMIT_S = env.float("STEPWISE_IMPORT_TIME_LIMIT_S", default=60.0)
# Review target for the queue (hours) when a program sets none.
STEPWISE_DEFAULT_REVIEW_TARGET_H = 24
# Work that a placement still needs is re-sent when not done after this many seconds.
STEPWISE_SWEEP_AFTER_S = env.int("STEPWISE_SWEEP_AFTER_S", default=180)
# Serve static files straight from the source folders when nothing was collected (development,
# tests); production serves the collected, hashed and compressed copies.
WHITENOISE_USE_FINDERS = not (BASE_DIR / "staticfiles").exists()
# The rule set used when none is named (commands, new assessments of this edition).
STEPWISE_DEFAULT_RULE_SET = env("STEPWISE_DEFAULT_RULE_SET", default="asam3-default")
# The rule set each edition's new assessments use (a program chooses its edition).
STEPWISE_RULE_SETS = {
    "3": STEPWISE_DEFAULT_RULE_SET,
    "4": env("STEPWISE_RULE_SET_4TH", default="asam4-default"),
}

# The rule-set admin page posts every rule row at once (~1,500 fields for the default set).
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
