"""Exports for people (Chinese headers), the export and template commands, and the cell convention."""
from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from parkledger.construction.models import GovProject
from parkledger.core.models import EnterpriseMonth
from parkledger.dataio.cells import format_decimal, parse_bool, parse_date, row_cells
from parkledger.dataio.exporting import ExportError, export_queryset
from parkledger.dataio.importing import import_path
from parkledger.dataio.templates import write_template
from tests.dataio.dataset import USCC_1

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("value, text", [
    ("1234.5000", "1234.5"), ("0.0000", "0"), ("-0", "0"), ("1E+3", "1000"), ("100", "100"),
    ("0.0001", "0.0001"), ("12345678901234567.1234", "12345678901234567.1234"), ("-2.50", "-2.5"),
])
def test_decimals_are_plain_text_without_exponent_or_trailing_zeros(value, text):
    assert format_decimal(Decimal(value)) == text


def test_cells_read_back_what_they_write():
    assert parse_bool("是") is True and parse_bool("No") is False and parse_bool(" ") is None
    assert parse_date("2022/9/30") == date(2022, 9, 30)
    month = EnterpriseMonth(uscc_id=USCC_1, month="2022-09", above_scale=True, output_value=Decimal("12.3400"))
    assert row_cells(EnterpriseMonth, month) == [USCC_1, "2022-09", "true", "12.34", "", "", "", "", "", ""]


def test_a_list_exports_for_people_with_chinese_headers_labels_and_yes_no(every_kind, django_assert_num_queries):
    with django_assert_num_queries(1):
        data = export_queryset(EnterpriseMonth, EnterpriseMonth.objects.order_by("month"), "xlsx")
    ws = load_workbook(io.BytesIO(data)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:4] == ("统一社会信用代码", "月份", "规上", "工业总产值")
    assert rows[1][1:3] == ("2022-03", "是") and rows[2][2] == "否"
    assert rows[1][3] == 1003.25  # a number cell (dataset: 1*1000 + position 3, fraction .25)
    csv_text = export_queryset(GovProject, GovProject.objects.order_by("code"), "csv").decode("utf-8-sig")
    header, first = csv_text.splitlines()[:2]
    assert header.split(",")[:4] == ["项目编号", "项目名称", "园区", "类别"]
    # The dataset's first project has the third category (n=1 → choice index 2): 综合配套.
    assert first.split(",")[3] == "综合配套"
    with pytest.raises(ExportError):
        export_queryset(GovProject, GovProject.objects.all(), "pdf")


def test_a_list_export_reads_back_as_an_import(every_kind, tmp_path):
    path = tmp_path / "gov_project.xlsx"
    path.write_bytes(export_queryset(GovProject, GovProject.objects.all(), "xlsx"))
    before = list(GovProject.objects.order_by("code").values_list("code", "category", "total_investment"))
    result = import_path(path)
    assert result.ok, result.issue_lines()
    assert result.counts == {"gov_project": {"created": 0, "updated": 2}}
    assert list(GovProject.objects.order_by("code").values_list("code", "category", "total_investment")) == before


def test_the_export_command_writes_the_kinds_asked(every_kind, tmp_path):
    call_command("export", "-o", str(tmp_path / "out"), "--kinds", "企业,enterprise_month", "--park", "ECO")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["enterprise.csv", "enterprise_month.csv"]
    with pytest.raises(CommandError, match="未知的台账类型“enterprises”"):
        call_command("export", "-o", str(tmp_path / "x.xlsx"), "--kinds", "enterprises")
    with pytest.raises(CommandError, match="园区“NOPE”不存在"):
        call_command("export", "-o", str(tmp_path / "x.xlsx"), "--park", "NOPE")


def test_the_template_has_labels_keys_dropdowns_and_formats(tmp_path):
    path = tmp_path / "t.xlsx"
    call_command("template", "-o", str(path))
    wb = load_workbook(path)
    assert wb.sheetnames[0] == "说明"
    # 政策兑现/补助 is not a valid sheet title: its "/" becomes "、" (and the importer reads that name)
    assert "政策兑现、补助" in wb.sheetnames and "disbursement" not in wb.sheetnames
    assert "parkledger" not in "".join(str(c.value or "") for c in wb["说明"]["A"])  # for clerks, no command line
    ws = wb["政府投资项目"]
    category = GovProject._meta.get_field("category")
    required = "*" if not category.blank and not category.has_default() else ""
    assert [c.value for c in ws[1]][:4] == ["项目编号*", "项目名称*", "园区*", f"类别{required}"]
    assert [c.value for c in ws[2]][:4] == ["code", "name", "park", "category"]
    assert "外联道路（road）" in ws["D1"].comment.text
    lists = {str(dv.sqref): dv.formula1 for dv in ws.data_validations.dataValidation if dv.type == "list"}
    assert lists["D3:D2002"].startswith('"外联道路,代建厂房,')
    dates = [str(dv.sqref) for dv in ws.data_validations.dataValidation if dv.type == "date"]
    assert "J3:J2002" in dates  # started_on is the 10th column
    assert ws.column_dimensions["J"].number_format == "yyyy-mm-dd"
    months = wb["企业月报"]
    assert months.column_dimensions["B"].number_format == "@"  # 2022-09 stays text
    assert months["C1"].value == "规上*"  # a yes/no must be answered
    bools = {str(dv.sqref): dv.formula1 for dv in months.data_validations.dataValidation}
    assert bools["C3:C2002"] == '"是,否"'


def test_a_filled_template_imports(every_kind, tmp_path):
    path = tmp_path / "t.xlsx"
    write_template(path, kinds="gov_project,milestone")
    wb = load_workbook(path)
    wb["政府投资项目"].append(["GP-T1", "科兴路东延", "ECO", "外联道路", 2022, 5000, None, None, None,
                              date(2022, 3, 1), None, None])
    wb["进展节点"].append([None, "政府投资项目", "GP-T1", date(2022, 6, 30), "完成路基建设", "否"])
    wb.save(path)
    result = import_path(path)
    assert result.ok, result.issue_lines()
    assert result.counts == {"gov_project": {"created": 1, "updated": 0}, "milestone": {"created": 1, "updated": 0}}
    project = GovProject.objects.get(code="GP-T1")
    assert (project.category, project.total_investment, project.started_on) == ("road", 5000, date(2022, 3, 1))


def test_the_template_command_wants_an_xlsx_path(tmp_path):
    with pytest.raises(CommandError, match=r"模板须为 \.xlsx 文件"):
        call_command("template", "-o", str(tmp_path / "t.csv"))


def test_text_that_looks_like_a_formula_stays_text(every_kind, tmp_path):
    GovProject.objects.filter(code="gov_project-1").update(name="=HYPERLINK(\"http://x\")")
    export_path_ = tmp_path / "x.xlsx"
    from parkledger.dataio.exporting import export_path

    export_path(export_path_, kinds="gov_project")
    before = GovProject.objects.get(code="gov_project-1").name
    result = import_path(export_path_)  # no formula cell in the workbook: it imports
    assert result.ok, result.issue_lines()
    assert GovProject.objects.get(code="gov_project-1").name == before
    people_csv = export_queryset(GovProject, GovProject.objects.filter(code="gov_project-1"), "csv").decode("utf-8-sig")
    assert "'=HYPERLINK" in people_csv
