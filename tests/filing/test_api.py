"""`/api/filing/`: an enterprise's own system files its returns; statisticians review."""
from __future__ import annotations

from datetime import date

import pytest
from rest_framework.test import APIClient

from parkledger.filing.models import Submission, SubmissionState
from parkledger.filing.services import open_round
from tests.filing.conftest import GOOD

pytestmark = pytest.mark.django_db


@pytest.fixture
def round_(world):
    return open_round(park="ECO", kind="enterprise_month", month="2022-03", due_on=date(2022, 4, 10), user=world.stat)


def _client(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_an_enterprise_lists_and_files_only_its_own(world, round_):
    api = _client(world.qiye)
    listed = api.get("/api/filing/submissions/").json()
    assert [(s["uscc"], s["month"], s["state"]) for s in listed] == [(world.a.uscc, "2022-03", "not_started")]
    other = Submission.objects.get(round=round_, enterprise=world.b)
    assert api.get(f"/api/filing/submissions/{other.pk}/").status_code == 404
    assert api.post(f"/api/filing/submissions/{other.pk}/submit/", {"values": GOOD}, format="json").status_code == 404
    assert api.get("/api/filing/submissions/999999/").status_code == 404  # the same answer as another's
    assert Submission.objects.get(pk=other.pk).state == SubmissionState.NOT_STARTED


def test_a_submit_needing_an_explanation_answers_400_then_200(world, round_):
    api = _client(world.qiye)
    pk = Submission.objects.get(round=round_, enterprise=world.a).pk
    values = dict(GOOD, output_value="12000")
    response = api.post(f"/api/filing/submissions/{pk}/submit/", {"values": values}, format="json")
    assert response.status_code == 400
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [("output_value", "explanation_required")]
    response = api.post(f"/api/filing/submissions/{pk}/submit/",
                        {"values": values, "explanations": {"output_value": "扩产"}}, format="json")
    assert response.status_code == 200 and response.json()["state"] == "submitted"
    again = api.post(f"/api/filing/submissions/{pk}/submit/", {"values": values}, format="json")
    assert again.status_code == 409
    assert api.post(f"/api/filing/submissions/{pk}/accept/", {}, format="json").status_code == 403

    staff = _client(world.stat)
    assert staff.get(f"/api/filing/rounds/{round_.pk}/status/").json()["submitted"] == 1
    assert staff.post(f"/api/filing/submissions/{pk}/accept/", {}, format="json").json()["state"] == "accepted"
    assert _client(world.econ).get(f"/api/filing/rounds/{round_.pk}/status/").status_code == 404


def test_unknown_fields_are_refused(world, round_):
    api = _client(world.qiye)
    pk = Submission.objects.get(round=round_, enterprise=world.a).pk
    response = api.post(f"/api/filing/submissions/{pk}/draft/", {"values": GOOD, "state": "accepted"}, format="json")
    assert response.status_code == 400
    assert api.get("/api/filing/submissions/", {"uscc": "x"}).status_code == 400
