"""A big sheet is read row by row by openpyxl instead of calamine: the rows the importer sees are the same."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from openpyxl import Workbook

from parkledger.core.models import Enterprise, EnterpriseMonth, Park
from parkledger.dataio import sources
from parkledger.dataio.importing import import_path
from parkledger.lib.uscc import make_uscc

U1, U2 = make_uscc("91330281000000101"), make_uscc("91330281000000102")


def _workbook(path) -> None:
    """Rows with gaps, blank cells, whole and decimal numbers, text, a date and booleans."""
    wb = Workbook()
    ws = wb.active
    ws.title = "enterprise_month"
    ws.append(["uscc", "month", "above_scale", "output_value", "revenue", "employees"])
    ws.append([U1, "2022-09", True, 1234.5, 99, 120])
    ws.append([])  # a blank row between
    ws.append([])
    ws.append([U2, "2022-09", False, 7, None, 35])
    ws.append([U1, "2022-10", True, "1,000.25", 0.1, None])
    ws["H9"] = datetime(2022, 10, 31)  # a lone date far right, in a row of its own
    wb.save(path)


def _rows(path, monkeypatch, streamed: bool) -> list[tuple[int, list]]:
    monkeypatch.setattr(sources, "STREAMED_SHEET_BYTES", -1 if streamed else 1 << 40)
    sheets, errors = sources.read_xlsx(path, "f.xlsx")
    assert not errors and [s.name for s in sheets] == ["enterprise_month"]
    return list(sheets[0].rows)


def _plain(rows: list[tuple[int, list]]) -> list[tuple[int, list]]:
    """Numbers as floats, trailing empty cells dropped, dates as dates (the two readers' spellings)."""
    out = []
    for number, cells in rows:
        values = [float(c) if isinstance(c, int | float) and not isinstance(c, bool) else c for c in cells]
        values = [c.date() if isinstance(c, datetime) and c.time() == datetime.min.time() else c for c in values]
        while values and values[-1] == "":
            values.pop()
        out.append((number, values))
    return out


def test_the_streamed_reader_gives_the_rows_calamine_gives(tmp_path, monkeypatch):
    path = tmp_path / "f.xlsx"
    _workbook(path)
    streamed = _rows(path, monkeypatch, streamed=True)
    assert [n for n, _ in streamed] == [1, 2, 5, 6, 9]  # spreadsheet row numbers, blank rows left out
    assert _plain(streamed) == _plain(_rows(path, monkeypatch, streamed=False))
    assert _plain(streamed)[-1] == (9, ["", "", "", "", "", "", "", date(2022, 10, 31)])


def _enterprises() -> None:
    Park.objects.create(code="ECO", name="经济开发区")
    for uscc in (U1, U2):
        Enterprise.objects.create(uscc=uscc, name=f"企业{uscc[-3:]}", park_id="ECO", registered_on=date(2015, 1, 1))


@pytest.mark.django_db
def test_a_streamed_sheet_imports_the_same_values(tmp_path, monkeypatch):
    _enterprises()
    wb = Workbook()
    ws = wb.active
    ws.title = "enterprise_month"
    ws.append(["uscc", "month", "above_scale", "output_value", "revenue", "employees"])
    ws.append([U1, "2022-09", True, 1234.5, 99, 120])
    ws.append([U2, "2022-09", False, 7, None, 35])
    path = tmp_path / "f.xlsx"
    wb.save(path)
    monkeypatch.setattr(sources, "STREAMED_SHEET_BYTES", -1)
    result = import_path(path)
    assert result.ok, result.issue_lines()
    first = EnterpriseMonth.objects.get(uscc_id=U1, month="2022-09")
    second = EnterpriseMonth.objects.get(uscc_id=U2, month="2022-09")
    assert (first.above_scale, first.output_value, first.revenue, first.employees) == (
        True, Decimal("1234.5"), Decimal("99"), 120)
    assert (second.above_scale, second.output_value, second.revenue, second.employees) == (
        False, Decimal("7"), None, 35)


def _with_text_in_a_number_cell(path, cell: str) -> None:
    """Rewrite one numeric cell of a saved workbook as a number cell holding text (as some tools write)."""
    import re
    import zipfile

    with zipfile.ZipFile(path) as archive:
        parts = {info.filename: archive.read(info.filename) for info in archive.infolist()}
    sheet = "xl/worksheets/sheet1.xml"
    xml, count = re.subn(rf'<c r="{cell}"[^>]*>(<v>[^<]*</v>|<is>.*?</is>)</c>'.encode(),
                         f'<c r="{cell}"><v>output</v></c>'.encode(), parts[sheet])
    assert count == 1
    parts[sheet] = xml
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


@pytest.mark.django_db
@pytest.mark.parametrize(("cell", "row"), [("D1", 1), ("D6", 6)])
def test_an_unreadable_cell_of_a_streamed_sheet_is_an_error_naming_its_row(tmp_path, monkeypatch, cell, row):
    _enterprises()
    path = tmp_path / "f.xlsx"
    _workbook(path)
    _with_text_in_a_number_cell(path, cell)
    monkeypatch.setattr(sources, "STREAMED_SHEET_BYTES", -1)
    result = import_path(path)
    assert not result.ok
    assert [(i.sheet, i.row) for i in result.issues] == [("enterprise_month", row)]
    assert "无法读取" in result.issues[0].reason
    assert not EnterpriseMonth.objects.exists()
