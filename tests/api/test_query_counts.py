"""The list endpoints run a fixed number of queries, whatever the number of records."""
from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from parkledger.core.kinds import kind_models
from parkledger.core.models import Enterprise, EnterpriseMonth
from tests.accounts.conftest import make_user

from .conftest import token_client
from .samples import make_world, uscc

pytestmark = pytest.mark.django_db


def queries(client, path: str, params: dict | None = None) -> int:
    client.get(path, params)  # warm up (token last-used stamp, caches)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path, params)
    assert response.status_code == 200, response.content[:300]
    return len(ctx.captured_queries)


def add_months(n: int, start: int = 0) -> None:
    enterprises = [Enterprise(uscc=uscc(1000 + i), name=f"企业{i}", park_id="A", registered_on="2020-01-01")
                   for i in range(start, start + n)]
    Enterprise.objects.bulk_create(enterprises)
    EnterpriseMonth.objects.bulk_create(
        EnterpriseMonth(uscc_id=e.uscc, month=f"2022-{m:02d}", output_value=m) for e in enterprises for m in range(1, 13)
    )


@pytest.mark.parametrize("role", ["superuser", "statistician", "enterprise"])
def test_the_enterprise_month_list_costs_the_same_for_3_or_300_records(role):
    world = make_world()
    if role == "superuser":
        user = make_user("su", is_superuser=True)
    elif role == "enterprise":
        user = make_user("ent", "enterprise", enterprise=world["enterprise"].uscc)
    else:
        user = make_user("stat", role, park="A")
    client = token_client(user)
    add_months(1)  # 1 + 12 returns
    small = queries(client, "/api/enterprise_month/", {"park": "A", "month_after": "2022-01"})
    add_months(25, start=1)  # 313 returns, more than a page
    large = queries(client, "/api/enterprise_month/", {"park": "A", "month_after": "2022-01"})
    assert small == large
    assert large <= 10


def test_every_list_endpoint_costs_the_same_for_one_or_three_records(client):
    world = make_world()
    first = {kind: queries(client, f"/api/{kind}/") for kind in kind_models()}
    from .samples import create_from_payload, payload

    for n in (2, 3):
        for kind in kind_models():
            if kind == "union":
                continue
            create_from_payload(kind, payload(kind, n, world))
    assert {kind: queries(client, f"/api/{kind}/") for kind in kind_models()} == first
