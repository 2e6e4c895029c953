"""Workbooks shaped like the ones committees receive, built with openpyxl (and xlwt for .xls).

`statistics_office()` is the statistics office's monthly sheet: a title row, a unit line, two
header rows with merged cells (工业总产值（千元） over 本月 / 1-N月累计), a 栏次 row, enterprises by
code or by name only, a 合计 row and footnotes. Every builder takes the rows as plain lists so
a test states its own numbers.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import Workbook


def write_xlsx(path: Path, rows: list[list[Any]], merges: list[str] = (), title: str = "Sheet1") -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = title
    for row in rows:
        ws.append(row)
    for ref in merges:
        ws.merge_cells(ref)
    wb.save(path)
    return path


def write_xls(path: Path, rows: list[list[Any]], merges: list[tuple[int, int, int, int]] = (),
              title: str = "Sheet1") -> Path:
    """An old-format .xls (xlwt); `merges` as (first row, last row, first col, last col), 0-based."""
    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet(title)
    merged = {(r0, c0): (r1, c1) for r0, r1, c0, c1 in merges}
    covered = {(r, c) for (r0, c0), (r1, c1) in merged.items() for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)}
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if (r, c) in merged:
                r1, c1 = merged[(r, c)]
                ws.write_merge(r, r1, c, c1, value)
            elif (r, c) not in covered and value is not None:
                ws.write(r, c, value)
    wb.save(str(path))
    return path


def statistics_office_rows(month: int, data: list[list[Any]], *, year: int = 2022) -> list[list[Any]]:
    """Rows A-H: 序号, 企业名称, 统一社会信用代码, 工业总产值（千元）本月/1-N月累计, 营业收入（千元）1-N月累计/1-(N-1)月累计, 从业人员."""
    return [
        [f"{year}年1-{month}月规模以上工业企业主要经济指标", None, None, None, None, None, None, None],
        ["单位：千元", None, None, None, None, None, None, None],
        ["序号", "企业名称", "统一社会信用代码", "工业总产值（千元）", None, "营业收入（千元）", None, "从业人员期末人数（人）"],
        [None, None, None, "本月", f"1-{month}月累计", f"1-{month}月累计", f"1-{month - 1}月累计", None],
        ["甲", "乙", "丙", 1, 2, 3, 4, 5],
        *data,
        ["合计", None, None, None, None, None, None, None],
        [None, None, None, None, None, None, None, None],
        ["注：本表数据为快报数。", None, None, None, None, None, None, None],
        ["填报人：张三", None, None, None, "审核人：李四", None, None, None],
    ]


STATISTICS_OFFICE_MERGES = ["A1:H1", "A2:H2", "D3:E3", "F3:G3", "A3:A4", "B3:B4", "C3:C4", "H3:H4"]
STATISTICS_OFFICE_XLS_MERGES = [(0, 0, 0, 7), (1, 1, 0, 7), (2, 2, 3, 4), (2, 2, 5, 6), (2, 3, 0, 0), (2, 3, 1, 1),
                                (2, 3, 2, 2), (2, 3, 7, 7)]


def statistics_office(path: Path, month: int, data: list[list[Any]], *, year: int = 2022) -> Path:
    return write_xlsx(path, statistics_office_rows(month, data, year=year), STATISTICS_OFFICE_MERGES, title="规上工业")


def write_ods(path: Path, rows: list[list[Any]], title: str = "Sheet1") -> Path:
    """A minimal OpenDocument spreadsheet (what WPS and LibreOffice save), strings and numbers only."""
    import zipfile
    from xml.sax.saxutils import escape

    def cell(value: Any) -> str:
        if value is None:
            return "<table:table-cell/>"
        if isinstance(value, int | float):
            return (f'<table:table-cell office:value-type="float" office:value="{value}">'
                    f"<text:p>{value}</text:p></table:table-cell>")
        return f'<table:table-cell office:value-type="string"><text:p>{escape(str(value))}</text:p></table:table-cell>'

    body = "".join(f"<table:table-row>{''.join(cell(v) for v in row)}</table:table-row>" for row in rows)
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="{escape(title)}">{body}'
        "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
    return path
