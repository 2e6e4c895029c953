"""One-time, expiring links with which a user sets his own password (resets, new accounts).

The system administrator hands the link over; he never sees a password. The token is Django's
`PasswordResetTokenGenerator` (an HMAC of the user's password hash, last login and the link's
time) with its own salt, so it stops working as soon as a password is set through it (or the
account's password changes any other way) and after `RESET_LINK_HOURS`.
"""
from __future__ import annotations

from typing import Any

from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import base36_to_int, urlsafe_base64_encode

from parkledger.accounts.conf import security_setting

__all__ = ["ResetLinkTokens", "reset_tokens", "reset_link_path"]


class ResetLinkTokens(PasswordResetTokenGenerator):
    key_salt = "parkledger.accounts.reset_links.ResetLinkTokens"

    def _make_hash_value(self, user: Any, timestamp: int) -> str:
        # an account disabled after the link was made invalidates it too
        return super()._make_hash_value(user, timestamp) + str(bool(user.is_active))

    def check_token(self, user: Any, token: str | None) -> bool:
        """Django's check (valid up to PASSWORD_RESET_TIMEOUT), then the shorter RESET_LINK_HOURS."""
        if not super().check_token(user, token):
            return False
        try:
            made = base36_to_int(str(token).split("-")[0])
        except ValueError:
            return False
        age = self._num_seconds(self._now()) - made
        return age <= float(security_setting("RESET_LINK_HOURS")) * 3600


reset_tokens = ResetLinkTokens()


def reset_link_path(user: Any) -> str:
    """The path of a fresh link for `user` (the page makes it absolute)."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse("accounts:reset_link", kwargs={"uidb64": uid, "token": reset_tokens.make_token(user)})
