"""Every bad file of tests/data/bad_imports/ gets its specific error, and nothing in the database changes.

The database holds records of every kind (tests/dataio/dataset.py) plus a park OTHER; each
case is imported into it and must fail with exactly the issue listed here (sheet, row,
column: reason), leaving every ledger table as it was (values and timestamps). Most files
also hold valid rows (a new park NEWPARK, a new enterprise): they must not be written either.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from parkledger.core.models import Park
from parkledger.dataio.importing import import_path
from tests.dataio.dataset import build_every_kind, snapshot

pytestmark = pytest.mark.django_db

CORPUS = Path(__file__).resolve().parent.parent / "data" / "bad_imports"
E1 = "91330281MA2H00001"  # + its check character: the dataset's first enterprise (park ECO)
NEW2 = "91330281MA2H09992P"
MONTH_FORMAT = "应为YYYY-MM格式，月份01-12"
GOV_CATEGORIES = ("外联道路（road）、代建厂房（factory）、综合配套（amenity）、要素保障（utility）、"
                  "水系绿地（water_green）、其他生态（ecology）、文化交流（culture）、其他（other）")

# case (file or directory in the corpus) → (park option, the one issue expected)
CASES: dict[str, tuple[str | None, str]] = {
    # 统一社会信用代码: 91350100M000100Y43 is a valid code, so its check character is 3.
    "uscc_wrong_check_character.xlsx": (None, "enterprise, 3, uscc: 统一社会信用代码校验位错误：应为3，实为4"),
    "uscc_too_short.xlsx": (None, "enterprise, 2, uscc: 统一社会信用代码应为18位，实为16位"),
    "uscc_letter_o.xlsx": (None, "enterprise, 2, uscc: 统一社会信用代码含非法字符“O”（不使用I、O、S、V、Z及小写字母）"),
    # sheets and columns
    "unknown_kind.xlsx": (None, "enterprises_monthly: 未知的台账类型“enterprises_monthly”：工作表（或CSV文件）应以台账类型"
                                "命名，如 enterprise_month 或 企业月报"),
    "duplicate_sheet.xlsx": (None, "企业: 与“enterprise”是同一种台账，一种台账只能有一张表"),
    "missing_required_column.xlsx": (None, "enterprise, 1, 企业名称: 缺少必填列“企业名称”（name）"),
    "unknown_column.xlsx": (None, "enterprise, 1, 备注: 未知的列：企业没有“备注”这一项"),
    "duplicate_column.xlsx": (None, "enterprise, 1, 企业名称: 列重复：与“name”是同一项"),
    "cell_without_header.xlsx": (None, "enterprise, 2, F: 这一列没有表头，不知道是哪一项"),
    "merged_header_cells.xlsx": (None, "enterprise, 1, A: 有合并单元格（A1:B1），请取消合并后每个单元格各填一个值"),
    "formula_cell.xlsx": (None, "enterprise_month, 2, D: 单元格D2是公式，请复制后“选择性粘贴为数值”再导入"),
    "empty_workbook.xlsx": (None, "empty_workbook.xlsx: 文件中没有数据（没有一张以台账类型命名且有数据行的表）"),
    "header_only.xlsx": (None, "enterprise_month: 没有数据行（表头下面是空的）"),
    # cells
    "bad_date.xlsx": (None, "enterprise, 2, registered_on: 日期“2022-02-30”不存在"),
    "date_as_words.xlsx": (None, "enterprise, 2, registered_on: “2022年3月”不是日期（应为YYYY-MM-DD）"),
    "negative_amount.xlsx": (None, "enterprise_month, 2, output_value: 不能为负数"),
    "month_13.xlsx": (None, f"enterprise_month, 2, month: 月份“2022-13”{MONTH_FORMAT}"),
    "month_with_slash.xlsx": (None, f"enterprise_month, 2, month: 月份“2022/9”{MONTH_FORMAT}"),
    "csv_bad_month": (None, f"enterprise_month, 2, month: 月份“2022-5”{MONTH_FORMAT}"),
    "text_in_number.xlsx": (None, "enterprise_month, 2, output_value: “一百”不是数字"),
    "text_in_integer.xlsx": (None, "enterprise_month, 2, employees: “十人”不是整数"),
    "fraction_in_integer.xlsx": (None, "enterprise_month, 2, employees: “10.5”不是整数"),
    "year_as_words.xlsx": (None, "safety_letter, 2, year: “二〇二二”不是整数"),
    # Django's DecimalValidator (amounts: max_digits 15, decimal_places 4); the file's 18 digits are too many
    "too_many_decimals.xlsx": (None, "enterprise_month, 2, output_value: 确认小数不超过 4 位."),
    "too_many_digits.xlsx": (None, "enterprise_month, 2, output_value: 确认总共不超过 15 个数字."),
    "text_too_long.xlsx": (None, "enterprise, 2, name: 确保该变量包含不超过 200 字符 (目前字符数 201)。"),
    "bad_boolean.xlsx": (None, "enterprise_month, 2, above_scale: “也许”不是是/否值（可填 true/false、1/0、是/否）"),
    "unknown_choice.xlsx": (None, f"gov_project, 2, category: “highway”不是可选的值，可选：{GOV_CATEGORIES}"),
    "missing_required_value.xlsx": (None, "enterprise, 2, name: 必填项，不能为空"),
    # rows against rows and stored records
    "duplicate_natural_key.xlsx": (None, "enterprise_month, 3, uscc: 与第2行重复（统一社会信用代码+月份相同）"),
    "dangling_enterprise.xlsx": (None, f"enterprise_month, 2, uscc: 企业“{NEW2}”不存在（数据库和本次导入中都没有）"),
    "dangling_park.xlsx": (None, "enterprise, 2, park: 园区“NOPE”不存在（数据库和本次导入中都没有）"),
    "dangling_inspection.xlsx": (None, "hazard, 2, inspection: 安全检查“inspection-404”不存在（数据库和本次导入中都没有）"),
    "dangling_milestone_subject.xlsx": (None, "milestone, 2, subject: 政府投资项目“GP-404”不存在（数据库和本次导入中都没有）"),
    # The dataset's first enterprise is 规上 (true) in 2022-03; the file says false for 2022-05.
    "above_scale_differs_from_database.xlsx": (
        None, "enterprise_month, 2, above_scale: 同一企业同一年度的规上标志必须一致：2022-03为true，本行为false"),
    "above_scale_differs_in_file.xlsx": (
        None, "enterprise_month, 3, above_scale: 同一企业同一年度的规上标志必须一致：2022-01为true，本行为false"),
    "started_before_signed.xlsx": (
        None, "investment_project, 2, started_on: 开工日期（2022-04-01）不能早于签约日期（2022-05-01）"),
    "closed_before_registered.xlsx": (
        None, "enterprise, 2, closed_on: 注销日期（2020-01-01）不能早于注册日期（2021-05-06）"),
    # inspection-1 was inspected on 2022-01-10 + 7 days (dataset: third field, first record).
    "hazard_deadline_before_inspection.xlsx": (None, "hazard, 2, deadline: 整改期限不能早于检查日期（2022-01-17）"),
    # received 2022-01-01 + 60 days = 2022-03-02, + at most 30 days = 2022-04-01
    "petition_extended_too_long.xlsx": (None, "petition, 2, extended_until: 延期不得超过30日（最迟2022-04-01）"),
    "other_park_with_park_option.xlsx": ("ECO", "enterprise, 2, park: 属于园区“OTHER”，不在本次导入的园区“ECO”范围内"),
    "sub_park_record_moved_out.xlsx": (
        "ECO-CEE", "enterprise, 2, park: 已有记录属于园区“ECO”，不能在园区“ECO-CEE”的导入中修改"),
    # files that are not what they claim
    "zero_bytes.xlsx": (None, "zero_bytes.xlsx: 文件是空的"),
    "png_renamed.xlsx": (None, "png_renamed.xlsx: 文件不是Excel工作簿（是PNG图片），请上传.xlsx或.csv文件"),
    "text_renamed.xlsx": (None, "text_renamed.xlsx: 文件不是Excel工作簿（.xlsx），请上传.xlsx或.csv文件"),
    "legacy_excel.xls": (None, "legacy_excel.xls: 不支持旧版Excel（.xls）文件：请在Excel中另存为.xlsx"),
    "corrupt.xlsx": (None, "corrupt.xlsx: 文件已损坏，不是有效的Excel工作簿（.xlsx）"),
    "zip_without_workbook.xlsx": (
        None, "zip_without_workbook.xlsx: 压缩包里没有Excel工作簿（.xlsx）的内容，请上传.xlsx或.csv文件"),
    # 400 MiB of blanks compressed about 1000×
    "zip_bomb.xlsx": (None, "zip_bomb.xlsx: 文件解压后异常巨大（xl/worksheets/sheet1.xml压缩比1028倍，解压后400MB），"
                            "疑为恶意压缩文件，已拒绝"),
    "report.pdf": (None, "report.pdf: 只能导入.xlsx工作簿、.csv文件或CSV文件所在的目录"),
    # CSV directories
    "csv_gbk": (None, "enterprise.csv: 文件不是UTF-8编码（看来是GBK编码）：请在Excel中另存为“CSV UTF-8（逗号分隔）”，"
                      "或在WPS中另存时选择UTF-8编码"),
    "csv_utf16": (None, "enterprise.csv: 文件是UTF-16编码（Excel“Unicode文本”），请另存为“CSV UTF-8（逗号分隔）”"),
    "csv_zero_bytes": (None, "enterprise.csv: 文件是空的"),
    "csv_unknown_kind": (None, "things: 未知的台账类型“things”：工作表（或CSV文件）应以台账类型命名，如 enterprise_month 或 企业月报"),
    "csv_empty_directory": (None, "csv_empty_directory: 目录中没有CSV文件（每种台账一个<台账类型>.csv）"),
}


@pytest.fixture
def stored(db):
    build_every_kind()
    Park.objects.create(code="OTHER", name="别的园区")
    return snapshot()


def test_the_corpus_has_a_case_for_every_file():
    files = {p.name for p in CORPUS.iterdir()}
    assert files == set(CASES)
    assert len(files) >= 40
    assert max(p.stat().st_size for p in CORPUS.rglob("*") if p.is_file()) <= 1 << 20


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_bad_file_gets_its_error_and_changes_nothing(stored, case):
    park, expected = CASES[case]
    result = import_path(CORPUS / case, park=park)
    assert not result.ok
    assert result.issue_lines() == [expected]
    assert result.counts == {}
    assert snapshot() == stored


def test_a_million_blank_rows_are_no_data(stored, tmp_path):
    directory = tmp_path / "blank"
    directory.mkdir()
    (directory / "enterprise_month.csv").write_bytes(b"uscc,month,above_scale\r\n" + b"\r\n" * 1_000_000)
    (directory / "enterprise.csv").write_bytes(b"uscc,name,park,registered_on\r\n" + b",,,\r\n" * 1_000_000)
    result = import_path(directory)
    assert result.issue_lines() == ["没有数据行（表头下面是空的）"]
    assert snapshot() == stored


def test_blank_rows_between_data_rows_are_skipped_and_rows_keep_their_numbers(stored, tmp_path):
    directory = tmp_path / "gaps"
    directory.mkdir()
    (directory / "park.csv").write_bytes(
        "code,name\r\nP1,一园\r\n".encode() + b",\r\n" * 100_000 + "P2,二园\r\n\r\nP3,\r\n".encode())
    result = import_path(directory)
    # header 1, P1 row 2, 100,000 blank rows 3..100002, P2 row 100003, blank 100004, P3 row 100005
    assert result.issue_lines() == ["park, 100005, name: 必填项，不能为空"]
    assert snapshot() == stored


def test_every_issue_is_listed_up_to_the_limit_with_a_count_of_the_rest(stored, tmp_path):
    directory = tmp_path / "many"
    directory.mkdir()
    rows = "".join(f"{E1}?,2022-{m:02d}\r\n" for m in range(1, 13)) * 25  # 300 rows, each a bad code
    (directory / "enterprise_month.csv").write_text("uscc,month\r\n" + rows, encoding="utf-8")
    result = import_path(directory)
    assert len(result.issues) == 200
    assert result.more_issues == 100
    assert result.issue_lines()[-1] == "……另有100个错误未列出"
    assert [issue.row for issue in result.issues[:3]] == [2, 3, 4]
    assert snapshot() == stored


def test_issues_of_several_sheets_come_in_sheet_order(stored, tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "enterprise_month"
    ws.append(["uscc", "month"])
    ws.append(["X", "2022-01"])
    ws = wb.create_sheet("park")
    ws.append(["code", "name"])
    ws.append(["P9", ""])
    wb.save(tmp_path / "two.xlsx")
    result = import_path(tmp_path / "two.xlsx")
    assert result.issue_lines() == [
        "enterprise_month, 2, uscc: 统一社会信用代码应为18位，实为1位",
        "park, 2, name: 必填项，不能为空",
    ]


def test_the_command_prints_every_issue_and_exits_with_status_2(stored, capsys):
    with pytest.raises(CommandError) as raised:
        call_command("import", str(CORPUS / "duplicate_natural_key.xlsx"))
    assert raised.value.returncode == 2
    assert "1个错误" in str(raised.value)
    err = capsys.readouterr().err
    assert "enterprise_month, 3, uscc: 与第2行重复（统一社会信用代码+月份相同）" in err
    assert snapshot() == stored


def test_truncated_and_scrambled_workbooks_get_an_error_not_an_exception(stored, tmp_path):
    import random

    good = CORPUS / "unknown_column.xlsx"
    data = good.read_bytes()
    rng = random.Random(7)
    for n, cut in enumerate([10, 100, len(data) // 3, len(data) // 2, len(data) - 22, len(data) - 1]):
        path = tmp_path / f"cut{n}.xlsx"
        path.write_bytes(data[:cut])
        result = import_path(path)
        assert not result.ok and result.issues, cut
    for n in range(5):
        scrambled = bytearray(data)
        for _ in range(20):
            scrambled[rng.randrange(30, len(scrambled))] = rng.randrange(256)
        path = tmp_path / f"scrambled{n}.xlsx"
        path.write_bytes(bytes(scrambled))
        result = import_path(path)
        assert not result.ok
    assert snapshot() == stored
