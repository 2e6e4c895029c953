"""Fixtures of the accounts tests: parks, a record of every kind per park, users per role."""
from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from parkledger.accounts.models import Membership, RoleAssignment
from tests.accounts.world import build_parks, build_records

PASSWORD = "Test-Pass-2022"


def make_user(username: str, role: str | None = None, *, park: str | None = None, city: str = "",
              enterprise: str | None = None, **flags):
    """A user with one role and one membership, written straight to the tables."""
    user = get_user_model().objects.create_user(username, f"{username}@example.com", PASSWORD, **flags)
    if role:
        RoleAssignment.objects.create(user=user, role=role)
    if park or city or enterprise:
        Membership.objects.create(user=user, park_id=park, city=city, enterprise_id=enterprise)
    return user


@pytest.fixture
def parks(db):
    return build_parks()


@pytest.fixture
def eco_world(parks):
    """One record of every kind in ECO (dated 2022-03-15)."""
    return build_records("ECO", "E", number=1)


@pytest.fixture
def oth_world(parks):
    """One record of every kind in OTH (杭州), dated 2022-03-15."""
    return build_records("OTH", "O", number=2)
