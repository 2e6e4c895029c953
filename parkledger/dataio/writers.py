"""Writing sheets of cells as a directory of CSV files or as one .xlsx workbook.

`sheets` maps a sheet name (a kind key) to `(header, rows)`: a list of header cells and an
iterable of row lists (cells as made by `parkledger.dataio.cells`). Rows are streamed, so a
generator over a queryset's `.iterator()` keeps memory flat.

Both writers are reproducible: the same sheets give byte-identical files (the workbook's
timestamps are fixed), so an export can be compared with an earlier one.
"""
from __future__ import annotations

__all__ = ["Sheets", "write_csv_dir", "write_csv", "write_workbook", "workbook_bytes", "TooManyRowsError"]

import csv
import io
import os
import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

Sheets = Mapping[str, tuple[Sequence[str], Iterable[Sequence[Any]]]]

# Excel on Chinese Windows reads a CSV without a byte-order mark as GBK: write UTF-8 with BOM.
CSV_ENCODING = "utf-8-sig"
FIXED_TIME = "2000-01-01T00:00:00Z"
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_CORE_TIME_RE = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")


def write_csv(stream: IO[str], header: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Write one sheet as CSV to a text stream; returns the number of data rows."""
    writer = csv.writer(stream, lineterminator="\r\n")
    writer.writerow(header)
    count = 0
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
        count += 1
    return count


def write_csv_dir(path: str | Path, sheets: Sheets) -> dict[str, int]:
    """One `<sheet>.csv` per sheet in directory `path` (created if missing); returns rows per sheet."""
    directory = Path(path)
    directory.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    for name, (head, rows) in sheets.items():
        with open(directory / f"{name}.csv", "w", encoding=CSV_ENCODING, newline="") as fh:
            counts[name] = write_csv(fh, head, rows)
    return counts


MAX_SHEET_ROWS = 1_048_575  # Excel's 1,048,576 rows less the header


class TooManyRowsError(ValueError):
    """A sheet longer than a workbook can hold (use the CSV directory instead)."""


def _cell(ws: Any, value: Any) -> Any:
    """A value as written: empty text is no cell; text starting with `=` stays text, not a formula."""
    if value.__class__ is str:
        if not value:
            return None
        if value[0] == "=":
            cell = WriteOnlyCell(ws, value=value)
            cell.data_type = "s"
            return cell
    return value


def _fill_workbook(sheets: Sheets) -> tuple[Workbook, dict[str, int]]:
    wb = Workbook(write_only=True)
    counts: dict[str, int] = {}
    for name, (head, rows) in sheets.items():
        ws = wb.create_sheet(title=name)
        ws.append(list(head))
        count = 0
        for row in rows:
            count += 1
            if count > MAX_SHEET_ROWS:
                raise TooManyRowsError(
                    f"工作表“{name}”超过{MAX_SHEET_ROWS}行，Excel工作簿放不下，请导出为CSV目录"
                )
            ws.append([_cell(ws, v) for v in row])
        counts[name] = count
    if not sheets:
        wb.create_sheet(title="Sheet1")
    return wb, counts


def _copy_reproducible(source: IO[bytes], target: IO[bytes]) -> None:
    """Copy a workbook with fixed timestamps (zip entries and document properties)."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            if info.filename == "docProps/core.xml":
                data = src.read(info.filename)
                data = _CORE_TIME_RE.sub(lambda m: m.group(1) + FIXED_TIME.encode() + m.group(3), data)
                dst.writestr(entry, data)
                continue
            with src.open(info) as fin, dst.open(entry, "w", force_zip64=True) as fout:
                shutil.copyfileobj(fin, fout, 1 << 20)


def workbook_bytes(sheets: Sheets) -> tuple[bytes, dict[str, int]]:
    """The workbook of `sheets` as bytes (reproducible), and rows per sheet."""
    wb, counts = _fill_workbook(sheets)
    raw = io.BytesIO()
    wb.save(raw)
    raw.seek(0)
    out = io.BytesIO()
    _copy_reproducible(raw, out)
    return out.getvalue(), counts


def write_workbook(path: str | Path, sheets: Sheets) -> dict[str, int]:
    """An .xlsx at `path` with one sheet per entry (openpyxl write-only mode); returns rows per sheet."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    wb, counts = _fill_workbook(sheets)
    with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
        raw_path = Path(tmp) / "raw.xlsx"
        wb.save(raw_path)
        out_path = Path(tmp) / "out.xlsx"
        with open(raw_path, "rb") as fin, open(out_path, "wb") as fout:
            _copy_reproducible(fin, fout)
        os.replace(out_path, target)
    return counts
