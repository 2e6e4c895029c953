"""Ledger pages: lists (filters, search, sort, pages, htmx, Excel), detail, forms, permissions."""
from __future__ import annotations

import io
from datetime import date

import openpyxl
import pytest

from parkledger.core.models import Enterprise, EnterpriseMonth
from parkledger.governance.models import Hazard, Inspection
from tests.web.conftest import make_user
from tests.web.data import uscc

pytestmark = pytest.mark.django_db


def codes(response) -> list[str]:
    return [str(row["obj"]) for row in response.context["rows"]]


def test_a_list_is_scoped_to_the_selected_park_and_its_sub_parks(client_in):
    response = client_in.get("/ledgers/hazard/")
    # ECO and ECO-CEE each have one enterprise with two hazards; OTH's are not shown
    assert response.context["page"].paginator.count == 4
    assert all(row["obj"].inspection.uscc.park_id in ("ECO", "ECO-CEE") for row in response.context["rows"])


def test_search_filter_and_sort(client_in):
    assert sorted(codes(client_in.get("/ledgers/hazard/", {"q": "电线"}))) == ["电线老化0", "电线老化1"]
    response = client_in.get("/ledgers/hazard/", {"rectified_on_after": "2022-05-01"})
    assert response.context["page"].paginator.count == 2
    ordered = codes(client_in.get("/ledgers/petition/", {"ordering": "-received_on"}))
    assert ordered == ["道路破损0", "噪声投诉0"]
    ordered = codes(client_in.get("/ledgers/petition/", {"ordering": "received_on"}))
    assert ordered == ["噪声投诉0", "道路破损0"]


def test_pages_of_fifty(client_in, dataset):
    # ECO's two enterprises have 47 monthly returns: one page; five more rounds make 5 × 47 = 235
    from tests.web import data

    data.add_records(dataset.parks, 1, 4)
    first = client_in.get("/ledgers/enterprise_month/")
    assert first.context["page"].paginator.count == 235
    assert len(first.context["rows"]) == 50
    last = client_in.get("/ledgers/enterprise_month/", {"page": 5})
    assert len(last.context["rows"]) == 35
    # a page past the end shows the last page
    assert client_in.get("/ledgers/enterprise_month/", {"page": 99}).context["page"].number == 5


def test_htmx_gets_only_the_table(client_in):
    response = client_in.get("/ledgers/hazard/", {"preset": "overdue"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "<html" not in body and 'id="ledger-table"' in body
    assert response.context["page"].paginator.count == 2


def test_case_ledgers_show_state_deadline_and_overdue_days(client_in):
    rows = client_in.get("/ledgers/hazard/", {"preset": "overdue"}).context["rows"]
    case = rows[0]["case"]
    # deadline 2022-06-01, judged at 2022-09-30: 29 + 31 + 31 + 30 = 121 days late
    assert (case.state, case.deadline, case.overdue_days) == ("overdue", date(2022, 6, 1), 121)
    closed = client_in.get("/ledgers/hazard/", {"q": "电线"}).context["rows"][0]["case"]
    assert (closed.state, closed.overdue_days) == ("closed", 0)
    text = client_in.get("/ledgers/hazard/").content.decode()
    assert "超期天数" in text and "121" in text


def test_the_filtered_list_exports_to_excel(client_in):
    response = client_in.get("/ledgers/hazard/", {"preset": "overdue", "export": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 1 + 2
    assert sorted(r[2] for r in rows[1:]) == ["消防通道堵塞0", "消防通道堵塞1"]


def test_the_detail_page_links_references_and_shows_history(safety_client):
    hazard = Hazard.objects.filter(inspection__uscc__park_id="ECO").first()
    response = safety_client.get(f"/ledgers/hazard/{hazard.pk}/")
    text = response.content.decode()
    assert f"/ledgers/inspection/code/{hazard.inspection_id}/" in text
    safety_client.post(f"/ledgers/hazard/{hazard.pk}/edit/", {
        "inspection": hazard.inspection_id, "description": "已更正描述", "level": "major",
        "deadline": "2022-06-01", "rectified_on": "",
    })
    history = safety_client.get(f"/ledgers/hazard/{hazard.pk}/").content.decode()
    assert 'data-testid="record-history"' in history and "已更正描述" in history


def test_a_form_shows_the_model_errors_and_saves_nothing(safety_client):
    before = Hazard.objects.count()
    response = safety_client.post("/ledgers/hazard/add/", {
        "inspection": "INS-0", "description": "配电房未上锁", "level": "general", "deadline": "2022-04-01",
    })
    assert response.status_code == 200
    assert response.context["form"].errors["deadline"] == ["整改期限不能早于检查日期（2022-05-01）"]
    response = safety_client.post("/ledgers/hazard/add/", {
        "inspection": "NOPE", "description": "", "level": "general", "deadline": "2022-13-01",
    })
    errors = response.context["form"].errors
    assert set(errors) == {"inspection", "description", "deadline"}
    assert Hazard.objects.count() == before
    response = safety_client.post("/ledgers/hazard/add/", {
        "inspection": "INS-0", "description": "配电房未上锁", "level": "general", "deadline": "2022-06-30",
    })
    created = Hazard.objects.get(description="配电房未上锁")
    assert response.status_code == 302 and response["Location"] == f"/ledgers/hazard/{created.pk}/"


def test_amounts_and_codes_are_validated_like_the_import(client, dataset):
    stats = make_user("stats", "statistician")
    client.force_login(stats)
    response = client.post("/ledgers/enterprise_month/add/", {
        "uscc": uscc(1), "month": "2022-13", "output_value": "-5",
    })
    errors = response.context["form"].errors
    assert "month" in errors and errors["output_value"] == ["不能为负数"]
    client.force_login(make_user("economy", "economy"))
    response = client.post("/ledgers/enterprise/add/", {
        "uscc": "91330281MA0000001X", "name": "坏代码", "park": "ECO", "registered_on": "2020-01-01",
        "country": "CN",
    })
    assert "uscc" in response.context["form"].errors
    assert not Enterprise.objects.filter(name="坏代码").exists()
    # the same month twice: the uniqueness check of the model
    client.force_login(stats)
    response = client.post("/ledgers/enterprise_month/add/", {"uscc": uscc(1), "month": "2022-01"})
    assert response.context["form"].errors
    assert EnterpriseMonth.objects.filter(uscc_id=uscc(1), month="2022-01").count() == 1


def test_a_referenced_record_cannot_be_deleted(safety_client):
    inspection = Inspection.objects.get(code="INS-0")
    response = safety_client.post(f"/ledgers/inspection/{inspection.pk}/delete/", follow=True)
    assert "仍被其他记录引用" in response.content.decode()
    assert Inspection.objects.filter(pk=inspection.pk).exists()
    hazard = Hazard.objects.filter(inspection=inspection).first()
    assert safety_client.post(f"/ledgers/hazard/{hazard.pk}/delete/").status_code == 302
    assert not Hazard.objects.filter(pk=hazard.pk).exists()


def test_roles_decide_what_a_user_may_do(client_in, leader):
    # a leader reads and exports but does not write
    page = client_in.get("/ledgers/hazard/")
    assert page.context["can_add"] is False and page.context["can_export"] is True
    assert client_in.get("/ledgers/hazard/add/").status_code == 403
    hazard = Hazard.objects.filter(inspection__uscc__park_id="ECO").first()
    assert client_in.get(f"/ledgers/hazard/{hazard.pk}/edit/").status_code == 403
    assert client_in.post(f"/ledgers/hazard/{hazard.pk}/delete/").status_code == 403
    # another park's records are not found at all
    other = Hazard.objects.filter(inspection__uscc__park_id="OTH").first()
    assert client_in.get(f"/ledgers/hazard/{other.pk}/").status_code == 404
    assert client_in.get("/ledgers/hazard/", {"park": "OTH"}).context["sel"].park_code == "ECO"


def test_a_department_writes_only_its_chapter(safety_client, client):
    assert safety_client.get("/ledgers/hazard/add/").status_code == 200
    assert safety_client.get("/ledgers/investment_project/add/").status_code == 403
    assert safety_client.get("/ledgers/dispute/add/").status_code == 403
    # the park choice offers only the user's parks (ECO and its sub-park)
    client.force_login(make_user("social", "social"))
    form = client.get("/ledgers/dispute/add/")
    choices = [c[0] for c in form.context["form"].fields["park"].widget.choices]
    assert choices == ["", "ECO", "ECO-CEE"]
    # a park outside them is refused even when posted by hand
    response = client.post("/ledgers/dispute/add/", {"park": "OTH", "received_on": "2022-05-01",
                                                     "outcome": "pending"})
    assert "park" in response.context["form"].errors
