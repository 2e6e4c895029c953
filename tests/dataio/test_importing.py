"""The import service: upserts, park scope, references in any order, generated codes, hooks, API rows, uploads."""
from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from openpyxl import Workbook

from parkledger.core.models import Enterprise, EnterpriseMonth, Park
from parkledger.dataio import hooks
from parkledger.dataio.importing import import_path, import_rows, import_upload
from parkledger.governance.models import Hazard, Inspection
from parkledger.lib.uscc import make_uscc
from parkledger.party.models import PartyActivity
from tests.dataio.dataset import snapshot

pytestmark = pytest.mark.django_db

U1 = make_uscc("91330281MA2H07001")
U2 = make_uscc("91330281MA2H07002")


def write_csv(directory, kind: str, text: str) -> None:
    directory.mkdir(exist_ok=True)
    (directory / f"{kind}.csv").write_text(text, encoding="utf-8")


def workbook(path, sheets: dict[str, list[list]]):
    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


@pytest.fixture
def parks(db):
    Park.objects.create(code="ECO", name="生态园")
    Park.objects.create(code="ECO-CEE", name="中东欧园", parent_id="ECO")
    Park.objects.create(code="OTHER", name="别的园区")


def test_a_second_import_updates_instead_of_duplicating(parks, tmp_path):
    d = tmp_path / "in"
    write_csv(d, "enterprise", f"uscc,name,park,registered_on\n{U1},甲,ECO,2020-01-01\n")
    write_csv(d, "enterprise_month", f"uscc,month,output_value\n{U1},2022-01,100.5\n{U1},2022-02,7\n")
    first = import_path(d)
    assert first.ok, first.issue_lines()
    assert first.counts == {"enterprise": {"created": 1, "updated": 0},
                            "enterprise_month": {"created": 2, "updated": 0}}
    write_csv(d, "enterprise_month", f"uscc,month,output_value\n{U1},2022-01,200\n")
    second = import_path(d)
    assert second.counts == {"enterprise": {"created": 0, "updated": 1},
                             "enterprise_month": {"created": 0, "updated": 1}}
    assert EnterpriseMonth.objects.count() == 2
    assert EnterpriseMonth.objects.get(month="2022-01").output_value == Decimal("200")
    assert EnterpriseMonth.objects.get(month="2022-02").output_value == Decimal("7")


def test_columns_a_file_leaves_out_keep_their_stored_values(parks, tmp_path):
    Enterprise.objects.create(uscc=U1, name="甲", park_id="ECO", registered_on=date(2020, 1, 1), industry_code="3670",
                              land_area_mu=Decimal("12.5"))
    d = tmp_path / "in"
    write_csv(d, "enterprise", f"uscc,name,park,registered_on\n{U1},甲公司,ECO,2020-01-01\n")
    result = import_path(d)
    assert result.ok, result.issue_lines()
    stored = Enterprise.objects.get(uscc=U1)
    assert (stored.name, stored.park_id, stored.industry_code, stored.land_area_mu) == (
        "甲公司", "ECO", "3670", Decimal("12.5"))


def test_a_file_without_a_required_column_is_refused(parks, tmp_path):
    d = tmp_path / "in"
    write_csv(d, "enterprise", f"uscc,name\n{U1},甲公司\n")
    result = import_path(d)
    assert result.issue_lines() == [
        "enterprise, 1, 园区: 缺少必填列“园区”（park）",
        "enterprise, 1, 注册日期: 缺少必填列“注册日期”（registered_on）",
    ]


def test_references_resolve_in_any_sheet_order(parks, tmp_path):
    path = workbook(tmp_path / "x.xlsx", {
        "隐患": [["inspection", "description", "deadline"], ["INS-1", "消防通道堵塞", "2022-03-10"]],
        "企业月报": [["uscc", "month", "above_scale"], [U1, "2022-01", "是"]],
        "安全检查": [["code", "uscc", "inspected_on"], ["INS-1", U1, "2022-03-01"]],
        "企业": [["统一社会信用代码", "企业名称", "园区", "注册日期"], [U1, "甲", "ECO", "2020-01-01"]],
    })
    result = import_path(path)
    assert result.ok, result.issue_lines()
    assert list(result.counts) == ["enterprise", "enterprise_month", "inspection", "hazard"]
    hazard = Hazard.objects.get()
    assert hazard.inspection_id == "INS-1" and hazard.deadline == date(2022, 3, 10)


def test_the_model_clean_sees_records_of_the_same_import(parks, tmp_path):
    path = workbook(tmp_path / "x.xlsx", {
        "hazard": [["inspection", "description", "deadline"], ["INS-1", "消防通道堵塞", "2022-02-10"]],
        "inspection": [["code", "uscc", "inspected_on"], ["INS-1", U1, "2022-03-01"]],
        "enterprise": [["uscc", "name", "park", "registered_on"], [U1, "甲", "ECO", "2020-01-01"]],
    })
    result = import_path(path)
    assert result.issue_lines() == ["hazard, 2, deadline: 整改期限不能早于检查日期（2022-03-01）"]
    assert not Inspection.objects.exists() and not Enterprise.objects.exists()


def test_an_error_in_a_referenced_row_is_reported_once(parks, tmp_path):
    path = workbook(tmp_path / "x.xlsx", {
        "enterprise": [["uscc", "name", "park", "registered_on"], [U1, "甲", "ECO", "2020-02-30"]],
        "enterprise_month": [["uscc", "month"], [U1, "2022-01"], [U1, "2022-02"]],
    })
    assert import_path(path).issue_lines() == ["enterprise, 2, registered_on: 日期“2020-02-30”不存在"]


def test_park_option_fills_missing_parks_and_accepts_sub_parks(parks, tmp_path):
    d = tmp_path / "in"
    write_csv(d, "enterprise", f"uscc,name,park,registered_on\n{U1},甲,,2020-01-01\n{U2},乙,ECO-CEE,2020-01-01\n")
    write_csv(d, "park", "code,name,parent\nECO-NEW,新片区,\n")
    result = import_path(d, park="ECO")
    assert result.ok, result.issue_lines()
    assert dict(Enterprise.objects.values_list("uscc", "park_id")) == {U1: "ECO", U2: "ECO-CEE"}
    assert Park.objects.get(code="ECO-NEW").parent_id == "ECO"  # a park row without parent goes under ECO


def test_park_option_refuses_rows_of_other_parks_through_their_references(parks, tmp_path):
    Enterprise.objects.create(uscc=U2, name="乙", park_id="OTHER", registered_on=date(2020, 1, 1))
    d = tmp_path / "in"
    write_csv(d, "enterprise_month", f"uscc,month\n{U2},2022-01\n")
    result = import_path(d, park="ECO")
    assert result.issue_lines() == ["enterprise_month, 2, uscc: 属于园区“OTHER”，不在本次导入的园区“ECO”范围内"]
    assert import_path(d, park="OTHER").ok
    assert import_path(d, park="NOPE").issue_lines() == ["园区“NOPE”不存在"]


def test_kinds_with_a_generated_code_upsert_on_their_content(parks, tmp_path):
    d = tmp_path / "in"
    write_csv(d, "party_activity", "park,held_on,kind,title,participants\nECO,2022-03-01,夜学,学习会,30\n"
                                   "ECO,2022-03-08,lecture,专题党课,45\n")
    assert import_path(d).counts == {"party_activity": {"created": 2, "updated": 0}}
    assert import_path(d).counts == {"party_activity": {"created": 0, "updated": 2}}
    assert PartyActivity.objects.count() == 2
    codes = set(PartyActivity.objects.values_list("code", flat=True))
    # The code is the model's own content code of each record.
    assert codes == {activity.content_code() for activity in PartyActivity.objects.all()}
    assert set(PartyActivity.objects.values_list("kind", flat=True)) == {"night_study", "lecture"}


def test_identical_rows_without_a_code_are_one_row_twice(parks, tmp_path):
    d = tmp_path / "in"
    write_csv(d, "party_activity", "park,held_on,kind,title\nECO,2022-03-01,夜学,学习会\nECO,2022-03-01,夜学,学习会\n")
    assert import_path(d).issue_lines() == ["party_activity, 3: 与第2行内容完全相同（重复的行）"]


def test_dry_run_checks_everything_and_writes_nothing(parks, tmp_path):
    d = tmp_path / "in"
    write_csv(d, "enterprise", f"uscc,name,park,registered_on\n{U1},甲,ECO,2020-01-01\n")
    result = import_path(d, dry_run=True)
    assert result.ok and result.dry_run
    assert result.counts == {"enterprise": {"created": 1, "updated": 0}}
    assert not Enterprise.objects.exists()


def test_spreadsheet_typed_cells_are_read_by_field_type(parks, tmp_path):
    path = workbook(tmp_path / "x.xlsx", {
        "enterprise": [["uscc", "name", "park", "registered_on", "land_area_mu", "industry_code"],
                       [U1, "甲", "ECO", datetime(2020, 1, 2), 12.5, 3670]],
        "enterprise_month": [["uscc", "month", "above_scale", "output_value", "employees"],
                             [U1, datetime(2022, 9, 1), True, 1234.5678, 15.0]],
    })
    result = import_path(path)
    assert result.ok, result.issue_lines()
    ent = Enterprise.objects.get()
    assert (ent.registered_on, ent.land_area_mu, ent.industry_code) == (date(2020, 1, 2), Decimal("12.5"), "3670")
    month = EnterpriseMonth.objects.get()
    assert (month.month, month.above_scale, month.output_value, month.employees) == (
        "2022-09", True, Decimal("1234.5678"), 15)


@pytest.mark.parametrize("text, expected", [
    ("true", True), ("TRUE", True), ("1", True), ("是", True), ("yes", True),
    ("false", False), ("FALSE", False), ("0", False), ("否", False), ("no", False), ("", False),
])
def test_booleans_are_read_in_every_usual_spelling(parks, tmp_path, text, expected):
    Enterprise.objects.create(uscc=U1, name="甲", park_id="ECO", registered_on=date(2020, 1, 1))
    d = tmp_path / "in"
    write_csv(d, "enterprise_month", f"uscc,month,above_scale\n{U1},2022-01,{text}\n")
    assert import_path(d).ok
    assert EnterpriseMonth.objects.get().above_scale is expected


def test_a_row_check_hook_rejects_rows_and_an_after_import_hook_sees_the_result(parks, tmp_path):
    seen = []

    def no_march(model, instance, is_new):
        seen.append((model.kind_key, is_new))
        if getattr(instance, "month", "") == "2022-03":
            raise ValidationError({"month": "2022-03已封账"})

    committed = []
    d = tmp_path / "in"
    write_csv(d, "enterprise", f"uscc,name,park,registered_on\n{U1},甲,ECO,2020-01-01\n")
    write_csv(d, "enterprise_month", f"uscc,month\n{U1},2022-02\n{U1},2022-03\n")
    with hooks.registered(row_check=no_march, after_import=lambda result, user: committed.append((result, user))):
        refused = import_path(d)
        assert refused.issue_lines() == ["enterprise_month, 3, month: 2022-03已封账"]
        assert committed == []
        write_csv(d, "enterprise_month", f"uscc,month\n{U1},2022-02\n")
        accepted = import_path(d, user="clerk")
    assert ("enterprise", True) in seen and ("enterprise_month", True) in seen
    assert committed == [(accepted, "clerk")]
    assert no_march not in hooks.row_checks()


def test_api_rows_take_json_values_and_name_rows_by_position(parks):
    ok = import_rows("enterprise", [
        {"uscc": U1, "name": "甲", "park": "ECO", "registered_on": "2020-01-01", "land_area_mu": 3.25},
    ])
    assert ok.ok, ok.issue_lines()
    assert Enterprise.objects.get().land_area_mu == Decimal("3.25")
    before = snapshot()
    bad = import_rows("enterprise_month", [
        {"uscc": U1, "month": "2022-01", "above_scale": True},
        {"uscc": U1, "month": "2022-13", "above_scale": {"x": 1}},
    ])
    assert bad.issue_lines() == [
        "enterprise_month, 2, month: 月份“2022-13”应为YYYY-MM格式，月份01-12",
        "enterprise_month, 2, above_scale: 不是有效的值",
    ]
    assert snapshot() == before
    assert import_rows("nope", []).issue_lines() == ["nope: 未知的台账类型“nope”"]
    assert import_rows("park", ["x"]).issue_lines() == ["park: 数据应为对象的列表"]


def test_an_upload_is_checked_for_size_and_type(parks):
    data = f"uscc,name,park,registered_on\n{U1},甲,ECO,2020-01-01\n".encode()
    assert import_upload(io.BytesIO(data), "enterprise.csv").ok
    too_big = import_upload(io.BytesIO(data * 10), "enterprise.csv", max_bytes=100)
    assert too_big.issue_lines() == ["enterprise.csv: 文件超过100字节，请拆分后分批导入"]
    assert import_upload(io.BytesIO(b"x"), "enterprise.exe").issue_lines() == [
        "enterprise.exe: 只能上传.xlsx工作簿或.csv文件"]
    png = import_upload(io.BytesIO(b"\x89PNG\r\n\x1a\n0000"), "../../etc/ledger.xlsx")
    assert png.issue_lines() == ["ledger.xlsx: 文件不是Excel工作簿（是PNG图片），请上传.xlsx或.csv文件"]


def test_batch_hooks_see_each_kind_once_with_stored_values_and_parks(parks, tmp_path):
    Enterprise.objects.create(uscc=U1, name="甲", park_id="ECO-CEE", registered_on=date(2020, 1, 1))
    EnterpriseMonth.objects.create(uscc_id=U1, month="2022-01", output_value=Decimal("5"))
    calls = []

    def check(model, changes):
        calls.append((model.kind_key, [(c.row, c.is_new, c.park, c.before and c.before["output_value"])
                                       for c in changes]))
        for change in changes:
            if change.instance.month == "2022-02":
                change.reject("2022-02已封账", "month")

    written = []

    def record_written(model, changes) -> None:
        written.append([c.row for c in changes])

    d = tmp_path / "in"
    write_csv(d, "enterprise_month", f"uscc,month,output_value\n{U1},2022-01,6\n{U1},2022-02,7\n")
    hooks.register_rows_check(check)
    try:
        with hooks.registered():
            refused = import_path(d)
        hooks.register_rows_written(record_written)
        write_csv(d, "enterprise_month", f"uscc,month,output_value\n{U1},2022-01,6\n")
        accepted = import_path(d)
    finally:
        hooks._rows_checks.remove(check)
        if record_written in hooks._rows_written:  # only this test's hook: the apps' own hooks stay
            hooks._rows_written.remove(record_written)
    assert refused.issue_lines() == ["enterprise_month, 3, month: 2022-02已封账"]
    # One call per import and kind; the stored 2022-01 row had output 5; the park comes through the enterprise.
    assert calls[0] == ("enterprise_month", [(2, False, "ECO-CEE", Decimal("5")), (3, True, "ECO-CEE", None)])
    assert accepted.ok and written == [[2]]
    assert EnterpriseMonth.objects.get(month="2022-01").output_value == Decimal("6")


def test_issues_speak_english_when_english_is_active(parks, tmp_path):
    from django.utils import translation

    d = tmp_path / "in"
    write_csv(d, "enterprise", f"uscc,name,park,registered_on,备注\n{U1},甲,ECO,2022-02-30,x\n")
    with translation.override("en"):
        lines = import_path(d).issue_lines()
        write_csv(d, "enterprise", f"uscc,name,park,registered_on\n{U1},甲,ECO,2022-02-30\n")
        date_lines = import_path(d).issue_lines()
    assert lines == ["enterprise, 1, 备注: Unknown column: Enterprise has no “备注”"]
    assert date_lines == ["enterprise, 2, registered_on: The date “2022-02-30” does not exist"]


def test_the_import_command_reports_what_it_did(parks, tmp_path, capsys):
    from django.core.management import call_command

    d = tmp_path / "in"
    write_csv(d, "enterprise", f"uscc,name,park,registered_on\n{U1},甲,,2020-01-01\n")
    call_command("import", str(d), "--park", "ECO", "--dry-run")
    assert "检查通过（--dry-run，未写入）：1行，新增1，更新0" in capsys.readouterr().out
    assert not Enterprise.objects.exists()
    call_command("import", str(d), "--park", "ECO")
    out = capsys.readouterr().out
    assert "enterprise（企业）：新增1，更新0" in out and "导入完成：1行" in out
    assert Enterprise.objects.get().park_id == "ECO"


def test_park_option_cannot_pull_another_park_into_its_tree(parks, tmp_path):
    d = tmp_path / "in"
    write_csv(d, "park", "code,name\nOTHER,别的园区改名\n")
    assert import_path(d, park="ECO").issue_lines() == [
        "park, 2, code: 园区“OTHER”不是“ECO”或其下级园区，不能在本次导入中新增或修改"]
    write_csv(d, "park", "code,name,parent\nECO-CEE,中东欧园,OTHER\n")
    assert import_path(d, park="ECO").issue_lines() == ["park, 2, parent: 上级园区“OTHER”不是“ECO”或其下级园区"]
    assert Park.objects.get(code="OTHER").parent_id is None
    assert Park.objects.get(code="ECO-CEE").parent_id == "ECO"


def test_headers_match_with_half_width_brackets_and_semicolons_are_explained(parks, tmp_path):
    d = tmp_path / "in"
    write_csv(d, "企业", f"统一社会信用代码,企业名称,园区,注册日期,用地面积(亩)\n{U1},甲,ECO,2020-01-01,3\n")
    assert import_path(d).ok
    assert Enterprise.objects.get().land_area_mu == 3
    write_csv(d, "park", "code;name\nP1;一园\n")
    (d / "企业.csv").unlink()
    assert import_path(d).issue_lines() == [
        "park, 1, code;name: 表头“code;name”像是用分号或制表符分隔的：CSV文件应以逗号分隔"]


@pytest.mark.parametrize("copy_threshold", [1, 10**9])
def test_both_ways_of_writing_create_and_update_the_same(parks, tmp_path, monkeypatch, copy_threshold):
    from parkledger.dataio import importing

    monkeypatch.setattr(importing, "COPY_THRESHOLD", copy_threshold)  # PostgreSQL: COPY, or statements
    usccs = [make_uscc(f"91330281MA2H2{i:04d}") for i in range(30)]
    d = tmp_path / "in"
    write_csv(d, "enterprise", "uscc,name,park,registered_on\n" + "".join(
        f"{u},企业{i},ECO,2020-01-01\n" for i, u in enumerate(usccs)))
    write_csv(d, "enterprise_month", "uscc,month,above_scale,output_value,employees\n" + "".join(
        f"{u},2022-{m:02d},{'true' if i % 2 else 'false'},{i}.{m},{m}\n"
        for i, u in enumerate(usccs) for m in range(1, 13)))
    first = import_path(d)
    assert first.counts["enterprise_month"] == {"created": 360, "updated": 0}
    write_csv(d, "enterprise_month", "uscc,month,output_value\n" + "".join(
        f"{u},2022-03,{i * 2}\n" for i, u in enumerate(usccs)))
    second = import_path(d)
    assert second.counts["enterprise_month"] == {"created": 0, "updated": 30}
    assert EnterpriseMonth.objects.count() == 360
    row = EnterpriseMonth.objects.get(uscc_id=usccs[7], month="2022-03")
    assert (row.output_value, row.employees, row.above_scale) == (Decimal(14), 3, True)  # 7*2; kept 3 and odd → true
    assert EnterpriseMonth.objects.get(uscc_id=usccs[7], month="2022-04").output_value == Decimal("7.4")


def test_a_whole_year_may_change_its_above_scale_flag_but_not_part_of_it(parks, tmp_path):
    Enterprise.objects.create(uscc=U1, name="甲", park_id="ECO", registered_on=date(2020, 1, 1))
    for m in (1, 2, 3):
        EnterpriseMonth.objects.create(uscc_id=U1, month=f"2022-0{m}", above_scale=True)
    EnterpriseMonth.objects.create(uscc_id=U1, month="2021-12", above_scale=False)  # another year
    d = tmp_path / "in"
    write_csv(d, "enterprise_month", f"uscc,month,above_scale\n{U1},2022-01,false\n{U1},2022-02,false\n")
    assert import_path(d).issue_lines() == [
        "enterprise_month, 2, above_scale: 同一企业同一年度的规上标志必须一致：2022-03为true，本行为false",
        "enterprise_month, 3, above_scale: 同一企业同一年度的规上标志必须一致：2022-03为true，本行为false",
    ]
    write_csv(d, "enterprise_month", f"uscc,month,above_scale\n{U1},2022-01,否\n{U1},2022-02,否\n{U1},2022-03,否\n"
                                     f"{U1},2022-04,否\n")
    assert import_path(d).ok
    assert sorted(EnterpriseMonth.objects.values_list("month", "above_scale")) == [
        ("2021-12", False), ("2022-01", False), ("2022-02", False), ("2022-03", False), ("2022-04", False)]
