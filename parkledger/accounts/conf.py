"""The security parameters, all configurable through `settings.PARKLEDGER_SECURITY`.

Defaults follow the assessor practice of 等保2.0 level 3 (domain-rules.md §6); a deployment
overrides any of them, e.g. `PARKLEDGER_SECURITY = {"LOCKOUT_MINUTES": 30}`.
"""
from __future__ import annotations

from typing import Any

from django.conf import settings

__all__ = ["DEFAULTS", "security_setting"]

DEFAULTS: dict[str, Any] = {
    # passwords
    "PASSWORD_MIN_LENGTH": 8,
    "PASSWORD_MIN_CLASSES": 3,          # of lower case, upper case, digits, other characters
    "PASSWORD_MAX_AGE_DAYS": 90,        # older passwords must be changed at the next request
    # login failures, counted per (account, client address): see parkledger/accounts/throttle.py
    "LOCKOUT_THRESHOLD": 5,             # consecutive failures that lock the account for that address
    "LOCKOUT_MINUTES": 15,              # the first lock; each further failure doubles it
    "LOCKOUT_MAX_MINUTES": 24 * 60,
    "LOGIN_DELAY_AFTER": 2,             # failures before the next attempt must wait
    "LOGIN_DELAY_SECONDS": 2,           # the first wait; doubles with each further failure
    "LOGIN_PENDING_SECONDS": 60,        # an attempt still unanswered after this no longer counts
    # a password-reset link the system administrator hands over is valid this long, and once
    "RESET_LINK_HOURS": 24,
    # sessions
    "IDLE_TIMEOUT_MINUTES": 30,
    # second factor
    "TOTP_REQUIRED_ROLES": ("sysadmin", "secadmin", "auditadmin"),
    "TOTP_REQUIRED_FOR_SUPERUSERS": True,
    "TOTP_ISSUER": "ParkLedger",
    "TOTP_VALID_WINDOW": 1,             # accept the previous and next 30-second code too
    "TOTP_PENDING_MINUTES": 5,          # time between the password step and the code step
    # audit
    "AUDIT_RETENTION_DAYS": 180,        # 网络安全法 art. 21(3): at least six months
    # period corrections
    "PERIOD_UNLOCK_DEFAULT_HOURS": 24,
    "PERIOD_UNLOCK_MAX_HOURS": 24 * 7,
    # client address: trust X-Forwarded-For only behind a known reverse proxy
    "TRUST_X_FORWARDED_FOR": False,
    # response headers
    "CONTENT_SECURITY_POLICY": (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
        "form-action 'self'; frame-ancestors 'none'"
    ),
    "PERMISSIONS_POLICY": "camera=(), microphone=(), geolocation=(), payment=()",
}


def security_setting(name: str) -> Any:
    """One security parameter: the deployment's value, else the default."""
    configured = getattr(settings, "PARKLEDGER_SECURITY", None) or {}
    if name in configured:
        return configured[name]
    return DEFAULTS[name]
