"""Bad requests get a clear 4xx (or a message), never a 500; the API names what it does not know."""
from __future__ import annotations

import pytest
from django.core.management import get_commands, load_command_class
from rest_framework.test import APIClient

from parkledger.core.kinds import kind_models
from parkledger.core.models import Enterprise, EnterpriseMonth
from tests.api.conftest import make_api_user, token_client
from tests.web import data
from tests.web.conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def dataset(db):
    return data.build(1)


@pytest.fixture
def boss(dataset):
    return make_user("boss", "", park=None, is_superuser=True, is_staff=True)


@pytest.fixture
def boss_client(client, boss):
    client.force_login(boss)
    client.get("/", {"park": "ECO", "period": data.PERIOD})
    return client


@pytest.fixture
def api(dataset) -> APIClient:
    return token_client(make_api_user())


# ---------------------------------------------------------------------------------------------------
# Web pages
# ---------------------------------------------------------------------------------------------------

def test_a_record_by_code_of_a_kind_without_codes_is_404(boss_client):
    for kind in kind_models():
        response = boss_client.get(f"/ledgers/{kind}/code/x/")
        assert response.status_code == 404, kind


def test_a_record_by_code_opens_the_record(boss_client, dataset):
    ent = dataset.enterprises[0]
    response = boss_client.get(f"/ledgers/enterprise/code/{ent.uscc}/")
    assert response.status_code == 302
    assert response["Location"] == f"/ledgers/enterprise/{ent.pk}/"


@pytest.mark.parametrize("url", [
    "/ledgers/enterprise/code/%00/", "/ledgers/enterprise/%00/", "/enterprises/%00/", "/ledgers/%00/",
    "/ledgers/enterprise/?q=%00", "/ledgers/enterprise/?park=%00", "/ledgers/enterprise_month/?month_after=%00",
    "/?park=%00", "/?period=%00", "/figures/?park=EC%00O", "/figures/explain/?key=%00", "/enterprises/?q=a%00b",
])
def test_nul_bytes_in_paths_and_queries_are_client_errors(boss_client, url):
    response = boss_client.get(url)
    assert response.status_code in (200, 302, 400, 404), (url, response.status_code)


@pytest.mark.parametrize("url", [
    "/api/enterprise/%00/", "/api/enterprise/?q=%00", "/api/enterprise/?park=%00", "/api/enterprise/?name%00=x",
    "/api/enterprise_month/?month_after=%00", "/api/figures/?park=%00",
])
def test_nul_bytes_in_api_requests_are_client_errors(api, url):
    response = api.get(url)
    assert response.status_code in (400, 403, 404), (url, response.status_code)
    assert response["Content-Type"] == "application/json"


def test_an_admin_save_in_a_closed_month_is_refused_with_a_message(client, boss, dataset):
    from parkledger.periods.closing import close_month

    row = EnterpriseMonth.objects.filter(month=data.PERIOD, uscc__park_id="ECO").first()
    assert row is not None
    close_month(park="ECO", month=data.PERIOD, user=boss)
    client.force_login(boss)
    url = f"/admin/core/enterprisemonth/{row.pk}/change/"
    form = client.get(url).context["adminform"].form
    post = {name: ("" if value is None else value) for name, value in form.initial.items()
            if name in form.fields}
    post["output_value"] = "999.99"
    response = client.post(url, post, follow=True)
    assert response.status_code == 200
    messages = [str(m) for m in response.context["messages"]]
    assert any("ECO 园区 2022-09 已封账" in m for m in messages), messages
    row.refresh_from_db()
    assert str(row.output_value) != "999.99"


def test_an_admin_delete_in_a_closed_month_is_refused_with_a_message(client, boss, dataset):
    from parkledger.periods.closing import close_month

    row = EnterpriseMonth.objects.filter(month=data.PERIOD, uscc__park_id="ECO").first()
    close_month(park="ECO", month=data.PERIOD, user=boss)
    client.force_login(boss)
    response = client.post(f"/admin/core/enterprisemonth/{row.pk}/delete/", {"post": "yes"}, follow=True)
    assert response.status_code == 200
    assert any("已封账" in str(m) for m in response.context["messages"])
    assert EnterpriseMonth.objects.filter(pk=row.pk).exists()


# ---------------------------------------------------------------------------------------------------
# API
# ---------------------------------------------------------------------------------------------------

def test_an_unknown_filter_parameter_is_a_400_naming_it(api):
    response = api.get("/api/enterprise/?uscc=X")
    assert response.status_code == 400
    assert response.json() == {"errors": [
        {"field": "uscc", "message": "未知的查询参数：接口没有“uscc”这个参数", "code": "unknown_parameter"}]}


def test_known_list_parameters_still_filter(api, dataset):
    response = api.get("/api/enterprise/", {"q": dataset.enterprises[0].name, "page": 1, "page_size": 5,
                                            "ordering": "uscc", "park": "ECO", "format": "json"})
    assert response.status_code == 200, response.json()
    assert [row["uscc"] for row in response.json()["results"]] == [dataset.enterprises[0].uscc]


def test_an_unknown_parameter_of_the_export_is_a_400_and_its_format_is_known(api):
    assert api.get("/api/enterprise/export/?fmt=csv").status_code == 200
    response = api.get("/api/enterprise/export/?fmt=csv&kind=x")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "kind"


def test_an_unknown_field_in_a_write_is_a_400_naming_it(api, dataset):
    ent = dataset.enterprises[0]
    response = api.patch(f"/api/enterprise/{ent.pk}/", {"name": "新名称", "nmae": "x"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"errors": [
        {"field": "nmae", "message": "未知的字段：没有“nmae”这一项", "code": "unknown_field"}]}
    ent.refresh_from_db()
    assert ent.name != "新名称"
    # what a client read may be sent back as it is (the read-only id included)
    body = api.get(f"/api/enterprise/{ent.pk}/").json()
    assert api.put(f"/api/enterprise/{ent.pk}/", body, format="json").status_code == 200


def test_an_unknown_field_in_a_bulk_row_is_named_with_its_row(api):
    response = api.post("/api/park/bulk/", {"rows": [{"code": "NEW", "name": "新园区"},
                                                    {"code": "NEW2", "name": "x", "colour": "red"}]},
                        format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"field": "rows[1].colour", "message": "未知的字段：没有“colour”这一项", "code": "unknown_field"}]


@pytest.mark.parametrize("path", ["/api/no-such-thing/", "/api/enterprise/1/x%0Ay/", "/api/park/%0A/", "/api/%0A%00/"])
def test_unknown_api_paths_with_newlines_answer_json(api, path):
    response = api.get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_unsafe_methods_on_unknown_api_paths_answer_json(client, method, dataset):
    user = make_user("someone", "leader")
    client.force_login(user)  # a session without a CSRF token: the HTML CSRF page before
    response = getattr(client, method)("/api/no-such-thing/", data="{}", content_type="application/json")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["errors"][0]["code"] == "not_found"


# ---------------------------------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------------------------------

def test_every_command_of_the_project_has_a_help_text():
    names = [name for name, app in get_commands().items() if app.startswith("parkledger")]
    assert {"import", "export", "template", "demo", "permu"} <= set(names)
    for name in names:
        parser = load_command_class(get_commands()[name], name).create_parser("parkledger", name)
        text = parser.format_help()
        assert text.startswith("usage: parkledger"), name


def test_enterprise_exists_for_the_fixtures(dataset):
    assert Enterprise.objects.filter(park_id="ECO").exists()
