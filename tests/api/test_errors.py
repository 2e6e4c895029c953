"""Bad input gets a 4xx with the one error body, and the model's own messages; never a 500."""
from __future__ import annotations

import json

import pytest

from parkledger.core.models import Enterprise, EnterpriseMonth, Park
from parkledger.lib.uscc import uscc_error

from .samples import make_world, uscc

pytestmark = pytest.mark.django_db


@pytest.fixture
def park(db):
    return Park.objects.create(code="A", name="甲园区")


def enterprise_payload(**changes) -> dict:
    data = {"uscc": uscc(7), "name": "甬江科技", "park": "A", "registered_on": "2021-05-01"}
    data.update(changes)
    return data


def assert_error_shape(body: dict) -> None:
    assert set(body) == {"errors"} and body["errors"]
    for item in body["errors"]:
        assert set(item) == {"field", "message", "code"}
        assert item["field"] is None or isinstance(item["field"], str)
        assert isinstance(item["message"], str) and item["message"]


def test_a_bad_check_character_gets_the_models_message(client, park):
    bad = uscc(7)[:-1] + ("0" if uscc(7)[-1] != "0" else "1")
    response = client.post("/api/enterprise/", enterprise_payload(uscc=bad), format="json")
    assert response.status_code == 400
    assert_error_shape(response.json())
    # the message of parkledger.lib.uscc, the same the web form and the importer show
    assert {"field": "uscc", "message": uscc_error(bad), "code": "uscc"} in response.json()["errors"]
    assert not Enterprise.objects.exists()


def test_every_field_error_is_listed_at_once(client, park):
    response = client.post("/api/enterprise/", {"uscc": 12, "park": "A", "registered_on": "2021-13-01",
                                                "land_area_mu": True}, format="json")
    assert response.status_code == 400
    fields = {item["field"] for item in response.json()["errors"]}
    assert fields == {"uscc", "name", "registered_on", "land_area_mu"}


@pytest.mark.parametrize("field, value", [
    ("above_scale", "yes"), ("above_scale", 1), ("employees", "12"), ("employees", 1.5), ("employees", -1),
    ("output_value", True), ("output_value", "abc"), ("output_value", [1]), ("month", 202201),
    ("output_value", "1" * 12), ("uscc", {"a": 1}),
])
def test_wrong_json_types_are_400_on_their_field(client, field, value):
    world = make_world()
    data = {"uscc": world["enterprise"].uscc, "month": "2022-05", field: value}
    response = client.post("/api/enterprise_month/", data, format="json")
    assert response.status_code == 400, response.json()
    assert [item["field"] for item in response.json()["errors"]] == [field]


def test_domain_rules_come_from_full_clean(client):
    world = make_world()
    cases = [
        ({"uscc": world["enterprise"].uscc, "month": "2022-13"}, "month"),
        ({"uscc": world["enterprise"].uscc, "month": "2022-05", "tax": "-1"}, "tax"),
        ({"uscc": uscc(99), "month": "2022-05"}, "uscc"),  # valid code, no such enterprise
        ({"uscc": world["enterprise"].uscc, "month": world["enterprise_month"].month}, None),  # duplicate
    ]
    for data, field in cases:
        response = client.post("/api/enterprise_month/", data, format="json")
        assert response.status_code == 400, data
        assert [item["field"] for item in response.json()["errors"]] == [field], response.json()


def test_messages_are_english_with_accept_language_en(client, park):
    response = client.post("/api/enterprise/", {"park": "A"}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    messages = {item["field"]: item["message"] for item in response.json()["errors"]}
    assert messages["uscc"] == "This field is required."
    chinese = client.post("/api/enterprise/", {"park": "A"}, format="json")
    assert {item["field"]: item["message"] for item in chinese.json()["errors"]}["uscc"] == "该字段是必填项。"


def test_malformed_json_is_400(client, park):
    response = client.generic("POST", "/api/park/", '{"code": "X", ', content_type="application/json")
    assert response.status_code == 400
    assert_error_shape(response.json())


def test_nan_and_infinity_are_not_json(client):
    world = make_world()
    body = json.dumps({"uscc": world["enterprise"].uscc, "month": "2022-05"})[:-1] + ', "tax": NaN}'
    response = client.generic("POST", "/api/enterprise_month/", body, content_type="application/json")
    assert response.status_code == 400


@pytest.mark.parametrize("depth", [40, 5000, 100_000])
def test_deeply_nested_json_is_400(client, park, depth):
    body = '{"code": ' + "[" * depth + "]" * depth + ', "name": "x"}'
    response = client.generic("POST", "/api/park/", body, content_type="application/json")
    assert response.status_code == 400
    assert "嵌套" in response.json()["errors"][0]["message"]


def test_a_huge_body_is_413(client, park, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    body = json.dumps({"code": "X", "name": "x" * 20_000})
    response = client.generic("POST", "/api/park/", body, content_type="application/json")
    assert response.status_code == 413
    assert_error_shape(response.json())
    assert not Park.objects.filter(code="X").exists()


def test_other_content_types_are_415(client, park):
    response = client.post("/api/park/", {"code": "X", "name": "x"})  # multipart form
    assert response.status_code == 415
    assert_error_shape(response.json())


@pytest.mark.parametrize("path", ["/api/park/abc/", "/api/park/99999999999999999999999/", "/api/park/0/",
                                  "/api/no-such-kind/", "/api/park/1/extra/"])
def test_unknown_addresses_are_json_404(client, park, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert_error_shape(response.json())


def test_deleting_a_referenced_record_is_409(client):
    world = make_world()
    response = client.delete(f"/api/enterprise/{world['enterprise'].pk}/")
    assert response.status_code == 409
    assert response.json()["errors"][0]["code"] == "protected"
    assert Enterprise.objects.filter(pk=world["enterprise"].pk).exists()


@pytest.mark.parametrize("query", ["page=abc", "page=0", "page_size=0", "page_size=501", "page_size=x",
                                   "month_after=x", "above_scale=maybe", "ordering=nope", "ordering="])
def test_bad_list_parameters_are_400(client, query):
    make_world()
    response = client.get(f"/api/enterprise_month/?{query}")
    assert response.status_code == 400, response.json()
    assert_error_shape(response.json())


def test_a_page_past_the_end_is_404(client):
    make_world()
    assert client.get("/api/enterprise_month/?page=2").status_code == 404


def test_put_without_required_fields_is_400_and_changes_nothing(client):
    world = make_world()
    obj = world["enterprise_month"]
    response = client.put(f"/api/enterprise_month/{obj.pk}/", {"tax": "5"}, format="json")
    assert response.status_code == 400
    assert EnterpriseMonth.objects.get(pk=obj.pk).tax == obj.tax


@pytest.mark.parametrize("text", ["a\x00b", "a\x01b", "\x1b[31m", "a\x7f"])
def test_control_characters_in_text_are_400(client, park, text):
    response = client.post("/api/park/", {"code": "X", "name": text}, format="json")
    assert response.status_code == 400
    assert [item["field"] for item in response.json()["errors"]] == ["name"]
    assert not Park.objects.filter(code="X").exists()


def test_export_gives_a_workbook_or_csv_with_the_lists_filters(client):
    make_world()
    xlsx = client.get("/api/enterprise/export/")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    csv = client.get("/api/enterprise/export/", {"fmt": "csv", "registered_on_after": "2030-01-01"})
    assert csv.status_code == 200
    assert len(csv.content.decode("utf-8-sig").strip().splitlines()) == 1  # the header only: nothing that late
    assert client.get("/api/enterprise/export/", {"fmt": "pdf"}).status_code == 400
