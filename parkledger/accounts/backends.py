"""The authentication backend: Django's, refusing demo accounts in production and locked addresses."""
from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from parkledger.accounts import throttle
from parkledger.accounts.authn import demo_refused
from parkledger.accounts.context import client_ip

__all__ = ["LockoutBackend"]


class LockoutBackend(ModelBackend):
    """ModelBackend that refuses a demo account where demo sign-ins are off, and a user locked
    for the request's address (see `parkledger.accounts.throttle`)."""

    def authenticate(self, request: Any, username: str | None = None, password: str | None = None, **kwargs: Any):
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None and request is not None and throttle.is_locked_for(user, client_ip(request)):
            return None
        return user

    def user_can_authenticate(self, user: Any) -> bool:
        return super().user_can_authenticate(user) and not demo_refused(user)
