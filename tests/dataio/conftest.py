"""Fixtures of the data I/O tests: a database holding records of every kind."""
from __future__ import annotations

import pytest

from tests.dataio.dataset import build_every_kind


@pytest.fixture
def every_kind(db) -> dict[str, int]:
    """Two records of every kind (parks ECO and its sub-park ECO-CEE), saved through the ORM."""
    return build_every_kind()
