"""System checks of the deployment's security settings (run by `parkledger check --deploy`)."""
from __future__ import annotations

from django.conf import settings
from django.core.checks import Tags, Warning, register

from parkledger.accounts.conf import security_setting


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
    return problems
