"""Fixtures of the web tests: the small dataset and staff users with roles in a park."""
from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from tests.web import data

PASSWORD = "Staff-Pass-2022"


def make_user(username: str, role: str, park: str | None = "ECO", **flags):
    """A user holding one role in one park (the accounts app's role and membership rows)."""
    from parkledger.accounts.models import Membership, RoleAssignment, SecurityProfile

    user = get_user_model().objects.create_user(username, f"{username}@example.com", PASSWORD, **flags)
    # a password set today that need not be changed (as after a first login)
    SecurityProfile.objects.update_or_create(
        user=user, defaults={"password_changed_at": timezone.now(), "must_change_password": False}
    )
    if role:
        RoleAssignment.objects.create(user=user, role=role)
    if park:
        Membership.objects.create(user=user, park_id=park)
    return user


@pytest.fixture
def dataset(db):
    return data.build(1)


@pytest.fixture
def leader(dataset):
    return make_user("leader", "leader")


@pytest.fixture
def safety(dataset):
    return make_user("safety", "safety_env")


@pytest.fixture
def client_in(client, leader):
    """A client logged in as the ECO park's leader, looking at ECO 2022-09."""
    client.force_login(leader)
    client.get("/", {"park": "ECO", "period": data.PERIOD})
    return client


@pytest.fixture
def safety_client(client, safety):
    client.force_login(safety)
    client.get("/", {"park": "ECO", "period": data.PERIOD})
    return client
