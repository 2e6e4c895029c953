"""The authentication backend: Django's, refusing locked accounts."""
from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from parkledger.accounts.authn import is_locked

__all__ = ["LockoutBackend"]


class LockoutBackend(ModelBackend):
    """ModelBackend that refuses a user whose account is locked after repeated failures."""

    def user_can_authenticate(self, user: Any) -> bool:
        return super().user_can_authenticate(user) and not is_locked(user)
