"""The reader's parts: cells, units, header blocks, labels and synonyms, on sheets built like real ones."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from parkledger.dataio.mapping.grid import Grid, read_grids
from parkledger.dataio.mapping.header import HeaderError, find_header, label_vocabulary, month_in_texts
from parkledger.dataio.mapping.proposal import propose
from parkledger.dataio.mapping.text import company_key
from parkledger.dataio.mapping.units import convert
from parkledger.dataio.mapping.values import parse_flag, parse_month, parse_number
from tests.data.mapping.workbooks import write_ods, write_xlsx


@pytest.mark.parametrize(("cell", "expected"), [
    ("—", None), ("-", None), ("/", None), ("无", None), ("", None), ("  ", None), (None, None), ("——", None),
    ("1,234,567.89", Decimal("1234567.89")), ("１２３", Decimal(123)), (" 12 ", Decimal(12)),
    ("(1,234)", Decimal(-1234)), ("（56.5）", Decimal("-56.5")), ("12.5%", Decimal("12.5")),
    (1234.5, Decimal("1234.5")), (0.1, Decimal("0.1")), (7.0, Decimal(7)), (42, Decimal(42)),
])
def test_numbers_are_read_as_staff_write_them(cell, expected):
    assert parse_number(cell) == expected


@pytest.mark.parametrize("cell", ["abc", "1,23", "12元", date(2022, 1, 1)])
def test_what_is_not_a_number_says_so(cell):
    with pytest.raises(ValueError):
        parse_number(cell)


@pytest.mark.parametrize(("cell", "expected"), [
    ("2022.10", "2022-10"), ("2022年10月", "2022-10"), ("202210", "2022-10"), (202210, "2022-10"),
    ("2022-10", "2022-10"), ("2022/1", "2022-01"), ("2022年3月份", "2022-03"), ("２０２２年１０月", "2022-10"),
    (date(2022, 10, 1), "2022-10"), (datetime(2022, 10, 31, 0, 0), "2022-10"),
    (44835.0, "2022-10"),  # the Excel serial of 2022-10-01
    ("—", None),
])
def test_months_are_read_in_every_usual_spelling(cell, expected):
    assert parse_month(cell) == expected


@pytest.mark.parametrize("cell", ["2022.13", "十月", "22-10"])
def test_bad_months_are_refused(cell):
    with pytest.raises(ValueError):
        parse_month(cell)


@pytest.mark.parametrize(("cell", "expected"), [("是", True), ("√", True), ("否", False), ("", False), (None, False),
                                                ("—", False), (1, True)])
def test_above_scale_flags(cell, expected):
    assert parse_flag(cell) is expected


def test_units_convert_exactly():
    assert convert(Decimal(12345), "千元", "万元") == Decimal("1234.5")
    assert convert(Decimal(123456789), "元", "万元") == Decimal("12345.6789")
    assert convert(Decimal("1.23456"), "亿元", "万元") == Decimal("12345.6")
    assert convert(Decimal("0.3"), "千元", "万元") == Decimal("0.03")  # not 0.029999…
    assert convert(Decimal(5), "万吨标准煤", "吨标准煤") == Decimal(50000)
    with pytest.raises(ValueError):
        convert(Decimal(1), "万美元", "万元")


def test_company_names_fold_width_spaces_and_the_limited_company_variants():
    assert company_key("宁波 甲机械（集团）有限责任公司") == company_key("宁波甲机械(集团)有限公司")
    assert company_key("ＡＢＣ科技有限公司") == company_key("abc科技有限公司")
    assert company_key("宁波甲机械") != company_key("宁波甲机械有限公司")


def block_of(rows, merges=(), kind="enterprise_month"):
    return find_header(Grid("表", rows, list(merges)), label_vocabulary([kind]))


def test_three_header_rows_with_merged_cells_give_full_header_paths():
    rows = [
        ["2022年1-10月重点企业情况", None, None, None, None, None],
        ["序号", "企业（单位）名称", "主要指标", None, None, None],
        [None, None, "工业总产值", None, "应交税金（元）", None],
        [None, None, "本月", "1—10月累计", "本月", "上年同期"],
        [1, "宁波甲机械有限公司", 1, 2, 3, 4],
    ]
    merges = [((0, 0), (0, 5)), ((1, 0), (3, 0)), ((1, 1), (3, 1)), ((1, 2), (1, 5)), ((2, 2), (2, 3)),
              ((2, 4), (2, 5))]
    block = block_of(rows, merges)
    assert (block.first_row, block.last_row) == (2, 4)
    assert [c.path for c in block.columns] == [
        "序号", "企业（单位）名称", "主要指标 / 工业总产值 / 本月", "主要指标 / 工业总产值 / 1—10月累计",
        "主要指标 / 应交税金（元） / 本月", "主要指标 / 应交税金（元） / 上年同期"]
    mapping = propose("enterprise_month", block, "2022-10")
    got = [(c.letter, c.field, c.unit, c.reading) for c in mapping.columns]
    assert got == [
        ("A", "", "", "month"),  # 序号 is not imported
        ("B", "enterprise_name", "", ""),
        ("C", "output_value", "万元", "month"),
        ("D", "", "万元", "cumulative"),  # the 1-10月累计 beside a 本月 column is only shown
        ("E", "tax", "元", "month"),
        ("F", "", "", "month"),  # 上年同期 is not imported
    ]


def test_a_csv_export_of_merged_headers_fills_its_groups_and_the_unit_line_applies_to_money_only(tmp_path):
    text = ("\ufeff 2022年10月 园区企业月报 ,,,,\n"
            "单位：千元,,,,\n"
            "\n"
            "单位名称,工业总产值,,综合能耗（吨标准煤）,从业人员\n"
            ",本月,1-10月累计,,\n"
            "宁波甲机械有限公司,1,2,3,4\n")
    path = tmp_path / "x.csv"
    path.write_text(text, encoding="utf-8")
    [grid] = read_grids(path)
    block = find_header(grid, label_vocabulary(["enterprise_month"]))
    assert block.unit == "千元" and block.first_row == 4
    assert month_in_texts(block.above) == "2022-10"
    assert [c.path for c in block.columns] == ["单位名称", "工业总产值 / 本月", "工业总产值 / 1-10月累计",
                                               "综合能耗（吨标准煤）", "从业人员"]
    mapping = propose("enterprise_month", block, None)
    units = {c.field: c.unit for c in mapping.used()}
    assert units == {"enterprise_name": "", "output_value": "千元", "energy_tce": "吨标准煤", "employees": "人"}


def test_full_width_text_stray_spaces_spacers_totals_and_footnotes(tmp_path):
    rows = [
        ["　统一社会信用代码 ", " 企业名称", "工业 总产值（万元）", "增速%"],
        [None, None, None, None],
        ["９１３３０２８１ＭＡ２Ｈ０８００１Ｘ", "甲", "１，２３４", "5%"],
        ["", "小计", 5, None],
        [None, "乙", 2, None],
        ["总计", None, 7, None],
        ["注：数据截至月末。", None, None, None],
        ["填报人：王五", None, "联系电话：123", None],
    ]
    block = block_of(rows)
    assert [number for number, _cells in block.data] == [3, 5]
    mapping = propose("enterprise_month", block, "2022-10")
    assert [(c.field, c.unit) for c in mapping.columns] == [
        ("uscc", ""), ("enterprise_name", ""), ("output_value", "万元"), ("", "")]


@pytest.mark.parametrize(("label", "field"), [
    ("统一社会信用代码", "uscc"), ("信用代码", "uscc"), ("社会信用代码", "uscc"),
    ("企业名称", "enterprise_name"), ("单位名称", "enterprise_name"), ("企业（单位）名称", "enterprise_name"),
    ("工业总产值", "output_value"), ("总产值", "output_value"),
    ("营业收入", "revenue"), ("主营业务收入", "revenue"),
    ("应交税金", "tax"), ("实缴税金", "tax"), ("税收", "tax"),
    ("从业人员", "employees"), ("从业人员期末人数", "employees"), ("用工人数", "employees"),
    ("规上", "above_scale"), ("是否规上", "above_scale"), ("规模以上", "above_scale"),
])
def test_the_committee_s_labels_match_their_fields(db, label, field):
    block = block_of([["企业名称" if field != "enterprise_name" else "信用代码", label], ["甲", 1]])
    mapping = propose("enterprise_month", block, "2022-10")
    assert mapping.columns[1].field == field


def test_an_ods_sheet_is_read(tmp_path):
    path = write_ods(tmp_path / "x.ods", [["单位名称", "总产值（亿元）"], ["宁波甲机械有限公司", 0.5]])
    [grid] = read_grids(path)
    block = find_header(grid, label_vocabulary(["enterprise_month"]))
    assert block.data == [(2, ["宁波甲机械有限公司", 0.5])]
    assert propose("enterprise_month", block, "2022-10").columns[1].unit == "亿元"


def test_header_errors_say_why(tmp_path):
    with pytest.raises(HeaderError, match="找不到表头行"):
        block_of([["月报"], [1, 2, 3]])
    path = write_xlsx(tmp_path / "x.xlsx", [["企业名称", "总产值"], ["甲", 1], ["企业名称", "税收"], ["乙", 2]])
    [grid] = read_grids(path)
    with pytest.raises(HeaderError, match="两处候选表头"):
        find_header(grid, label_vocabulary(["enterprise_month"]))


def test_a_header_repeated_on_every_printed_page_is_skipped():
    header = [["序号", "企业名称", "工业总产值（千元）", None], [None, None, "本月", "1-10月累计"]]
    merges = [((0, 2), (0, 3)), ((2, 2), (2, 3))]
    rows = [*header, [1, "甲", 1, 2], *header, [2, "乙", 3, 4]]
    block = block_of(rows, merges)
    assert [number for number, _cells in block.data] == [3, 6]


def test_us_dollar_and_percent_columns_keep_to_fields_of_their_unit(db):
    block = block_of([["园区", "月份", "实际利用外资（万美元）", "固定资产投资（万美元）", "工业投资增速（%）"],
                      ["ECO", "2022-10", 1, 2, 3]], kind="park_month")
    got = {c.letter: (c.field, c.unit) for c in propose("park_month", block, None).columns}
    assert got["C"] == ("fdi_actual", "万美元")
    assert got["D"] == ("", "")  # 固定资产投资 is kept in 万元: 万美元 cannot be converted
    assert got["E"] == ("", "")  # a growth rate is not imported


@pytest.mark.parametrize(("name", "content"), [
    ("a.xlsx", b""), ("a.xlsx", b"PK\x03\x04 not a zip"), ("a.xlsx", b"uscc,month\n1,2\n"),
    ("a.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600), ("a.ods", b"PK\x05\x06" + b"\x00" * 18),
    ("a.csv", b""), ("a.csv", b"\x00\x01\x02 binary"), ("a.csv", "企业名称,总产值\n甲,1\n".encode("utf-16")),
    ("a.csv", b"\xff\xfe\xfd invalid in every encoding \x80\x81"), ("a.txt", b"hello"),
])
def test_broken_files_give_a_reason_not_an_exception(db, tmp_path, name, content):
    from parkledger.dataio.mapping import read_source

    path = tmp_path / name
    path.write_bytes(content)
    found = read_source(path, "enterprise_month")
    assert found.errors or found.blocks
    assert all(issue.reason for issue in found.errors)


def test_labels_taught_by_a_saved_mapping_are_proposed_for_other_files(db):
    from parkledger.dataio.mapping.proposal import ColumnMapping, Mapping
    from parkledger.dataio.mapping.saved import extra_synonyms, save_mapping

    save_mapping("部门表", Mapping(kind="enterprise_month", signature="s1", columns=[
        ColumnMapping(index=0, letter="A", header="企业", field="enterprise_name"),
        ColumnMapping(index=1, letter="B", header="本期产出", field="output_value", unit="千元")]))
    block = block_of([["单位名称", "本期产出", "营业收入"], ["甲", 1, 2]])
    mapping = propose("enterprise_month", block, "2022-10", extra_synonyms("enterprise_month", None))
    assert mapping.columns[1].field == "output_value"
    assert propose("enterprise_month", block, "2022-10").columns[1].field == ""


def test_totals_and_footnotes_are_told_from_names_by_their_folded_text():
    rows = [
        ["企业名称", "统一社会信用代码", "工业总产值"],
        ["合力机械有限公司", "X1", 1],  # begins like 合计 but is a name
        ["　合　计", None, 9],  # full-width spaces fold away: 合计
        ["其中：外资企业", None, 5],
        ["\u2f29计", None, 4],  # the Kangxi radical ⼩ folds to 小: 小计
        ["Total Co.", "X2", 2],
        ["全区合计", None, 9],
        ["\u3000注：数据为快报数", None, None],
    ]
    block = block_of(rows)
    assert [number for number, _cells in block.data] == [2, 6]
