"""Bulk upsert: the importer's validation, all or nothing, every row's error, park scope."""
from __future__ import annotations

from decimal import Decimal

import pytest

from parkledger.core.models import Enterprise, EnterpriseMonth, Park
from parkledger.lib.uscc import uscc_error
from tests.accounts.conftest import make_user

from .conftest import token_client
from .samples import uscc

pytestmark = pytest.mark.django_db


@pytest.fixture
def parks(db):
    Park.objects.create(code="A", name="甲园区")
    Park.objects.create(code="B", name="乙园区")


def enterprise_rows(n: int, park: str = "A") -> list[dict]:
    return [{"uscc": uscc(i), "name": f"企业{i}", "park": park, "registered_on": f"2021-01-0{i % 9 + 1}"}
            for i in range(1, n + 1)]


def test_rows_are_created_then_updated_on_their_natural_key(client, parks):
    response = client.post("/api/enterprise/bulk/", {"rows": enterprise_rows(3)}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json() == {"dry_run": False, "created": 3, "updated": 0}
    assert Enterprise.objects.count() == 3

    rows = enterprise_rows(3)
    rows[0]["name"] = "改名企业"
    again = client.post("/api/enterprise/bulk/", {"rows": rows}, format="json")
    assert again.json() == {"dry_run": False, "created": 0, "updated": 3}
    assert Enterprise.objects.get(uscc=uscc(1)).name == "改名企业"
    assert Enterprise.objects.count() == 3


def test_one_bad_row_rejects_all_and_every_row_error_is_listed(client, parks):
    rows = enterprise_rows(4)
    bad = uscc(2)[:-1] + ("0" if uscc(2)[-1] != "0" else "1")
    rows[1]["uscc"] = bad
    rows[3]["park"] = "NOPE"
    response = client.post("/api/enterprise/bulk/", {"rows": rows}, format="json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    fields = {item["field"] for item in errors}
    assert {"rows[1].uscc", "rows[3].park"} <= fields
    assert {"field": "rows[1].uscc", "message": uscc_error(bad), "code": "invalid"} in errors
    assert not Enterprise.objects.exists()  # nothing written, not even the good rows


def test_rows_referring_to_rows_of_the_same_request_are_fine(client, parks):
    rows = enterprise_rows(1)
    client.post("/api/enterprise/bulk/", {"rows": rows}, format="json")
    months = [{"uscc": uscc(1), "month": f"2022-0{m}", "output_value": f"{m}0.5", "above_scale": True}
              for m in range(1, 4)]
    response = client.post("/api/enterprise_month/bulk/", {"rows": months}, format="json")
    assert response.status_code == 200, response.json()
    # 10.5 + 20.5 + 30.5 = 61.5
    assert sum(EnterpriseMonth.objects.values_list("output_value", flat=True)) == Decimal("61.5")


def test_a_dry_run_validates_and_writes_nothing(client, parks):
    response = client.post("/api/enterprise/bulk/", {"rows": enterprise_rows(2), "dry_run": True}, format="json")
    assert response.status_code == 200
    assert response.json()["dry_run"] is True
    assert not Enterprise.objects.exists()


@pytest.mark.parametrize("body", [
    {}, {"rows": []}, {"rows": "x"}, {"rows": [1, 2]}, {"rows": [{"uscc": 5}]},
    {"rows": [{"uscc": "x"}], "dry_run": "yes"},
])
def test_malformed_bulk_bodies_are_400(client, parks, body):
    response = client.post("/api/enterprise/bulk/", body, format="json")
    assert response.status_code == 400
    assert response.json()["errors"]


def test_rows_outside_the_users_parks_are_rejected(parks):
    Enterprise.objects.create(uscc=uscc(5), name="乙企业", park_id="B", registered_on="2020-01-01")
    economy = make_user("eco-a", "economy", park="A")
    client = token_client(economy)
    own = client.post("/api/enterprise/bulk/", {"rows": enterprise_rows(1, "A")}, format="json")
    assert own.status_code == 200, own.json()
    other = client.post("/api/enterprise/bulk/", {"rows": enterprise_rows(1, "B")}, format="json")
    assert other.status_code == 400
    assert other.json()["errors"][0]["field"] == "rows[0].park"
    # taking over park B's enterprise by its natural key is refused too
    steal = [{"uscc": uscc(5), "name": "被改名", "park": "A", "registered_on": "2020-01-01"}]
    refused = client.post("/api/enterprise/bulk/", {"rows": steal}, format="json")
    assert refused.status_code == 400
    assert Enterprise.objects.get(uscc=uscc(5)).park_id == "B"


def test_bulk_needs_the_import_permission(parks):
    leader = make_user("boss", "leader", park="A")
    response = token_client(leader).post("/api/enterprise/bulk/", {"rows": enterprise_rows(1)}, format="json")
    assert response.status_code == 403
