"""Jejak's one settings file: every value comes from the environment (see .env.example)."""

from __future__ import annotations

import datetime
import sys
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from tracker.env import (
    env_admins,
    env_bool,
    env_cache,
    env_choice,
    env_database,
    env_int,
    env_list,
    env_networks,
    env_sentry_dsn,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", default=False)

# mypy's Django plugin imports these settings only to read the models; that process serves
# nothing, so `mypy` alone (pre-commit, an editor) type-checks without a secret or DEBUG.
TYPE_CHECKING_ONLY = "mypy" in sys.modules

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG and not TYPE_CHECKING_ONLY:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off (set DEBUG=1 for local development)."
        )
    SECRET_KEY = "insecure-key-only-for-debug-or-type-checking"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "axes",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "django_filters",
    "django_tasks",
    "django_tasks_db",
    "tracker",
    "milestones",
    "mentoring",
    "reports",
    "ninja",
    "api",
]

MIDDLEWARE = [
    # First: a probe of /healthz from this machine is answered whatever its Host or scheme.
    "tracker.middleware.LocalHealthProbeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "tracker.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before the CSRF check, which is the first to read a POST body.
    "tracker.request_body.RequestBodyLimitMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "tracker.middleware.PreferredLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "tracker.middleware.DatabaseBusyMiddleware",
    # Last, as django-axes asks: turns a locked-out login into the page saying until when.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "tracker.urls"
WSGI_APPLICATION = "tracker.wsgi.application"

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
                "django.template.context_processors.i18n",
                "tracker.context_processors.unread_notifications",
            ],
        },
    },
]

DATABASES = {"default": env_database("DATABASE_URL", str(BASE_DIR / "db.sqlite3"))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Rate limits and throttles count here, shared by every process on every host: Redis when
# REDIS_URL is set, else a table in the database (made by `migrate`, see reports/migrations).
CACHES = {"default": env_cache("REDIS_URL", table="jejak_cache")}
# The reverse proxies in front of Jejak (addresses or CIDR ranges). Only when a request comes
# from one of them is its X-Forwarded-For read for the client's address (reports/limits.py).
TRUSTED_PROXIES = env_networks("TRUSTED_PROXIES")

AUTH_USER_MODEL = "tracker.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes refuses a login while its account or client address is locked out, then lets
# Django's own backend check the password.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's model backend, loading the header's counts with the user (tracker/auth.py).
    "tracker.auth.AccountBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "tracker:home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# One date format per context, per language: "14 Mei 2026" and "14 Mei 2026, 08.00 WIB".
FORMAT_MODULE_PATH = ["tracker.formats"]
USE_I18N = True
# Indonesia's three: WIB (Asia/Jakarta), WITA (Asia/Makassar), WIT (Asia/Jayapura).
TIME_ZONE = env_choice(
    "TIME_ZONE", "Asia/Jakarta", ("Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura")
)
USE_TZ = True

STATIC_URL = "static/"
# Where `collectstatic` gathers the static files that nginx serves (default: staticfiles/ here).
STATIC_ROOT = Path(env_str("STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT") or BASE_DIR / "media")
# Milestone evidence: largest accepted upload, in bytes (10 MiB unless set).
EVIDENCE_MAX_BYTES = env_int("EVIDENCE_MAX_BYTES", 10 * 1024 * 1024, minimum=1)
# Largest participant list (CSV or XLSX) an organiser may import, in bytes.
PARTICIPANT_IMPORT_MAX_BYTES = 1024 * 1024
# A request body past the largest upload plus 1 MiB for the rest of its form is refused (413)
# before it is read. nginx's client_max_body_size must be at least this (see README).
REQUEST_MAX_BYTES = max(EVIDENCE_MAX_BYTES, PARTICIPANT_IMPORT_MAX_BYTES) + 1024 * 1024
FILE_UPLOAD_HANDLERS = [
    "tracker.request_body.BodyLimitUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# A milestone not yet accepted with no activity for this many days counts as stuck.
STUCK_AFTER_DAYS = env_int("STUCK_AFTER_DAYS", 14, minimum=1)
# `send_reminders` tells reviewers about items waiting on them for more than this many days.
REVIEW_WAITING_DAYS = env_int("REVIEW_WAITING_DAYS", 3, minimum=0)
# Media (evidence, issued documents) on S3-compatible object storage when S3_BUCKET is set, so
# every web and worker host sees the same files; else in MEDIA_ROOT on this machine's disk.
S3_BUCKET = env_str("S3_BUCKET")
MEDIA_STORAGE = (
    {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": env_str("S3_ENDPOINT_URL") or None,
            "region_name": env_str("S3_REGION") or None,
            "access_key": env_str("S3_ACCESS_KEY_ID") or None,
            "secret_key": env_str("S3_SECRET_ACCESS_KEY") or None,
            "location": env_str("S3_PREFIX"),
            "addressing_style": env_choice("S3_ADDRESSING_STYLE", "path", ("path", "virtual")),
            # Private objects, never overwritten; Jejak hands them out itself after its checks.
            "default_acl": "private",
            "file_overwrite": False,
            "querystring_auth": True,
        },
    }
    if S3_BUCKET
    else {"BACKEND": "django.core.files.storage.FileSystemStorage"}
)
STORAGES = {
    "default": MEDIA_STORAGE,
    "staticfiles": {
        "BACKEND": env_str(
            "STATICFILES_STORAGE", "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Jejak <jejak@localhost>")
# Seconds the worker waits on the mail server before counting an attempt as failed.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30, minimum=1)
# Emails are sent by the background worker (`manage.py db_worker`). A failed attempt is tried
# again after EMAIL_RETRY_DELAY seconds, doubling each time, up to EMAIL_MAX_ATTEMPTS attempts;
# then the delivery is marked failed (organisers see it in the admin).
EMAIL_MAX_ATTEMPTS = env_int("EMAIL_MAX_ATTEMPTS", 5, minimum=1)
EMAIL_RETRY_DELAY = env_int("EMAIL_RETRY_DELAY", 300, minimum=1)
# Absolute address of the site, for links in emails and documents.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# An invitation link (set your password) works for this many days, and only once.
INVITATION_DAYS = env_int("INVITATION_DAYS", 14, minimum=1)
# A password reset link works for this many hours, and only once.
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_HOURS", 24, minimum=1) * 3600

# Login protection (django-axes): after LOGIN_FAILURE_LIMIT failed logins for one account, or
# from one client address, further logins of that account or address are refused for
# LOGIN_COOLOFF_MINUTES, counted from the last failure before the lock (trying while locked does
# not prolong it). The admin login is covered too. A successful login clears the count of its
# account and address unless LOGIN_RESET_ON_SUCCESS is off. Counts are rows in the database
# (visible to the admin, who may delete one to unlock), shared by every process.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 10, minimum=1)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("LOGIN_COOLOFF_MINUTES", 15, minimum=1))
AXES_RESET_ON_SUCCESS = env_bool("LOGIN_RESET_ON_SUCCESS", default=True)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# The client address as the rate limits see it: X-Forwarded-For only behind TRUSTED_PROXIES.
AXES_CLIENT_IP_CALLABLE = "reports.limits.client_address"
AXES_LOCKOUT_CALLABLE = "tracker.account_views.locked_out"
# Jejak registers the attempts in the admin itself, for the operator only (tracker/admin.py).
AXES_ENABLE_ADMIN = False
# Successful logins are not recorded: only failures matter for the lock.
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False

# Reports about more projects than this are built by the background worker (`manage.py
# db_worker`); smaller ones while the person waits.
REPORT_SYNC_MAX_PROJECTS = env_int("REPORT_SYNC_MAX_PROJECTS", 10, minimum=0)
# A report about at least REPORT_PARALLEL_MIN_PROJECTS projects is laid out in REPORT_WORKERS
# processes at once (0: one per core) and joined; a smaller one in the worker's own process, as
# starting the others would cost more than it saves. REPORT_WORKERS=1 never starts any.
REPORT_WORKERS = env_int("REPORT_WORKERS", 0, minimum=0)
REPORT_PARALLEL_MIN_PROJECTS = env_int("REPORT_PARALLEL_MIN_PROJECTS", 40, minimum=0)
# A background report taking longer than this many seconds is stopped and shown as failed.
REPORT_JOB_TIME_LIMIT = env_int("REPORT_JOB_TIME_LIMIT", 600, minimum=10)
# Each person may have Jejak generate at most REPORT_RATE_LIMIT documents (and report jobs) in
# REPORT_RATE_WINDOW seconds; a document served again unchanged from storage does not count.
REPORT_RATE_LIMIT = env_int("REPORT_RATE_LIMIT", 30, minimum=1)
REPORT_RATE_WINDOW = env_int("REPORT_RATE_WINDOW", 3600, minimum=60)

# The REST API (/api/v1/): a token lives API_TOKEN_DAYS unless its owner picks another expiry
# (at most API_TOKEN_MAX_DAYS); each token (or signed-in person) may make API_RATE_LIMIT requests
# in API_RATE_WINDOW seconds. Webhooks are sent with WEBHOOK_TIMEOUT seconds to answer, tried
# WEBHOOK_MAX_ATTEMPTS times with delays doubling from WEBHOOK_RETRY_DELAY seconds, and refused
# on private, loopback and link-local addresses unless WEBHOOK_ALLOW_PRIVATE is set (a test lab).
API_TOKEN_DAYS = env_int("API_TOKEN_DAYS", 90, minimum=1)
API_TOKEN_MAX_DAYS = env_int("API_TOKEN_MAX_DAYS", 366, minimum=1)
API_RATE_LIMIT = env_int("API_RATE_LIMIT", 120, minimum=1)
API_RATE_WINDOW = env_int("API_RATE_WINDOW", 60, minimum=1)
WEBHOOK_TIMEOUT = env_int("WEBHOOK_TIMEOUT", 10, minimum=1)
WEBHOOK_MAX_ATTEMPTS = env_int("WEBHOOK_MAX_ATTEMPTS", 6, minimum=1)
WEBHOOK_RETRY_DELAY = env_int("WEBHOOK_RETRY_DELAY", 60, minimum=1)
WEBHOOK_ALLOW_PRIVATE = env_bool("WEBHOOK_ALLOW_PRIVATE", default=False)

# Notices and their emails are queued inside the transaction of the change they report: the
# database backend on the default database makes the task row commit or roll back with it.
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
# No inline script, handler or style anywhere (tests/test_templates_csp.py checks the templates).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "frame-ancestors 'none'"
)
SILENCED_SYSTEM_CHECKS: list[str] = []
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", default=True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=False)
    if not SECURE_HSTS_PRELOAD:
        # Preloading binds every subdomain of the agency's domain to HTTPS for good: an opt-in.
        SILENCED_SYSTEM_CHECKS += ["security.W021"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # A load balancer probes over plain HTTP: answer it rather than redirect it.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# /healthz counts the background worker as late when its newest heartbeat (`manage.py worker`
# records one every WORKER_HEARTBEAT_SECONDS) is older than WORKER_STALE_SECONDS, or when a job
# has been due for longer than WORKER_QUEUE_MAX_AGE seconds without a worker taking it.
WORKER_HEARTBEAT_SECONDS = env_int("WORKER_HEARTBEAT_SECONDS", 15, minimum=1)
WORKER_STALE_SECONDS = env_int("WORKER_STALE_SECONDS", 120, minimum=2)
WORKER_QUEUE_MAX_AGE = env_int("WORKER_QUEUE_MAX_AGE", 300, minimum=1)

# Errors: mailed to ADMINS (by Django, for every 500 with DEBUG off) and, when SENTRY_DSN is set,
# reported to Sentry (or a self-hosted GlitchTip) without personal data.
ADMINS = env_admins("ADMINS")
SERVER_EMAIL = env_str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
SENTRY_DSN = env_sentry_dsn("SENTRY_DSN")
if SENTRY_DSN:
    import sentry_sdk

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=env_str("SENTRY_ENVIRONMENT", "production"),
        send_default_pii=False,
        traces_sample_rate=0.0,
    )

# Logs go to standard output (journald under systemd): JSON lines unless LOG_FORMAT=text, the
# default with DEBUG on.
LOG_FORMAT = env_choice("LOG_FORMAT", "text" if DEBUG else "json", ("json", "text"))
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "tracker.logs.JSONFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "filters": {"require_debug_false": {"()": "django.utils.log.RequireDebugFalse"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT},
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
            "filters": ["require_debug_false"],
        },
    },
    "root": {
        "handlers": ["console"],
        "level": env_choice("LOG_LEVEL", "INFO", ("DEBUG", "INFO", "WARNING", "ERROR")),
    },
    "loggers": {
        # Django's own handlers replaced: everything once, to the console; 500s to ADMINS too.
        "django": {"handlers": ["console", "mail_admins"], "level": "INFO", "propagate": False},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # WeasyPrint narrates every rendering step at INFO; only its warnings matter.
        "weasyprint.progress": {"level": "WARNING"},
        # django-axes narrates every login and logout at INFO; its warnings are the failures.
        "axes": {"level": "WARNING"},
    },
}
