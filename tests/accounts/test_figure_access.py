"""Park figures, dashboards and reports: for the park's staff, never for enterprise users or the
administrators; and no API token for the three administrators."""
from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from parkledger.accounts import permissions as perms
from parkledger.accounts.models import RoleAssignment
from parkledger.api.models import ApiToken
from parkledger.api.tokens import TokenRefused, token_create
from tests.accounts.conftest import make_user
from tests.accounts.world import build_records
from tests.web.conftest import make_user as make_web_user

pytestmark = pytest.mark.django_db

ENTERPRISE_REFUSAL = "企业用户只能查看和填报本企业的台账，不能查看园区指标和报告"
ADMIN_REFUSAL = "系统管理员、安全管理员和审计管理员不能使用API令牌：管理员须以密码加动态口令登录"
FIGURES = {"park": "ECO", "period": "2022-03"}


@pytest.fixture
def world(parks):
    return build_records("ECO", "E")


@pytest.fixture
def firm(world):
    """An enterprise user of the world's enterprise (in ECO)."""
    return make_user("firm", "enterprise", enterprise=world["enterprise"].uscc)


def _token_client(user) -> APIClient:
    _token, key = token_create(user=user, days=1)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_figure_parks_are_the_parks_of_park_scoped_roles(world, firm):
    # ECO's staff see ECO and its sub-park ECO-CEE; the enterprise user sees ECO's records of his
    # own enterprise, but no park's figures; administrators none; a superuser every park
    assert perms.visible_park_codes(firm) == ["ECO"]
    assert perms.figure_park_codes(firm) == []
    for role in ("leader", "statistician", "economy", "party"):
        assert perms.figure_park_codes(make_user(f"u-{role}", role, park="ECO")) == ["ECO", "ECO-CEE"], role
    for role in ("sysadmin", "secadmin", "auditadmin"):
        assert perms.figure_park_codes(make_user(f"u-{role}", role)) == [], role
    assert perms.figure_park_codes(make_user("root", is_superuser=True)) == ["ECO", "ECO-CEE", "OTH"]
    assert not perms.can_view_park_figures(firm, "ECO")
    assert perms.can_view_park_figures(make_user("boss", "leader", park="ECO"), "ECO-CEE")
    assert not perms.can_view_park_figures(make_user("boss2", "leader", park="ECO"), "OTH")


def test_the_api_refuses_figures_and_reports_to_an_enterprise_user(world, firm):
    client = _token_client(firm)
    response = client.get("/api/figures/", FIGURES)
    assert response.status_code == 403
    assert response.json()["errors"][0]["message"] == ENTERPRISE_REFUSAL
    assert client.get("/api/figures/", {**FIGURES, "explain": "econ.output"}).status_code == 403
    assert client.get("/api/reports/").status_code == 403
    made = client.post("/api/reports/", {**FIGURES, "format": "md"}, format="json")
    assert made.status_code == 403 and made["Content-Type"].startswith("application/json")
    assert client.get("/api/reports/1/download/").status_code == 403
    # his own enterprise's returns remain his
    rows = client.get("/api/enterprise_month/").json()
    assert rows["count"] == 1 and rows["results"][0]["uscc"] == world["enterprise"].uscc
    # the park's staff still get them
    stat = _token_client(make_user("stat", "statistician", park="ECO"))
    assert stat.get("/api/figures/", FIGURES).status_code == 200
    assert stat.get("/api/reports/").status_code == 200
    # another park's figures stay unknown (404)
    assert stat.get("/api/figures/", {**FIGURES, "park": "OTH"}).status_code == 404


def test_the_web_refuses_figures_reports_and_the_dashboard_to_an_enterprise_user(client, world):
    from parkledger.accounts.models import Membership

    user = make_web_user("firm", "enterprise", park=None)
    Membership.objects.create(user=user, enterprise_id=world["enterprise"].uscc)
    client.force_login(user)
    home = client.get("/")
    assert home.status_code == 200 and home.context["own_only"] is True  # his portal, no park figures
    assert "figures" not in home.context or not home.context.get("figures")
    for url in ("/figures/", "/figures/explain/?key=econ.output", "/reports/", "/reports/preview/",
                "/reports/download/?fmt=md", "/reports/templates/", "/reports/learn/"):
        response = client.get(url)
        assert response.status_code == 403, url
    body = client.get("/").content.decode()
    assert 'href="/figures/' not in body and 'href="/reports/' not in body  # the menu does not offer them


def test_no_token_is_made_for_an_administrator(parks):
    for role in ("sysadmin", "secadmin", "auditadmin"):
        admin = make_user(f"u-{role}", role)
        with pytest.raises(TokenRefused) as refused:
            token_create(user=admin, days=5)
        assert str(refused.value) == ADMIN_REFUSAL
        with pytest.raises(CommandError) as failed:
            call_command("token", "create", admin.username, stdout=StringIO(), stderr=StringIO())
        assert str(failed.value) == ADMIN_REFUSAL
    assert not ApiToken.objects.exists()
    # a disabled administrator account is refused too
    retired = make_user("retired", "auditadmin", is_active=False)
    with pytest.raises(TokenRefused):
        token_create(user=retired)
    # any other user gets his token, as before
    out = StringIO()
    call_command("token", "create", make_user("stat", "statistician", park="ECO").username, stdout=out,
                 stderr=StringIO())
    assert out.getvalue().startswith("plk_") and ApiToken.objects.count() == 1


def test_a_token_of_a_user_made_administrator_later_is_refused(parks):
    user = make_user("clerk", "economy", park="ECO")
    client = _token_client(user)
    assert client.get("/api/enterprise/").status_code == 200
    RoleAssignment.objects.filter(user=user).delete()
    RoleAssignment.objects.create(user=user, role="secadmin")
    perms.invalidate_cache()
    response = client.get("/api/enterprise/")
    assert response.status_code == 401
    assert response.json()["errors"][0]["message"] == ADMIN_REFUSAL
