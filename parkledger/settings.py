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
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or (
    "dev-only-insecure-key-change-me" if DEBUG else ""
)
if not SECRET_KEY:
    raise RuntimeError("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG=0")
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
    "parkledger.dataio",
    "parkledger.indicators",
    "parkledger.reports",
    "parkledger.web",
    "parkledger.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "parkledger.accounts.middleware.SecurityHeadersMiddleware",
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
MEDIA_ROOT = VAR_DIR / "media"
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"

DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
PARKLEDGER_MAX_UPLOAD_BYTES = env_int("PARKLEDGER_MAX_UPLOAD_BYTES", 50 * 1024 * 1024)

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

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("PARKLEDGER_LOG_LEVEL", "WARNING")},
}
