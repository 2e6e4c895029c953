"""The OpenAPI document: every kind's operations, their filters, and every response the views return."""
from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from parkledger.core.filtersets import filterset_for
from parkledger.core.kinds import data_fields, kind_models

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    with django_db_blocker.unblock():
        response = APIClient().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return response.json()


def test_every_kind_has_its_operations(schema):
    paths = schema["paths"]
    for kind in kind_models():
        assert set(paths[f"/api/{kind}/"]) == {"get", "post"}
        assert set(paths[f"/api/{kind}/{{id}}/"]) == {"get", "put", "patch", "delete"}
        assert set(paths[f"/api/{kind}/bulk/"]) == {"post"}
        assert set(paths[f"/api/{kind}/export/"]) == {"get"}
    for path in ("/api/figures/", "/api/reports/", "/api/reports/{id}/download/", "/api/audit/"):
        assert path in paths


def test_every_operation_declares_its_errors(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            assert {"401", "403"} <= codes, (method, path)
            if method in ("post", "put", "patch"):
                assert "400" in codes, (method, path)
            if "{id}" in path:
                assert "404" in codes, (method, path)
            if method in ("put", "patch", "delete") or path.endswith("bulk/"):
                assert "409" in codes, (method, path)
            for code in codes - {"200", "201", "204"}:
                ref = operation["responses"][code]["content"]["application/json"]["schema"]["$ref"]
                assert ref == "#/components/schemas/Error"


def test_the_list_documents_the_shared_filters_and_pagination(schema):
    for kind in ("enterprise_month", "petition", "milestone"):
        names = {p["name"] for p in schema["paths"][f"/api/{kind}/"]["get"]["parameters"]}
        assert set(filterset_for(kind).base_filters) <= names
        assert {"page", "page_size"} <= names


def test_the_record_schemas_have_exactly_the_spec_keys(schema):
    components = schema["components"]["schemas"]
    for model in kind_models().values():
        keys = {f.name for f in data_fields(model)}
        assert set(components[model.__name__]["properties"]) == {"id"} | keys
        assert set(components[f"{model.__name__}Request"]["properties"]) == keys


def test_the_docs_page_needs_no_cdn(db):
    response = APIClient().get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "drf_spectacular_sidecar" in html
    assert "cdn." not in html and "unpkg" not in html and "jsdelivr" not in html


def test_the_index_lists_every_kind(client):
    body = client.get("/api/").json()
    assert set(body["kinds"]) == set(kind_models())
