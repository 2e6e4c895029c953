"""The command line: `parkledger import FILE --kind …` with a proposed or saved mapping, `parkledger mapping …`."""
from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from parkledger.core.models import Enterprise, EnterpriseMonth, Park
from parkledger.dataio.models import SavedMapping
from parkledger.lib.uscc import make_uscc
from tests.data.mapping.workbooks import statistics_office, write_xlsx

pytestmark = pytest.mark.django_db

U1 = make_uscc("91330281MA2H09001")
U2 = make_uscc("91330281MA2H09002")


@pytest.fixture
def park(db):
    Park.objects.create(code="ECO", name="生态园")
    Enterprise.objects.create(uscc=U1, name="宁波甲机械有限公司", park_id="ECO", registered_on=date(2020, 1, 1))
    Enterprise.objects.create(uscc=U2, name="宁波乙电子有限公司", park_id="ECO", registered_on=date(2020, 1, 1))
    return "ECO"


def run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_statistics_office_file_imports_without_a_mapping_file_and_the_saved_mapping_is_reused(park, tmp_path):
    october = statistics_office(tmp_path / "10.xlsx", 10, [
        [1, "宁波甲机械有限公司", U1, 1234, 12345, 56789, 50000, 120],
        [2, "宁波乙电子有限责任公司", None, 500, 9999, 1500, 1000, 30],
    ])
    out, _err = run("import", str(october), "--kind", "enterprise_month", "--month", "2022-10", "--park", "ECO",
                    "--save-mapping", "统计局月报")
    assert "D列 工业总产值（千元） / 本月 → 工业总产值（output_value），千元" in out
    assert "F列 营业收入（千元） / 1-10月累计 → 营业收入（revenue），千元，本月累计" in out
    assert "A列 序号 → 不导入" in out
    assert "导入完成" in out and "映射已保存为“统计局月报”" in out
    row = EnterpriseMonth.objects.get(uscc_id=U2, month="2022-10")
    # 500 千元 = 50 万元; 营业收入 (1,500 − 1,000) 千元 = 50 万元.
    assert (row.output_value, row.revenue, row.employees) == (Decimal("50"), Decimal("50"), 30)

    # Next month: 营业收入 is now 1-11月累计 only (the 1-10月 column left empty): the ledger gives the previous 累计.
    november = statistics_office(tmp_path / "11.xlsx", 11, [
        [1, "宁波甲机械有限公司", U1, 1000, 13345, 60000, None, 121],
        [2, "宁波乙电子有限公司", None, 400, 10399, 1750, None, 31],
    ])
    # Someone renames a column in the saved mapping: the next file follows the saved choice, not the proposal.
    saved = SavedMapping.objects.get(name="统计局月报")
    saved.columns = [{**c, "field": ""} if c["letter"] == "H" else c for c in saved.columns]
    saved.save()
    out, _err = run("import", str(november), "--kind", "enterprise_month", "--park", "ECO")
    assert "已保存的映射“统计局月报”" in out and "月份2022-11" in out
    first = EnterpriseMonth.objects.get(uscc_id=U1, month="2022-11")
    # The ledger holds only 2022-10 (678.9 万元) for 甲, so the previous 累计 is 678.9 万元: 6,000 − 678.9 = 5,321.1.
    assert first.revenue == Decimal("5321.1")
    assert first.output_value == Decimal("100")
    assert first.employees is None  # column H no longer mapped
    second = EnterpriseMonth.objects.get(uscc_id=U2, month="2022-11")
    # 乙: 1,750 千元 = 175 万元 − 50 万元 (October's stored 当月) = 125 万元.
    assert second.revenue == Decimal("125")


def test_an_incomplete_mapping_exits_2_listing_the_columns_and_the_free_fields(park, tmp_path):
    path = write_xlsx(tmp_path / "f.xlsx", [["单位名称", "产值说明", "工业总产值"], ["宁波甲机械有限公司", "x", 1]])
    with pytest.raises(CommandError) as caught:
        run("import", str(path), "--kind", "enterprise_month", "--park", "ECO")
    assert caught.value.returncode == 2
    with pytest.raises(CommandError):
        call_command("import", str(path), "--kind", "enterprise_month", stdout=StringIO(), stderr=(err := StringIO()))
    text = err.getvalue()
    assert "没有月份" in text
    assert "B列 产值说明 → 不导入" in text
    assert "尚未对应的字段：" in text and "营业收入（revenue）" in text
    assert not EnterpriseMonth.objects.exists()


def test_mapping_list_show_export_and_import_with_the_exported_file(park, tmp_path):
    path = write_xlsx(tmp_path / "f.xlsx", [["企业", "代码", "产出"], ["宁波甲机械有限公司", U1, 12]])
    with pytest.raises(CommandError):  # 代码 and 产出 are not labels the reader knows
        run("import", str(path), "--kind", "enterprise_month", "--month", "2022-05")
    SavedMapping.objects.create(name="手工", kind="enterprise_month", signature="x", columns=[
        {"index": 0, "letter": "A", "header": "企业", "field": "enterprise_name", "unit": "", "reading": ""},
        {"index": 1, "letter": "B", "header": "代码", "field": "uscc", "unit": "", "reading": ""},
        {"index": 2, "letter": "C", "header": "产出", "field": "output_value", "unit": "千元", "reading": "month"},
    ])
    out, _err = run("mapping", "list")
    assert "手工" in out and "enterprise_month" in out
    out, _err = run("mapping", "show", "手工")
    assert "C列 产出 → 工业总产值（output_value），千元" in out
    target = tmp_path / "m.json"
    run("mapping", "export", "手工", "-o", str(target))
    assert json.loads(target.read_text(encoding="utf-8"))["columns"][2]["unit"] == "千元"
    out, _err = run("import", str(path), "--mapping", str(target), "--month", "2022-05")
    # 12 千元 = 1.2 万元.
    assert EnterpriseMonth.objects.get(uscc_id=U1, month="2022-05").output_value == Decimal("1.2")
    with pytest.raises(CommandError) as caught:
        run("mapping", "show", "没有这个")
    assert caught.value.returncode == 2


def test_the_template_import_is_unchanged_without_kind(park, tmp_path):
    (tmp_path / "enterprise_month.csv").write_text(f"uscc,month,output_value\n{U1},2022-01,7\n", encoding="utf-8")
    out, _err = run("import", str(tmp_path / "enterprise_month.csv"))
    assert "导入完成" in out
    assert EnterpriseMonth.objects.get(uscc_id=U1).output_value == Decimal(7)


def test_a_department_sheet_of_enterprises_and_a_mapping_name_of_another_park(park, tmp_path):
    from datetime import datetime

    from parkledger.dataio.mapping.proposal import Mapping
    from parkledger.dataio.mapping.saved import save_mapping

    u3 = make_uscc("91330281MA2H09003")
    path = write_xlsx(tmp_path / "新企业.xlsx", [
        ["经信局新登记企业名单"],
        ["序号", "企业名称", "统一社会信用代码", "成立日期", "占地面积（亩）"],
        [1, "宁波丙新材料有限公司", u3, datetime(2021, 3, 5), "12.5"],
    ])
    out, _err = run("import", str(path), "--kind", "enterprise", "--park", "ECO")
    assert "E列 占地面积（亩） → 用地面积（亩）（land_area_mu），亩" in out
    made = Enterprise.objects.get(uscc=u3)
    assert (made.name, made.park_id, made.registered_on, made.land_area_mu) == (
        "宁波丙新材料有限公司", "ECO", date(2021, 3, 5), Decimal("12.5"))
    Park.objects.create(code="WEST", name="西园")
    save_mapping("西园的映射", Mapping(kind="enterprise", columns=[]), park="WEST")
    with pytest.raises(CommandError) as caught:
        run("import", str(path), "--kind", "enterprise", "--park", "ECO", "--save-mapping", "西园的映射")
    assert caught.value.returncode == 2 and "另一个园区" in str(caught.value)
    assert SavedMapping.objects.get(name="西园的映射").park_id == "WEST"
