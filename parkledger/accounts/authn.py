"""Login security services: the TOTP second factor, the demo accounts' door (failures: `throttle`)."""
from __future__ import annotations

from datetime import timedelta
from typing import Any

import pyotp
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from parkledger.accounts.conf import security_setting
from parkledger.accounts.models import SecurityProfile
from parkledger.accounts.passwords import demo_exempt, demo_sign_in_allowed
from parkledger.accounts.permissions import user_roles
from parkledger.audit.log import audit_log
from parkledger.audit.models import AuditAction

__all__ = [
    "profile_of", "demo_sign_in_allowed", "demo_refused", "totp_required", "totp_enrol_required",
    "totp_needed_at_login", "new_totp_secret", "totp_uri", "verify_totp", "find_user",
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


def demo_refused(user: Any) -> bool:
    """A demo account in a deployment that does not allow demo sign-ins."""
    profile = getattr(user, "security", None)
    return bool(profile is not None and profile.demo_exempt and not demo_sign_in_allowed())


def totp_required(user: Any) -> bool:
    """Is a second factor mandatory for this user (the three administrators; superusers)?"""
    if demo_exempt(user):
        return False
    if user.is_superuser and security_setting("TOTP_REQUIRED_FOR_SUPERUSERS"):
        return True
    return bool(set(security_setting("TOTP_REQUIRED_ROLES")) & user_roles(user))


def totp_enrol_required(user: Any) -> bool:
    """Must the user enrol a (new) second factor before doing anything else?"""
    profile = profile_of(user)
    return (totp_required(user) or profile.must_enrol_totp) and not profile.totp_enabled


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
    """Check a 6-digit code against the user's secret (or a secret being enrolled); a code is used once.

    The profile row is locked while the code's time step is compared and stored, so two parallel
    requests cannot both use the same code."""
    with transaction.atomic():
        profile = SecurityProfile.objects.select_for_update().get(pk=profile_of(user).pk)
        counter = _matching_counter(secret or profile.totp_secret, code)
        if counter is None:
            return False
        if profile.totp_last_counter is not None and counter <= profile.totp_last_counter and secret is None:
            return False  # a replayed code
        profile.totp_last_counter = counter
        fields = ["totp_last_counter"]
        if secret is not None:
            profile.totp_secret = secret
            profile.totp_confirmed_at = timezone.now()
            profile.must_enrol_totp = False
            fields += ["totp_secret", "totp_confirmed_at", "must_enrol_totp"]
        profile.save(update_fields=fields)
    user.security = profile
    if secret is not None:
        audit_log(AuditAction.TOTP_ENROL, obj=user, user=user)
    return True
