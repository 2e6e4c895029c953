"""Django settings for ParkLedger, read from the environment.

Development defaults run on the embedded SQLite database under `var/`. Production sets
`DJANGO_DEBUG=0`, `DJANGO_SECRET_KEY`, `DJANGO_ALLOWED_HOSTS` and `DATABASE_URL`
(PostgreSQL); see the README's "Production" section.
"""
from __future__ import annotations

import os
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from parkledger.dburl import database_from_url
from parkledger.jobs.static import cache_for_a_year

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent
VAR_DIR = Path(os.environ.get("PARKLEDGER_VAR_DIR", PROJECT_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    return default if value is None else value.strip().lower() in ("1", "true", "yes", "on")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return default if value in (None, "") else int(value)


DEBUG = env_bool("DJANGO_DEBUG", True)
DEV_SECRET_KEY = "dev-only-insecure-key-change-me"
# Under DEBUG=0 a missing key stays empty: Django refuses to use it, and `parkledger serve` and
# the WSGI entry point refuse to start with a message saying how to set one (parkledger.jobs.startup).
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or (DEV_SECRET_KEY if DEBUG else "")
ALLOWED_HOSTS = [h for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI files served locally (no CDN) at /api/docs/
    # the park and its enterprises, then one app per report chapter
    "parkledger.core",
    "parkledger.investment",
    "parkledger.economy",
    "parkledger.construction",
    "parkledger.governance",
    "parkledger.finance",
    "parkledger.party",
    "parkledger.plans",
    # cross-cutting
    "parkledger.accounts",
    "parkledger.audit",
    "parkledger.periods",
    "parkledger.filing",
    "parkledger.city",
    "parkledger.dataio",
    "parkledger.indicators",
    "parkledger.reports",
    "parkledger.web",
    "parkledger.api",
    # background jobs (django-tasks with its database backend) and the production server's health
    "django_tasks",
    "django_tasks_db",
    "parkledger.jobs",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "parkledger.accounts.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "parkledger.accounts.middleware.AuditContextMiddleware",
    "parkledger.accounts.middleware.IdleTimeoutMiddleware",
    "parkledger.accounts.middleware.SecurityGateMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "parkledger.urls"
WSGI_APPLICATION = "parkledger.wsgi.application"

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
            ],
        },
    },
]

DATABASES = {"default": database_from_url(os.environ.get("DATABASE_URL"), VAR_DIR / "parkledger.sqlite3")}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL lets readers run beside the one writer; writes take the lock when they begin (IMMEDIATE)
    # and wait up to `timeout` seconds for it instead of failing half-way with "database is locked"
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30, "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000",
    }
else:
    # PostgreSQL: each gunicorn worker keeps its connection (checked before reuse) instead of
    # connecting for every request
    DATABASES["default"]["CONN_MAX_AGE"] = env_int("DJANGO_CONN_MAX_AGE", 300)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # A park's figures are many short reads through indexes led by the park: no JIT compilation
    # (at province size the plans pass the JIT cost threshold and compiling outlasts the query), and
    # random reads priced as the cached reads they are, so the planner reads the park's rows through
    # those indexes instead of scanning whole ledgers. An `options=` in DATABASE_URL replaces this.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off -c random_page_cost=1.1")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "parkledger.accounts.passwords.ComplexityValidator"},
]
AUTHENTICATION_BACKENDS = ["parkledger.accounts.backends.LockoutBackend"]

# Security parameters (等保2.0 level 3); defaults in parkledger/accounts/conf.py, e.g.
# {"PASSWORD_MAX_AGE_DAYS": 90, "LOCKOUT_THRESHOLD": 5, "LOCKOUT_MINUTES": 15, "IDLE_TIMEOUT_MINUTES": 30}
PARKLEDGER_SECURITY: dict = {"TRUST_X_FORWARDED_FOR": env_bool("PARKLEDGER_TRUST_X_FORWARDED_FOR", False)}

# Sessions and cookies; DJANGO_SECURE_SSL=1 (production behind HTTPS) turns on HSTS, HTTPS-only
# cookies and the redirect to HTTPS; DJANGO_SECURE_PROXY_SSL_HEADER=1 trusts X-Forwarded-Proto
# from a TLS-terminating reverse proxy.
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_AGE = env_int("DJANGO_SESSION_COOKIE_AGE", 12 * 3600)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if env_bool("DJANGO_SECURE_SSL", False):
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", False)
if env_bool("DJANGO_SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# HSTS preload lists are for public domains submitted to the browsers; a government intranet
# host is not (DJANGO_SECURE_HSTS_PRELOAD=1 sends "preload" for one that is)
SILENCED_SYSTEM_CHECKS = ["security.W021"]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise serves it (empty until collectstatic)
# Production (DEBUG=0): `collectstatic` writes hashed, compressed copies that WhiteNoise serves with
# `Cache-Control: max-age=31536000, immutable`; under DEBUG the files are served as they are.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage" if DEBUG
        else "parkledger.jobs.static.StaticStorage",  # WhiteNoise's CompressedManifestStaticFilesStorage
    },
}
WHITENOISE_MAX_AGE = 0 if DEBUG else 3600  # unhashed names (e.g. /static/favicon.ico): one hour
WHITENOISE_ADD_HEADERS_FUNCTION = cache_for_a_year  # hashed names: one year
MEDIA_ROOT = VAR_DIR / "media"
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"

DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
PARKLEDGER_MAX_UPLOAD_BYTES = env_int("PARKLEDGER_MAX_UPLOAD_BYTES", 50 * 1024 * 1024)
# a file past PARKLEDGER_MAX_UPLOAD_BYTES is not spooled to disk (see parkledger.web.upload_limit)
FILE_UPLOAD_HANDLERS = [
    "parkledger.web.upload_limit.UploadLimitHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "ParkLedger API",
    "DESCRIPTION": "园区台账 REST API: ledgers, figures and reports",
    "VERSION": "1.0.0",
    # the API: request and response schemas apart (ids and decimals differ), docs without a CDN
    "COMPONENT_SPLIT_REQUEST": True,
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # one schema component per choice set: several ledgers have a `kind`, `category`, `action` or `result`
    "ENUM_NAME_OVERRIDES": {
        f"{name}Enum": f"parkledger.{path}.{name}"
        for path, names in {
            "investment.choices": ("CapitalSource", "TalentTier", "ApplicantKind", "ApplicationResult", "PlatformKind"),
            "economy.choices": ("QualificationKind", "PatentKind", "Grade", "DisbursementKind"),
            "construction.choices": ("GovProjectCategory", "MilestoneSubject", "SeaUseKind"),
            "governance.choices": (
                "HazardLevel", "OutreachKind", "EnvAction", "IssueCategory", "PetitionSource", "DisputeOutcome",
            ),
            "finance.choices": ("FilingKind", "FinancingKind"),
            "party.choices": ("ActivityKind",),
            "audit.models": ("AuditAction", "AuditResult"),
        }.items()
        for name in names
    },
}

# Background jobs: django-tasks on the project's own database (no extra server); `parkledger worker`
# runs them. PARKLEDGER_TASKS_IMMEDIATE=1 (the tests) runs each job at once, in the request.
TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend"
        if env_bool("PARKLEDGER_TASKS_IMMEDIATE", False) else "django_tasks_db.DatabaseBackend",
    },
}
# an import of more rows than this is applied by the worker, its progress shown on a job page
PARKLEDGER_IMPORT_JOB_ROWS = env_int("PARKLEDGER_IMPORT_JOB_ROWS", 3000)
# nightly backups: folder and how many to keep
PARKLEDGER_BACKUP_DIR = Path(os.environ.get("PARKLEDGER_BACKUP_DIR", VAR_DIR / "backups"))
PARKLEDGER_BACKUP_KEEP = env_int("PARKLEDGER_BACKUP_KEEP", 14)
# the persistent PDF converter (unoserver, started by `parkledger serve`); one-shot soffice when it is not up
PARKLEDGER_UNOSERVER = os.environ.get("PARKLEDGER_UNOSERVER", "127.0.0.1:2003")
# /healthz reports the disk down under this much free space in VAR_DIR
PARKLEDGER_MIN_FREE_MB = env_int("PARKLEDGER_MIN_FREE_MB", 500)

# E-mail (password resets, reminders): an SMTP relay inside the government network
EMAIL_BACKEND = os.environ.get("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend" if not DEBUG
                               else "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("DJANGO_EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("DJANGO_EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_EMAIL_FROM", "parkledger@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("PARKLEDGER_LOG_LEVEL", "WARNING")},
}
