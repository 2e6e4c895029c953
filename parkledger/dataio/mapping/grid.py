"""Any spreadsheet file as grids of raw cells: .xlsx/.xlsm/.xls/.ods through python-calamine, CSV decoded.

Unlike the template reader (`parkledger.dataio.sources`), merged cells and formulas are accepted:
the sheets committees receive are full of both. A merged range's value is copied into every
cell of the range in the header rows (see `parkledger.dataio.mapping.header`); a formula's value
is the one the file was last saved with (the 合计 rows that hold most formulas are skipped anyway).

CSV: UTF-8 (with or without BOM) is tried first, then GB18030 (a superset of GBK and GB2312),
which is what Excel and WPS write for a Chinese "CSV (逗号分隔)".
"""
from __future__ import annotations

__all__ = ["Grid", "read_grids", "ReadError", "column_letter", "MAPPED_SUFFIXES"]

import codecs
import csv
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

MAPPED_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".csv")
_MAX_UNCOMPRESSED = 1 << 30


class ReadError(Exception):
    """A file that cannot be read at all; `str()` says why."""


@dataclass
class Grid:
    """One sheet: `rows[i]` is Excel row i + 1; `merges` are ((row0, col0), (row1, col1)), 0-based."""

    name: str
    rows: list[list[Any]]
    merges: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)

    @property
    def width(self) -> int:
        return max((len(row) for row in self.rows), default=0)


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _decode(data: bytes) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise ReadError(_("无法识别文件编码（既不是UTF-8也不是GBK/GB18030，第%(n)d个字节）") % {"n": exc.start + 1}) from None


def _read_csv(path: Path) -> list[Grid]:
    data = path.read_bytes()
    if not data.strip():
        raise ReadError(_("文件是空的"))
    if data.startswith(b"PK\x03\x04") or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ReadError(_("文件不是CSV文本（看来是Excel工作簿，请改用.xlsx或.xls扩展名）"))
    text = _decode(data)
    sample = text[:8192]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    try:
        rows = [list(row) for row in csv.reader(io.StringIO(text, newline=""), dialect)]
    except csv.Error as exc:
        raise ReadError(_("CSV格式错误：%(e)s") % {"e": exc}) from None
    return [Grid(name=path.stem, rows=rows)]


def _check_zip(path: Path) -> None:
    limit = int(getattr(settings, "DATAIO_MAX_UNCOMPRESSED_BYTES", _MAX_UNCOMPRESSED))
    try:
        with zipfile.ZipFile(path) as archive:
            total = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ReadError(_("文件已损坏，不是有效的工作簿")) from None
    if total > limit:
        raise ReadError(_("工作簿解压后%(mb)dMB，超过上限%(limit)dMB，请拆分后导入") % {
            "mb": total >> 20, "limit": limit >> 20})


def _read_workbook(path: Path) -> list[Grid]:
    from python_calamine import CalamineWorkbook

    with open(path, "rb") as fh:
        head = fh.read(8)
    if not head:
        raise ReadError(_("文件是空的"))
    if head.startswith(b"PK"):
        _check_zip(path)
    elif not head.startswith(b"\xd0\xcf\x11\xe0"):
        raise ReadError(_("文件不是Excel或WPS表格（.xlsx、.xls、.ods）"))
    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # CalamineError, or a panic of the Rust reader
        raise ReadError(_("无法读取工作簿（文件损坏或已加密）：%(e)s") % {"e": exc}) from None
    grids: list[Grid] = []
    try:
        for name in workbook.sheet_names:
            try:
                sheet = workbook.get_sheet_by_name(name)
                rows = sheet.to_python(skip_empty_area=False)
                merges = list(sheet.merged_cell_ranges or [])
            except (KeyboardInterrupt, SystemExit):
                raise
            except BaseException:  # a chart sheet or a damaged one: nothing to read there
                continue
            if rows.__class__ is not list:  # calamine gives a list of lists: kept as it is
                rows = [list(row) for row in rows]
            grids.append(Grid(name=name, rows=rows, merges=merges))
    finally:
        workbook.close()
    return grids


def read_grids(path: str | Path) -> list[Grid]:
    """The sheets of a spreadsheet file; `ReadError` says why a file cannot be read."""
    target = Path(path)
    if not target.is_file():
        raise ReadError(_("文件不存在：%(path)s") % {"path": target.name})
    suffix = target.suffix.lower()
    if suffix == ".csv":
        return _read_csv(target)
    if suffix in MAPPED_SUFFIXES:
        return _read_workbook(target)
    raise ReadError(_("只能导入.xlsx、.xls、.ods工作簿或.csv文件"))
