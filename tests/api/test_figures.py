"""`/api/figures/`: the same JSON as `parkledger figures`, and the provenance of one figure."""
from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command

from parkledger.core.models import Park
from tests.accounts.conftest import make_user

from .conftest import api_client, token_client
from .samples import make_world

pytestmark = pytest.mark.django_db


def cli_json(*args: str) -> dict:
    out = StringIO()
    call_command("figures", *args, stdout=out)
    return json.loads(out.getvalue())


def test_the_figures_equal_the_commands_json(client):
    make_world()
    response = client.get("/api/figures/", {"park": "A", "period": "2022-01"})
    assert response.status_code == 200
    expected = cli_json("--park", "A", "--period", "2022-01", "--format", "json")
    assert response.json() == expected
    assert len(expected) > 50  # the whole dictionary, not an empty answer


def test_asked_keys_only(client):
    make_world()
    keys = "econ.output,econ.output.yoy"
    response = client.get("/api/figures/", {"park": "A", "period": "2022-01", "keys": keys})
    assert response.status_code == 200
    assert list(response.json()) == ["econ.output", "econ.output.yoy"]
    assert response.json() == cli_json("--park", "A", "--period", "2022-01", "--keys", keys)


def test_explain_gives_definition_window_and_records(client):
    world = make_world()
    response = client.get("/api/figures/", {"park": "A", "period": "2022-01", "explain": "econ.output"})
    assert response.status_code == 200
    body = response.json()
    assert body["key"] == "econ.output"
    assert body["window"].startswith("2022-01-01")
    # the world has one enterprise return, for 2022-01: the figure comes from it
    assert body["records_total"] == 1
    assert body["records"][0]["kind"] == "enterprise_month"
    assert body["records"][0]["id"] == world["enterprise_month"].pk


@pytest.mark.parametrize("query, status, field", [
    ({"period": "2022-01"}, 400, "park"),
    ({"park": "A"}, 400, "period"),
    ({"park": "A", "period": "2022-13"}, 400, "period"),
    ({"park": "A", "period": "22-1"}, 400, "period"),
    ({"park": "A", "period": "2022-01", "keys": "no.such.key"}, 400, "keys"),
    ({"park": "A", "period": "2022-01", "explain": "no.such.key"}, 404, None),
    ({"park": "NOPE", "period": "2022-01"}, 404, None),
])
def test_bad_queries_are_4xx(client, query, status, field):
    make_world()
    response = client.get("/api/figures/", query)
    assert response.status_code == status, response.json()
    assert response.json()["errors"][0]["field"] == field


def test_another_parks_figures_are_404_and_admins_get_403(db):
    Park.objects.create(code="A", name="甲")
    Park.objects.create(code="B", name="乙")
    clerk = token_client(make_user("eco-a", "economy", park="A"))
    assert clerk.get("/api/figures/", {"park": "A", "period": "2022-01"}).status_code == 200
    assert clerk.get("/api/figures/", {"park": "B", "period": "2022-01"}).status_code == 404
    auditor = api_client(make_user("aud", "auditadmin"))
    assert auditor.get("/api/figures/", {"park": "A", "period": "2022-01"}).status_code == 403
