"""System checks of the deployment's security settings (run by `parkledger check --deploy`)."""
from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings
from django.core.checks import Tags, Warning, register

from parkledger.accounts.conf import security_setting
from parkledger.accounts.passwords import demo_switch_on


@register(Tags.security, deploy=True)
def check_security_settings(app_configs=None, **kwargs) -> list[Warning]:
    """The 等保 parameters of PARKLEDGER_SECURITY and the middleware that enforces them."""
    problems: list[Warning] = []
    if int(security_setting("AUDIT_RETENTION_DAYS")) < 180:
        problems.append(Warning("AUDIT_RETENTION_DAYS is below 180 days (网络安全法 art. 21: six months)",
                                id="parkledger.W001"))
    if int(security_setting("PASSWORD_MIN_LENGTH")) < 8 or int(security_setting("PASSWORD_MIN_CLASSES")) < 3:
        problems.append(Warning("password rules are weaker than 8 characters of 3 classes", id="parkledger.W002"))
    if int(security_setting("IDLE_TIMEOUT_MINUTES")) > 30:
        problems.append(Warning("the idle session timeout is longer than 30 minutes", id="parkledger.W003"))
    required = (
        "parkledger.accounts.middleware.AuditContextMiddleware",
        "parkledger.accounts.middleware.IdleTimeoutMiddleware",
        "parkledger.accounts.middleware.SecurityGateMiddleware",
        "parkledger.accounts.middleware.SecurityHeadersMiddleware",
    )
    missing = [m for m in required if m not in settings.MIDDLEWARE]
    if missing:
        problems.append(Warning(f"security middleware missing: {', '.join(missing)}", id="parkledger.W004"))
    if "parkledger.accounts.backends.LockoutBackend" not in settings.AUTHENTICATION_BACKENDS:
        problems.append(Warning("the lockout authentication backend is not configured", id="parkledger.W005"))
    if not settings.DEBUG and demo_switch_on():
        problems.append(Warning(
            "PARKLEDGER_DEMO=1 with DEBUG off: the demo accounts, whose passwords are published, can sign in",
            hint="unset PARKLEDGER_DEMO outside a trial of the demo", id="parkledger.W006"))
    if not audit_key_configured():
        problems.append(Warning(
            "no audit key: set PARKLEDGER_AUDIT_KEY or create var/audit.key under PARKLEDGER_VAR_DIR",
            hint="`make setup` creates var/audit.key; back it up apart from the database", id="parkledger.W007"))
    return problems


def audit_key_configured() -> bool:
    """The audit log's HMAC key: the environment variable PARKLEDGER_AUDIT_KEY, else the file
    `audit.key` in the var folder (PARKLEDGER_VAR_DIR), non-empty; the audit app's own reading of
    them (`parkledger.audit.keys.key_status`, which also checks the key's form) where it has one."""
    try:
        from parkledger.audit.keys import key_status
    except ImportError:
        key_status = None
    if key_status is not None:
        return not key_status()
    if os.environ.get("PARKLEDGER_AUDIT_KEY", "").strip():
        return True
    key_file = Path(getattr(settings, "VAR_DIR", "var")) / "audit.key"
    try:
        return key_file.is_file() and key_file.stat().st_size > 0
    except OSError:
        return False
