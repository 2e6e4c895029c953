"""The city pages: 园区比较 and 全市概况, seen by a user of two parks and by one park's staff."""
from __future__ import annotations

import io

import openpyxl
import pytest

from parkledger.accounts.models import Membership
from parkledger.core.models import Park
from tests.web import data
from tests.web.conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_park_user(db):
    data.build(1)
    Park.objects.filter(code="OTH").update(city="宁波", short_name="另一园")
    user = make_user("city-leader", "leader", park="ECO")
    Membership.objects.create(user=user, park_id="OTH")
    return user


def test_the_comparison_lists_every_visible_park_with_ranks_and_totals(client, two_park_user):
    client.force_login(two_park_user)
    page = client.get("/city/compare/", {"keys": ["econ.output", "invest.signed"], "period": data.PERIOD,
                                         "park": "ECO"})
    assert page.status_code == 200
    body = page.content.decode()
    assert 'data-park="ECO"' in body and 'data-park="OTH"' in body
    assert 'data-park="ECO-CEE"' not in body  # a sub-park rolls up into its parent
    # ECO 1.7 亿元 first, OTH 0.9 second; the city's total 2.6
    eco_row = body[body.index('data-park="ECO"'):body.index('data-park="OTH"')]
    assert ">1.70<" in eco_row and 'data-rank="1"' in eco_row
    assert 'data-total="econ.output">2.60<' in body
    assert "/figures/explain/?key=econ.output&amp;park=OTH" in body


def test_a_parks_staff_sees_only_its_park(client, two_park_user):
    client.force_login(make_user("eco-leader", "leader", park="ECO"))
    body = client.get("/city/compare/", {"period": data.PERIOD, "park": "ECO"}).content.decode()
    assert 'data-park="ECO"' in body and 'data-park="OTH"' not in body and "另一园" not in body


def test_an_enterprise_user_has_no_comparison(client, two_park_user):
    user = make_user("firm", "enterprise", park=None)
    Membership.objects.create(user=user, enterprise_id=data.uscc(1))
    client.force_login(user)
    assert client.get("/city/compare/").status_code == 403
    assert client.get("/city/").status_code == 403


def test_the_export_has_the_same_table(client, two_park_user):
    client.force_login(two_park_user)
    response = client.get("/city/compare/export/", {"keys": ["econ.output"], "period": data.PERIOD, "park": "ECO"})
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows == [["园区代码", "园区", "工业总产值（亿元）"], ["ECO", "宁波前湾新区生态园", 1.7], ["OTH", "另一园区", 0.9]]


def test_the_city_dashboard_shows_the_combined_figures_and_shares(client, two_park_user):
    client.force_login(two_park_user)
    body = client.get("/city/", {"period": data.PERIOD, "park": "ECO"}).content.decode()
    assert 'data-key="econ.output">2.60<' in body
    assert "生态园" in body and "（65.4%）" in body  # 1.7 / 2.6
    assert 'data-testid="city-trend"' in body


def test_the_menu_offers_the_comparison_only_with_two_parks(client, two_park_user):
    client.force_login(two_park_user)
    assert 'href="/city/"' in client.get("/", {"period": data.PERIOD, "park": "ECO"}).content.decode()
    client.force_login(make_user("eco-only", "leader", park="ECO"))
    assert 'href="/city/"' not in client.get("/", {"period": data.PERIOD, "park": "ECO"}).content.decode()


def test_the_city_report_downloads_in_word(client, two_park_user):
    import zipfile

    client.force_login(two_park_user)
    response = client.get("/city/report/", {"period": data.PERIOD, "park": "ECO", "fmt": "docx"})
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.content)) as docx:
        body = docx.read("word/document.xml").decode("utf-8")
    assert "宁波市园区经济运行情况" in body and "另一园区" in body
    client.force_login(make_user("eco-only", "leader", park="ECO"))
    assert client.get("/city/report/", {"period": data.PERIOD, "park": "ECO"}).status_code == 403


def test_the_city_role_reads_every_park_of_its_city_and_writes_none(client, db):
    from parkledger.accounts.models import RoleAssignment
    from parkledger.accounts.permissions import figure_park_codes, has_ledger_perm

    data.build(1)
    Park.objects.filter(code="OTH").update(city="宁波")
    user = make_user("shiji", "", park=None)
    RoleAssignment.objects.create(user=user, role="city")
    Membership.objects.create(user=user, city="宁波")
    assert figure_park_codes(user) == ["ECO", "ECO-CEE", "OTH"]
    assert has_ledger_perm(user, "enterprise_month", "view", "OTH")
    assert not any(has_ledger_perm(user, "enterprise_month", a, "ECO") for a in ("add", "change", "delete", "import"))
    client.force_login(user)
    body = client.get("/city/compare/", {"period": data.PERIOD, "park": "ECO"}).content.decode()
    assert 'data-park="ECO"' in body and 'data-park="OTH"' in body
    assert client.get("/city/report/", {"period": data.PERIOD, "park": "ECO"}).status_code == 200
    assert client.post("/ledgers/enterprise_month/add/", {"uscc": data.uscc(1), "month": "2022-10"}).status_code == 403
