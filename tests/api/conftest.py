"""API test fixtures: a user with a token, and a client that sends it."""
from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from parkledger.api.tokens import token_create


def make_api_user(username: str = "api-user", **flags):
    """A user who may read and write every ledger of every park."""
    User = get_user_model()
    flags.setdefault("is_superuser", True)
    flags.setdefault("is_staff", True)
    return User.objects.create_user(username=username, password="Pw-2022-long!", **flags)


def token_client(user, days: int = 30) -> APIClient:
    _, key = token_create(user=user, days=days)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def api_client(user) -> APIClient:
    """A client for the user: his token, or for one of the three administrators (who may hold
    no token) his web session, as after signing in with password and second factor."""
    from parkledger.accounts.permissions import holds_admin_role

    if not holds_admin_role(user):
        return token_client(user)
    client = APIClient()
    client.force_login(user)
    return client


@pytest.fixture
def api_user(db):
    return make_api_user()


@pytest.fixture
def client(api_user) -> APIClient:
    return token_client(api_user)
