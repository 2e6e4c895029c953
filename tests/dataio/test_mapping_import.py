"""Mapped imports end to end: the statistics office's workbook, 累计 → 当月, names, errors in source coordinates."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from parkledger.core.models import Enterprise, EnterpriseMonth, Park
from parkledger.dataio.mapping import MappingNeeded, mapped_import
from parkledger.lib.uscc import make_uscc
from tests.data.mapping.workbooks import (
    STATISTICS_OFFICE_XLS_MERGES,
    statistics_office,
    statistics_office_rows,
    write_xls,
    write_xlsx,
)

pytestmark = pytest.mark.django_db

U1 = make_uscc("91330281MA2H08001")
U2 = make_uscc("91330281MA2H08002")
U3 = make_uscc("91330281MA2H08003")
U_OTHER = make_uscc("91330281MA2H08009")


@pytest.fixture
def park(db):
    Park.objects.create(code="ECO", name="生态园")
    Park.objects.create(code="ECO-CEE", name="中东欧园", parent_id="ECO")
    Park.objects.create(code="OTHER", name="别的园区")
    for uscc, name, code in ((U1, "宁波甲机械有限公司", "ECO"), (U2, "宁波乙电子有限责任公司", "ECO-CEE"),
                             (U3, "宁波丙化工有限公司", "ECO"), (U_OTHER, "宁波丙化工有限公司", "OTHER")):
        Enterprise.objects.create(uscc=uscc, name=name, park_id=code, registered_on=date(2020, 1, 1))
    return "ECO"


def months(uscc: str) -> dict[str, EnterpriseMonth]:
    return {m.month: m for m in EnterpriseMonth.objects.filter(uscc_id=uscc)}


def test_the_statistics_office_workbook_imports_exact_monthly_values_in_wan_yuan(park, tmp_path):
    # 甲 by code; 乙 by name only (有限公司 written for 有限责任公司, full-width spaces); a 合计 row, footnotes.
    path = statistics_office(tmp_path / "2022-10.xlsx", 10, [
        [1, "宁波甲机械有限公司", U1, "1,234", 12345, 56789, 50000, 120],
        [2, "宁波乙电子　有限公司", None, 500, 9999, "1,500", "—", "无"],
    ])
    EnterpriseMonth.objects.create(uscc_id=U2, month="2022-09", revenue=Decimal("100"))
    EnterpriseMonth.objects.create(uscc_id=U2, month="2022-08", revenue=Decimal("20"))
    result, mapping = mapped_import(path, "enterprise_month", month="2022-10", park=park)
    assert result.ok, result.issue_lines()
    first = months(U1)["2022-10"]
    # 本月 1,234 千元 = 123.4 万元 (the 当月 column wins over 1-10月累计).
    assert first.output_value == Decimal("123.4")
    # 营业收入 1-10月累计 56,789 千元 − 1-9月累计 50,000 千元 = 6,789 千元 = 678.9 万元.
    assert first.revenue == Decimal("678.9")
    assert first.employees == 120
    second = months(U2)["2022-10"]
    assert second.output_value == Decimal("50")
    # 乙's 1-9月累计 is "—": the ledger's 2022-08 20 + 2022-09 100 = 120 万元; 1,500 千元 = 150 万元; 当月 30 万元.
    assert second.revenue == Decimal("30")
    assert second.employees is None
    assert EnterpriseMonth.objects.filter(month="2022-10").count() == 2  # the 合计 row and footnotes are skipped


def test_cumulative_minus_the_ledger_months_when_the_file_has_no_previous_column(park, tmp_path):
    EnterpriseMonth.objects.create(uscc_id=U1, month="2022-08", revenue=Decimal("20"))
    EnterpriseMonth.objects.create(uscc_id=U1, month="2022-09", revenue=Decimal("100"))
    path = statistics_office(tmp_path / "f.xlsx", 10, [[1, "宁波甲机械有限公司", U1, 1, 1, 1500, None, 1]])
    result, _mapping = mapped_import(path, "enterprise_month", month="2022-10", park=park)
    assert result.ok, result.issue_lines()
    # 1-10月累计 1,500 千元 = 150 万元; stored 2022-08 20 + 2022-09 100 = 120 万元; 当月 = 30 万元.
    assert months(U1)["2022-10"].revenue == Decimal("30")


def test_a_decreasing_cumulative_is_an_error_naming_the_enterprise_and_both_numbers(park, tmp_path):
    path = statistics_office(tmp_path / "f.xlsx", 10, [[1, "宁波甲机械有限公司", U1, 1, 1, 11000, 12345, 1]])
    result, _mapping = mapped_import(path, "enterprise_month", month="2022-10", park=park)
    assert not result.ok
    assert [str(i) for i in result.issues] == [
        f"规上工业, 6, F: 宁波甲机械有限公司（{U1}）的营业收入本月累计1100万元小于上月累计1234.5万元：累计数不能减少，请核对"]
    assert not EnterpriseMonth.objects.exists()


def test_a_missing_previous_month_is_an_error_and_january_is_its_cumulative(park, tmp_path):
    path = statistics_office(tmp_path / "f.xlsx", 10, [[1, None, U1, 1, 1, 5000, None, 1]])
    result, _mapping = mapped_import(path, "enterprise_month", month="2022-10", park=park)
    assert [(i.sheet, i.row, i.column) for i in result.issues] == [("规上工业", 6, "F")]
    assert "缺少上月（2022-09）" in result.issues[0].reason and "500万元" in result.issues[0].reason
    rows = statistics_office_rows(1, [[1, None, U1, 7, 70, 5000, None, 1]])
    rows[3][6] = "上年同期"
    path = write_xlsx(tmp_path / "jan.xlsx", rows, ["D3:E3", "F3:G3"])
    result, _mapping = mapped_import(path, "enterprise_month", month="2022-01", park=park)
    assert result.ok, result.issue_lines()
    # January: 1-1月累计 5,000 千元 is the month's 500 万元.
    assert months(U1)["2022-01"].revenue == Decimal("500")


def test_names_are_matched_within_the_park_and_unknown_or_ambiguous_names_list_candidates(park, tmp_path):
    path = statistics_office(tmp_path / "f.xlsx", 10, [
        [1, "宁波甲机械有限责任公司", None, 10, 10, None, None, 1],
        [2, "宁波甲机器有限公司", None, 10, 10, None, None, 1],
    ])
    result, _mapping = mapped_import(path, "enterprise_month", month="2022-10", park=park)
    assert [(i.row, i.column) for i in result.issues] == [(7, "B")]
    assert "宁波甲机械有限公司" in result.issues[0].reason and U1 in result.issues[0].reason
    # Without a park, 宁波丙化工有限公司 is two enterprises.
    path = statistics_office(tmp_path / "g.xlsx", 10, [[1, "宁波丙化工有限公司", None, 10, 10, None, None, 1]])
    result, _mapping = mapped_import(path, "enterprise_month", month="2022-10")
    assert "对应多家企业" in result.issues[0].reason
    assert U3 in result.issues[0].reason and U_OTHER in result.issues[0].reason
    result, _mapping = mapped_import(path, "enterprise_month", month="2022-10", park=park)
    assert result.ok, result.issue_lines()
    assert months(U3)["2022-10"].output_value == Decimal(1)


def test_the_importer_s_errors_come_back_in_source_coordinates(park, tmp_path):
    bad = make_uscc("91330281MA2H08777")  # valid code, no such enterprise
    path = statistics_office(tmp_path / "f.xlsx", 10, [
        [1, "宁波甲机械有限公司", U1, "abc", 10, None, None, 1],
        [2, "宁波丙化工有限公司", U3, -5, 10, None, None, 1],
        [3, "某公司", bad, 5, 10, None, None, 1],
    ])
    result, _mapping = mapped_import(path, "enterprise_month", month="2022-10", park=park)
    where = [(i.sheet, i.row, i.column) for i in result.issues]
    assert ("规上工业", 6, "D") in where  # the reader: “abc” is not a number
    assert ("规上工业", 7, "D") in where  # the importer: negative amount (−5 千元)
    assert ("规上工业", 8, "C") in where  # the importer: unknown enterprise, row 8, column C
    assert len(where) == 3
    assert not EnterpriseMonth.objects.exists()


def test_the_month_comes_from_the_title_when_not_given(park, tmp_path):
    path = statistics_office(tmp_path / "f.xlsx", 3, [[1, None, U1, 10, 10, None, None, 1]], year=2023)
    result, mapping = mapped_import(path, "enterprise_month", park=park)
    assert result.ok, result.issue_lines()
    assert mapping.month == "2023-03"
    assert set(months(U1)) == {"2023-03"}


def test_an_xls_file_from_an_older_system_imports_alike(park, tmp_path):
    rows = statistics_office_rows(10, [[1, "宁波甲机械有限公司", U1, 1234, 12345, None, None, 3]])
    path = write_xls(tmp_path / "old.xls", rows, STATISTICS_OFFICE_XLS_MERGES, title="规上工业")
    result, _mapping = mapped_import(path, "enterprise_month", month="2022-10", park=park)
    assert result.ok, result.issue_lines()
    assert months(U1)["2022-10"].output_value == Decimal("123.4")


def test_a_gbk_csv_with_one_header_row_and_units_per_column(park, tmp_path):
    text = ("企业名称,信用代码,总产值(元),主营业务收入(亿元),税收(万元),用工人数,是否规上,月份\n"
            f"宁波甲机械有限公司,{U1.lower()},\"1,234,567\",0.0123,12.5,88,√,2022年10月\n"
            f"宁波丙化工有限公司,,0,,,,,202210\n")
    path = tmp_path / "部门.csv"
    path.write_bytes(text.encode("gbk"))
    result, _mapping = mapped_import(path, "enterprise_month", park=park)
    assert result.ok, result.issue_lines()
    row = months(U1)["2022-10"]
    # 1,234,567 元 ÷ 10,000 = 123.4567 万元; 0.0123 亿元 × 10,000 = 123 万元.
    assert (row.output_value, row.revenue, row.tax, row.employees, row.above_scale) == (
        Decimal("123.4567"), Decimal("123"), Decimal("12.5"), 88, True)
    assert months(U3)["2022-10"].above_scale is False


def test_an_incomplete_proposal_names_what_is_missing(park, tmp_path):
    path = write_xlsx(tmp_path / "f.xlsx", [["企业名称", "工业总产值"], ["宁波甲机械有限公司", 1]])
    with pytest.raises(MappingNeeded) as caught:
        mapped_import(path, "enterprise_month", park=park)
    assert any("没有月份" in p for p in caught.value.problems)


def test_a_file_the_reader_cannot_understand_says_why(park, tmp_path):
    path = write_xlsx(tmp_path / "f.xlsx", [["2022年报表"], ["甲", "乙"], [1, 2]])
    result, _mapping = mapped_import(path, "enterprise_month", month="2022-10", park=park)
    assert "找不到表头行" in result.issues[0].reason
    rows = [["企业名称", "工业总产值"], ["宁波甲机械有限公司", 1], [None, None], ["企业名称", "营业收入"],
            ["宁波甲机械有限公司", 2]]
    result, _mapping = mapped_import(write_xlsx(tmp_path / "g.xlsx", rows), "enterprise_month", month="2022-10",
                                     park=park)
    assert "两处候选表头（第1行和第4行）" in result.issues[0].reason
    broken = tmp_path / "h.xls"
    broken.write_bytes(b"\xd0\xcf\x11\xe0 not really")
    result, _mapping = mapped_import(broken, "enterprise_month", month="2022-10", park=park)
    assert "无法读取工作簿" in result.issues[0].reason


def test_a_bad_cumulative_cell_after_a_good_one_is_reported_at_its_cell(park, tmp_path):
    for uscc in (U1, U3):
        EnterpriseMonth.objects.create(uscc_id=uscc, month="2022-09", revenue=Decimal("100"), tax=Decimal("5"))
    rows = [["企业名称", "统一社会信用代码", "营业收入1-10月累计（万元）", "应交税金1-10月累计（万元）"],
            ["宁波甲机械有限公司", U1, 150, "abc"],
            ["宁波丙化工有限公司", U3, 150, 9]]
    result, _mapping = mapped_import(write_xlsx(tmp_path / "f.xlsx", rows), "enterprise_month", month="2022-10",
                                     park=park)
    assert [(i.row, i.column, i.reason) for i in result.issues] == [(2, "D", "“abc”不是数字")]
    assert not EnterpriseMonth.objects.filter(month="2022-10").exists()
    rows[1][3] = 12
    result, _mapping = mapped_import(write_xlsx(tmp_path / "g.xlsx", rows), "enterprise_month", month="2022-10",
                                     park=park)
    assert result.ok, result.issue_lines()
    # 150 − 100 = 50 万元 of revenue; tax 12 − 5 = 7 and 9 − 5 = 4 万元.
    assert (months(U1)["2022-10"].revenue, months(U1)["2022-10"].tax) == (Decimal(50), Decimal(7))
    assert (months(U3)["2022-10"].revenue, months(U3)["2022-10"].tax) == (Decimal(50), Decimal(4))


def test_a_nan_or_infinite_number_cell_is_not_a_number(park):
    from parkledger.dataio.mapping.convert import convert_rows
    from parkledger.dataio.mapping.grid import Grid
    from parkledger.dataio.mapping.header import find_header, label_vocabulary
    from parkledger.dataio.mapping.proposal import propose

    rows = [["统一社会信用代码", "工业总产值（万元）"], [U1, float("nan")], [U3, float("inf")], [U1, 2.5]]
    block = find_header(Grid("表", rows), label_vocabulary(["enterprise_month"]))
    converted = convert_rows(block, propose("enterprise_month", block, "2022-10"), park=park)
    assert converted.issues == [("表", 2, "B", "不是数字"), ("表", 3, "B", "不是数字")]
    assert converted.rows == [{"uscc": U1, "output_value": "2.5", "month": "2022-10"}]
