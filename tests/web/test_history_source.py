"""Change history says where a change came from: the API, a form, the command line."""
from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from parkledger.governance.models import Hazard

pytestmark = pytest.mark.django_db


def _hazard():
    return Hazard.objects.filter(inspection__uscc__park_id="ECO", rectified_on=None).first()


def test_an_api_change_shows_api(safety_client, safety):
    hazard = _hazard()
    api = APIClient()
    api.force_authenticate(safety)
    response = api.patch(f"/api/hazard/{hazard.pk}/", {"level": "major"}, format="json")
    assert response.status_code == 200, response.content
    history = safety_client.get(f"/ledgers/hazard/{hazard.pk}/").context["history"]
    assert (history[0].source, [(c.label, c.after) for c in history[0].changes]) == ("API", [("隐患等级", "重大")])


def test_a_change_from_the_shell_says_so(safety_client):
    hazard = _hazard()
    hazard.level = "major"
    hazard.save()
    history = safety_client.get(f"/ledgers/hazard/{hazard.pk}/").context["history"]
    assert history[0].source == "命令行"
