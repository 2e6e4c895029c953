"""Login security services: lockout after repeated failures and the TOTP second factor."""
from __future__ import annotations

from datetime import timedelta
from typing import Any

import pyotp
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from parkledger.accounts.conf import security_setting
from parkledger.accounts.models import SecurityProfile
from parkledger.accounts.passwords import demo_exempt
from parkledger.accounts.permissions import user_roles
from parkledger.audit.log import audit_log
from parkledger.audit.models import AuditAction, AuditResult

__all__ = [
    "profile_of", "is_locked", "locked_minutes_left", "register_failure", "register_success",
    "totp_required", "totp_needed_at_login", "new_totp_secret", "totp_uri", "verify_totp", "find_user",
]


def profile_of(user: Any) -> SecurityProfile:
    """The user's security profile (created on first use)."""
    try:
        return user.security
    except SecurityProfile.DoesNotExist:
        profile, _created = SecurityProfile.objects.get_or_create(user=user)
        user.security = profile
        return profile


def find_user(username: str) -> Any:
    User = get_user_model()
    return User._default_manager.filter(**{User.USERNAME_FIELD: username}).first()


def is_locked(user: Any, now=None) -> bool:
    profile = profile_of(user)
    return bool(profile.locked_until and profile.locked_until > (now or timezone.now()))


def locked_minutes_left(user: Any) -> int:
    profile = profile_of(user)
    if not profile.locked_until:
        return 0
    seconds = (profile.locked_until - timezone.now()).total_seconds()
    return max(0, int(seconds + 59) // 60)


def register_failure(username: str, *, reason: str = "password") -> None:
    """Count a failed login (password or second factor); lock the account at the threshold. Logged."""
    user = find_user(username) if username else None
    detail: dict[str, Any] = {"reason": reason}
    if user is None:
        audit_log(AuditAction.LOGIN_FAILED, user=username or "", result=AuditResult.FAILURE,
                  detail={**detail, "unknown_user": True})
        return
    now = timezone.now()
    locked_now = False
    with transaction.atomic():
        profile = SecurityProfile.objects.select_for_update().get(pk=profile_of(user).pk)
        if profile.locked_until and profile.locked_until > now:
            detail["locked_until"] = profile.locked_until.isoformat()
        else:
            if profile.locked_until:  # an expired lock starts a fresh count
                profile.failed_logins = 0
                profile.locked_until = None
            profile.failed_logins += 1
            if profile.failed_logins >= int(security_setting("LOCKOUT_THRESHOLD")):
                profile.locked_until = now + timedelta(minutes=int(security_setting("LOCKOUT_MINUTES")))
                locked_now = True
            profile.save(update_fields=["failed_logins", "locked_until"])
        detail["failed_logins"] = profile.failed_logins
        user.security = profile
    audit_log(AuditAction.LOGIN_FAILED, obj=user, user=user, result=AuditResult.FAILURE, detail=detail)
    if locked_now:
        audit_log(AuditAction.LOCKOUT, obj=user, user=user, result=AuditResult.SUCCESS, detail={
            "failed_logins": profile.failed_logins, "locked_until": profile.locked_until.isoformat(),
        })


def register_success(user: Any) -> None:
    profile = profile_of(user)
    if profile.failed_logins or profile.locked_until:
        profile.failed_logins = 0
        profile.locked_until = None
        profile.save(update_fields=["failed_logins", "locked_until"])


def totp_required(user: Any) -> bool:
    """Is a second factor mandatory for this user (the three administrators; superusers)?"""
    if demo_exempt(user):
        return False
    if user.is_superuser and security_setting("TOTP_REQUIRED_FOR_SUPERUSERS"):
        return True
    return bool(set(security_setting("TOTP_REQUIRED_ROLES")) & user_roles(user))


def totp_needed_at_login(user: Any) -> bool:
    """Must the login ask for a code (the user has enrolled, and is not an exempt demo account)?"""
    return profile_of(user).totp_enabled and not demo_exempt(user)


def new_totp_secret() -> str:
    return pyotp.random_base32()


def totp_uri(user: Any, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.get_username(), issuer_name=security_setting("TOTP_ISSUER"))


def _matching_counter(secret: str, code: str, now=None) -> int | None:
    code = "".join(ch for ch in str(code) if ch.isdigit())
    if len(code) != 6:
        return None
    totp = pyotp.TOTP(secret)
    when = now or timezone.now()
    window = int(security_setting("TOTP_VALID_WINDOW"))
    for offset in range(-window, window + 1):
        moment = when + timedelta(seconds=offset * totp.interval)
        if pyotp.utils.strings_equal(totp.at(moment), code):
            return totp.timecode(moment)
    return None


def verify_totp(user: Any, code: str, *, secret: str | None = None) -> bool:
    """Check a 6-digit code against the user's secret (or a secret being enrolled); a code is used once."""
    profile = profile_of(user)
    counter = _matching_counter(secret or profile.totp_secret, code)
    if counter is None:
        return False
    if profile.totp_last_counter is not None and counter <= profile.totp_last_counter and secret is None:
        return False  # a replayed code
    profile.totp_last_counter = counter
    if secret is not None:
        profile.totp_secret = secret
        profile.totp_confirmed_at = timezone.now()
        profile.save(update_fields=["totp_last_counter", "totp_secret", "totp_confirmed_at"])
        audit_log(AuditAction.TOTP_ENROL, obj=user, user=user)
    else:
        profile.save(update_fields=["totp_last_counter"])
    return True
