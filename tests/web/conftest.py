"""Fixtures of the web tests: a logged-in superuser client and the small dataset."""
from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from tests.web import data


@pytest.fixture
def dataset(db):
    return data.build(1)


@pytest.fixture
def boss(db):
    return get_user_model().objects.create_superuser("boss", "boss@example.com", "Boss-Pass-2022")


@pytest.fixture
def client_in(client, boss, dataset):
    client.force_login(boss)
    client.get("/", {"park": "ECO", "period": data.PERIOD})
    return client
