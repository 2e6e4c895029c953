"""`/api/reports/`: generate the report in any format, issue it (leaders), list and download archived ones."""
from __future__ import annotations

import hashlib
import json

import pytest

from parkledger.reports.models import IssuedReport
from parkledger.reports.services import build_report, render
from tests.accounts.conftest import make_user
from tests.accounts.world import build_parks, build_records

from .conftest import token_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    build_parks()
    return build_records("ECO", "E")


@pytest.fixture
def leader(world):
    return make_user("boss", "leader", park="ECO")


def test_a_report_is_generated_in_the_asked_format(world, leader):
    client = token_client(leader)
    response = client.post("/api/reports/", {"park": "ECO", "period": "2022-03", "format": "md"}, format="json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/markdown")
    assert 'filename="ECO-2022-03.md"' in response["Content-Disposition"]
    assert response.content == render(build_report("ECO", "2022-03"), "md")
    as_json = client.post("/api/reports/", {"park": "ECO", "period": "2022-03", "format": "json"}, format="json")
    assert as_json["Content-Type"] == "application/json"
    assert json.loads(as_json.content)["park"] == "ECO"
    docx = client.post("/api/reports/", {"park": "ECO", "period": "2022-03"}, format="json")
    assert docx.content[:2] == b"PK"  # a Word file is a zip archive
    assert not IssuedReport.objects.exists()  # generating is not issuing


def test_a_leader_issues_and_anyone_of_the_park_lists_and_downloads(world, leader):
    response = token_client(leader).post(
        "/api/reports/", {"park": "ECO", "period": "2022-03", "format": "txt", "issue": True}, format="json"
    )
    assert response.status_code == 200
    issued = IssuedReport.objects.get(pk=int(response["X-Issued-Report-Id"]))
    assert hashlib.sha256(response.content).hexdigest() == issued.checksum

    clerk = token_client(make_user("clerk", "economy", park="ECO"))
    listed = clerk.get("/api/reports/").json()
    assert [row["id"] for row in listed["results"]] == [issued.pk]
    assert listed["results"][0]["issued_by"] == "boss"
    download = clerk.get(listed["results"][0]["download"])
    assert download.status_code == 200
    assert hashlib.sha256(download.content).hexdigest() == issued.checksum

    outsider = token_client(make_user("other", "economy", park="OTH"))
    assert outsider.get("/api/reports/").json()["count"] == 0
    assert outsider.get(f"/api/reports/{issued.pk}/download/").status_code == 404


def test_only_leaders_issue(world):
    clerk = token_client(make_user("clerk", "economy", park="ECO"))
    response = clerk.post("/api/reports/", {"park": "ECO", "period": "2022-03", "issue": True}, format="json")
    assert response.status_code == 403
    assert not IssuedReport.objects.exists()


@pytest.mark.parametrize("body, status, field", [
    ({"park": "ECO", "period": "2022-13"}, 400, "period"),
    ({"park": "ECO", "period": "2022-03", "format": "exe"}, 400, "format"),
    ({"park": "ECO", "period": "2022-03", "template": "无此模板"}, 400, "template"),
    ({"park": "OTH", "period": "2022-03"}, 404, None),
    ({"park": "NOPE", "period": "2022-03"}, 404, None),
    ({"period": "2022-03"}, 400, "park"),
])
def test_bad_report_requests_are_4xx(world, leader, body, status, field):
    response = token_client(leader).post("/api/reports/", body, format="json")
    assert response.status_code == status
    assert response.json()["errors"][0]["field"] == field


def test_non_numeric_download_ids_are_404(world, leader):
    assert token_client(leader).get("/api/reports/abc/download/").status_code == 404
