"""Password rules: complexity (a Django password validator) and maximum age."""
from __future__ import annotations

import os
import string
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from parkledger.accounts.conf import security_setting

__all__ = ["ComplexityValidator", "character_classes", "password_expired", "password_change_required",
           "demo_exempt", "demo_sign_in_allowed", "demo_switch_on"]


def character_classes(password: str) -> int:
    """How many of the four classes (lower case, upper case, digits, other) a password uses."""
    return sum((
        any(c in string.ascii_lowercase for c in password),
        any(c in string.ascii_uppercase for c in password),
        any(c.isdigit() for c in password),
        any(not (c.isascii() and c.isalnum()) for c in password),
    ))


class ComplexityValidator:
    """At least `PASSWORD_MIN_LENGTH` characters from at least `PASSWORD_MIN_CLASSES` of the four classes."""

    def __init__(self, min_length: int | None = None, min_classes: int | None = None) -> None:
        self._min_length = min_length
        self._min_classes = min_classes

    @property
    def min_length(self) -> int:
        return int(self._min_length or security_setting("PASSWORD_MIN_LENGTH"))

    @property
    def min_classes(self) -> int:
        return int(self._min_classes or security_setting("PASSWORD_MIN_CLASSES"))

    def validate(self, password: str, user: Any = None) -> None:
        errors = []
        if len(password) < self.min_length:
            errors.append(ValidationError(
                ngettext("密码至少需要 %(n)d 个字符", "密码至少需要 %(n)d 个字符", self.min_length) % {"n": self.min_length},
                code="password_too_short",
            ))
        if character_classes(password) < self.min_classes:
            errors.append(ValidationError(
                _("密码须包含小写字母、大写字母、数字、其他字符四类中的至少 %(n)d 类") % {"n": self.min_classes},
                code="password_too_simple",
            ))
        if errors:
            raise ValidationError(errors)

    def get_help_text(self) -> str:
        return _("至少 %(length)d 个字符，包含小写字母、大写字母、数字、其他字符四类中的至少 %(classes)d 类") % {
            "length": self.min_length, "classes": self.min_classes,
        }


def demo_sign_in_allowed() -> bool:
    """May the demo accounts (published passwords, `demo_exempt`) sign in here?

    Only while DEBUG is on, or with `PARKLEDGER_DEMO=1` (trying the demo under a production
    server; `check --deploy` warns about it)."""
    return bool(settings.DEBUG or demo_switch_on())


def demo_switch_on() -> bool:
    """`PARKLEDGER_DEMO` is set (1, true, yes or on, as `parkledger serve` reads it)."""
    return os.environ.get("PARKLEDGER_DEMO", "").strip().lower() in ("1", "true", "yes", "on")


def demo_exempt(user: Any) -> bool:
    """A demo account, exempt from the password and second-factor rules where demo sign-ins are allowed."""
    profile = getattr(user, "security", None)
    return bool(profile is not None and profile.demo_exempt and demo_sign_in_allowed())


def password_expired(user: Any, now=None) -> bool:
    """Older than PASSWORD_MAX_AGE_DAYS (an unknown age counts as expired)."""
    profile = getattr(user, "security", None)
    if profile is None or profile.password_changed_at is None:
        return True
    days = int(security_setting("PASSWORD_MAX_AGE_DAYS"))
    return (now or timezone.now()) - profile.password_changed_at > timedelta(days=days)


def password_change_required(user: Any) -> bool:
    """Must the user change his password before doing anything else?"""
    if not user.is_authenticated or demo_exempt(user) or not user.has_usable_password():
        return False
    profile = getattr(user, "security", None)
    return bool(profile is not None and profile.must_change_password) or password_expired(user)
