"""The web mapping screen: a non-template upload is mapped, sampled, previewed, saved and applied."""
from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from parkledger.core.models import Enterprise, EnterpriseMonth, Park
from parkledger.dataio.models import SavedMapping
from parkledger.lib.uscc import make_uscc
from tests.data.mapping.workbooks import (
    STATISTICS_OFFICE_XLS_MERGES,
    statistics_office,
    statistics_office_rows,
    write_xls,
)
from tests.web.conftest import make_user

pytestmark = pytest.mark.django_db

U1 = make_uscc("91330281MA2H10001")
U2 = make_uscc("91330281MA2H10002")


@pytest.fixture
def park(db):
    Park.objects.create(code="ECO", name="生态园")
    Enterprise.objects.create(uscc=U1, name="宁波甲机械有限公司", park_id="ECO", registered_on=date(2020, 1, 1))
    Enterprise.objects.create(uscc=U2, name="宁波乙电子有限公司", park_id="ECO", registered_on=date(2020, 1, 1))
    return "ECO"


@pytest.fixture
def statistician(client, park):
    client.force_login(make_user("stat", "statistician"))
    client.get("/", {"park": "ECO", "period": "2022-10"})
    return client


def upload(client, path, **extra):
    content = path.read_bytes()
    return client.post("/import/", {"file": SimpleUploadedFile(path.name, content)}, **extra)


def columns_of(response) -> dict[str, str]:
    """The form fields the screen shows, with their selected values (what the browser would send)."""
    mapping = response.context["mapping"]
    data = {"token": response.context["token"], "shown_kind": mapping.kind, "kind": mapping.kind,
            "month": response.context["month"]}
    for col in mapping.columns:
        data[f"field_{col.index}"] = col.field
        data[f"unit_{col.index}"] = col.unit
        data[f"reading_{col.index}"] = col.reading
    return data


def test_the_statistics_office_workbook_goes_through_the_mapping_screen(statistician, tmp_path):
    path = statistics_office(tmp_path / "规上月报.xlsx", 10, [
        [1, "宁波甲机械有限公司", U1, 1234, 12345, 56789, 50000, 120],
        [2, "宁波乙电子有限责任公司", None, "—", 9999, 1500, 1000, 30],
    ])
    response = upload(statistician, path)
    assert response.status_code == 302 and response["Location"].startswith("/import/mapping/?token=")
    page = statistician.get(response["Location"])
    assert page.status_code == 200
    text = page.content.decode()
    assert "工业总产值（千元） / 1-10月累计" in text  # the full header path
    assert page.context["kind"] == "enterprise_month" and page.context["month"] == "2022-10"
    samples = page.context["samples"]
    assert [r["number"] for r in samples["rows"]] == [6, 7]
    # the converted sample beside the original: 1,234 千元 → 123.4 万元; 乙's 营业收入 (1,500 − 1,000) 千元 → 50 万元
    assert samples["fields"][:3] == ["统一社会信用代码", "月份", "工业总产值"]
    assert samples["rows"][0]["converted"][2] == "123.4"
    assert samples["rows"][0]["original"][3] == "1234"  # as the sheet shows it
    assert "<th>E 工业总产值（千元） / 1-10月累计</th>" in text
    assert samples["rows"][0]["converted"][1] == "2022-10"
    assert "50" in samples["rows"][1]["converted"]
    assert "<script>" not in text

    data = columns_of(page)
    preview = statistician.post("/import/mapping/", {**data, "action": "preview", "save_name": "统计局月报"})
    assert preview.status_code == 200
    assert preview.context["result"].ok, preview.context["result"].issue_lines()
    assert not EnterpriseMonth.objects.exists()
    assert SavedMapping.objects.get(name="统计局月报").created_by.username == "stat"

    applied = statistician.post("/import/mapping/", {**data, "action": "apply"})
    assert applied.status_code == 302 and applied["Location"] == "/import/"
    first = EnterpriseMonth.objects.get(uscc_id=U1, month="2022-10")
    second = EnterpriseMonth.objects.get(uscc_id=U2, month="2022-10")
    # 1,234 千元 = 123.4 万元; 营业收入 56,789 − 50,000 千元 = 678.9 万元; 乙: “—” → empty, (1,500 − 1,000) 千元 = 50 万元
    assert (first.output_value, first.revenue, first.employees) == (Decimal("123.4"), Decimal("678.9"), 120)
    assert (second.output_value, second.revenue) == (None, Decimal("50"))

    # November's .xls from the older system: the saved mapping is used automatically.
    rows = statistics_office_rows(11, [[1, "宁波甲机械有限公司", U1, 1000, 13345, 60000, 56789, 121]])
    november = write_xls(tmp_path / "11月.xls", rows, STATISTICS_OFFICE_XLS_MERGES, title="规上工业")
    page = statistician.get(upload(statistician, november)["Location"])
    assert page.context["mapping"].name == "统计局月报" and page.context["month"] == "2022-11"
    assert "已按保存的映射“统计局月报”自动对应" in page.content.decode()


def test_a_changed_dropdown_and_errors_in_source_coordinates(statistician, tmp_path):
    path = statistics_office(tmp_path / "f.xlsx", 10, [[1, "不存在的公司", None, 5, 5, None, None, 1]])
    page = statistician.get(upload(statistician, path)["Location"])
    data = columns_of(page)
    data["unit_3"] = "元"  # column D read in 元 instead of 千元
    preview = statistician.post("/import/mapping/", {**data, "action": "preview"})
    result = preview.context["result"]
    assert [(i.sheet, i.row, i.column) for i in result.issues] == [("规上工业", 6, "B")]
    assert "不导入" in preview.content.decode()
    unit = next(c for c in preview.context["mapping"].columns if c.letter == "D")
    assert unit.unit == "元"
    # a forged field key or unit is dropped, not a server error
    forged = statistician.post("/import/mapping/", {**data, "field_3": "password", "unit_3": "x", "action": "preview"})
    assert forged.status_code == 200
    assert not EnterpriseMonth.objects.exists()
    # a real unit of another family (亩 for an amount of money) is a mapping problem, not a server error
    other_family = statistician.post("/import/mapping/", {**data, "unit_3": "亩", "action": "preview"})
    assert other_family.status_code == 200
    assert "不能换算" in other_family.content.decode()
    assert not EnterpriseMonth.objects.exists()


def test_unreadable_files_and_unknown_tokens_are_clear_answers(statistician, tmp_path):
    bad = tmp_path / "坏.xls"
    bad.write_bytes(b"\xd0\xcf\x11\xe0 garbage")
    page = statistician.get(upload(statistician, bad)["Location"])
    assert page.status_code == 200 and "无法识别该文件" in page.content.decode()
    assert statistician.get("/import/mapping/", {"token": "0" * 32}).status_code == 302
    csv = io.BytesIO("企业名称,总产值\n宁波甲机械有限公司,1\n".encode("gbk"))
    response = statistician.post("/import/", {"file": SimpleUploadedFile("部门.csv", csv.getvalue())},
                                 HTTP_HX_REQUEST="true")
    assert response.status_code == 204 and response["HX-Redirect"].startswith("/import/mapping/")
    page = statistician.get(response["HX-Redirect"])
    assert "没有月份" in page.content.decode()


def test_a_user_without_the_import_permission_writes_nothing(client, park, tmp_path):
    path = statistics_office(tmp_path / "f.xlsx", 10, [[1, "宁波甲机械有限公司", U1, 5, 5, None, None, 1]])
    # the safety department imports its own ledgers, not the statistics office's returns
    client.force_login(make_user("safety", "safety_env"))
    client.get("/", {"park": "ECO", "period": "2022-10"})
    page = client.get(upload(client, path)["Location"])
    data = columns_of(page)
    refused = client.post("/import/mapping/", {**data, "action": "apply", "save_name": "安全部门的映射"})
    assert refused.status_code == 403 and "没有在本园区导入" in refused.content.decode()
    # a leader imports nothing at all: neither the upload nor the mapping screen opens
    client.force_login(make_user("leader", "leader"))
    client.get("/", {"park": "ECO", "period": "2022-10"})
    assert upload(client, path).status_code == 403
    assert client.post("/import/mapping/", {**data, "action": "apply"}).status_code == 403
    assert not EnterpriseMonth.objects.exists()
    assert not SavedMapping.objects.exists()
