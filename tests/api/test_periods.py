"""A closed month (封账): the API answers 409 to writes dated in it, and a correction opens it again;
its figures are the ones frozen at the close, marked closed."""
from __future__ import annotations

import pytest

from parkledger.accounts.services import period_close, period_unlock
from parkledger.core.models import EnterpriseMonth
from tests.accounts.conftest import make_user
from tests.accounts.world import build_parks, build_records

from .conftest import token_client

pytestmark = pytest.mark.django_db

CLOSED = "2022-03"  # the world is dated 2022-03-15


@pytest.fixture
def closed_world():
    build_parks()
    world = build_records("ECO", "E")
    period_close(actor=make_user("boss", "leader", park="ECO"), park="ECO", month=CLOSED)
    return world


@pytest.fixture
def stat(closed_world):
    return make_user("stat", "statistician", park="ECO")


def test_writes_into_a_closed_month_are_409(closed_world, stat):
    client = token_client(stat)
    uscc = closed_world["enterprise"].uscc
    # the sub-park ECO-CEE is closed with its parent ECO
    created = client.post("/api/park_month/", {"park": "ECO-CEE", "month": CLOSED}, format="json")
    assert created.status_code == 409
    body = created.json()["errors"][0]
    assert body["code"] == "period_closed" and body["field"] is None
    assert body["message"] == (
        "ECO-CEE 所属的 ECO 园区 2022-03 已封账：该月的记录不能新增、修改或删除；如需更正，请安全管理员开启更正解锁")

    obj = closed_world["enterprise_month"]
    assert client.patch(f"/api/enterprise_month/{obj.pk}/", {"tax": "9"}, format="json").status_code == 409
    assert client.delete(f"/api/enterprise_month/{obj.pk}/").status_code == 409
    assert EnterpriseMonth.objects.get(pk=obj.pk).tax == obj.tax
    # an open month is fine
    assert client.post("/api/enterprise_month/", {"uscc": uscc, "month": "2022-04"}, format="json").status_code == 201


def test_bulk_rows_of_a_closed_month_are_rejected_whole(closed_world, stat):
    rows = [{"uscc": closed_world["enterprise"].uscc, "month": m, "tax": "1"} for m in ("2022-04", CLOSED)]
    response = token_client(stat).post("/api/enterprise_month/bulk/", {"rows": rows}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == [{
        "field": "rows[1].month", "code": "invalid",
        "message": "ECO 园区 2022-03 已封账：该月的记录不能新增、修改或删除；如需更正，请安全管理员开启更正解锁",
    }]
    assert not EnterpriseMonth.objects.filter(month="2022-04").exists()


def test_a_correction_lets_the_user_write(closed_world, stat):
    secadmin = make_user("sec", "secadmin")
    period_unlock(actor=secadmin, park="ECO", month=CLOSED, reason="更正统计差错", user=stat)
    obj = closed_world["enterprise_month"]
    response = token_client(stat).patch(f"/api/enterprise_month/{obj.pk}/", {"tax": "9"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["tax"] == "9"


def test_figures_of_a_closed_month_are_the_frozen_ones_marked_closed(closed_world, stat):
    client = token_client(stat)
    query = {"park": "ECO", "period": CLOSED, "keys": "econ.output"}
    frozen = client.get("/api/figures/", query).json()["econ.output"]
    assert frozen["closed"] is True
    obj = EnterpriseMonth.objects.get(pk=closed_world["enterprise_month"].pk)
    secadmin = make_user("sec", "secadmin")
    period_unlock(actor=secadmin, park="ECO", month=CLOSED, reason="更正产值", user=stat)
    assert client.patch(f"/api/enterprise_month/{obj.pk}/", {"output_value": "99990"}, format="json").status_code == 200
    # corrected through the window, but not closed again yet: the figure is still the frozen one
    assert client.get("/api/figures/", query).json()["econ.output"] == frozen
    explained = client.get("/api/figures/", {**query, "keys": "", "explain": "econ.output"}).json()
    assert explained["value"] == frozen["value"] and explained["closed"] is True
    april = client.get("/api/figures/", {**query, "period": "2022-04"}).json()["econ.output"]
    assert "closed" not in april and april["value"] != frozen["value"]  # April is open: live, with the correction
