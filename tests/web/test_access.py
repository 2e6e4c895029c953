"""What an enterprise user and an administrator see in the web pages."""
from __future__ import annotations

import pytest

from parkledger.accounts.models import Membership
from tests.web.conftest import make_user
from tests.web.data import uscc

pytestmark = pytest.mark.django_db


@pytest.fixture
def firm_client(client, dataset):
    user = make_user("firm", "enterprise", park=None)
    Membership.objects.create(user=user, enterprise_id=uscc(1))
    client.force_login(user)
    return client


def test_an_enterprise_user_sees_only_his_own_returns(firm_client):
    home = firm_client.get("/")
    assert home.status_code == 200 and home.context["own_only"] is True
    assert "enterprise_month" in [k for k, _name in home.context["kind_links"]]
    rows = firm_client.get("/ledgers/enterprise_month/").context["rows"]
    assert rows and {r["obj"].uscc_id for r in rows} == {uscc(1)}
    # park-wide figures and reports are not his
    for url in ("/figures/", "/figures/explain/?key=econ.output", "/reports/", "/reports/preview/",
                "/reports/download/?fmt=md"):
        assert firm_client.get(url).status_code == 403, url
    # nor other enterprises
    assert firm_client.get(f"/enterprises/{uscc(2)}/").status_code == 404
    assert firm_client.get("/ledgers/hazard/").status_code == 403


def test_the_system_administrator_sees_no_business_data(client, dataset):
    client.force_login(make_user("sys", "sysadmin", park=None))
    home = client.get("/")
    assert home.status_code == 200 and home.context.get("empty") is True
    assert client.get("/ledgers/enterprise_month/").status_code == 403
