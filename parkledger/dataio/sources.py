"""Reading an import's files into sheets of raw cells, refusing what is not a safe spreadsheet.

Accepted: an `.xlsx` workbook (read with python-calamine), a directory of `<kind>.csv` files,
or one `.csv` file named after a kind. CSV must be UTF-8 (with or without BOM); GBK and other
encodings are named in the error. An .xlsx is checked before it is read: it must be a zip
holding a workbook whose uncompressed size stays within `DATAIO_MAX_UNCOMPRESSED_BYTES`
(a zip bomb is refused), and its sheets may hold neither formulas nor merged cells (a
formula's value is whatever Excel last computed, a merged cell hides which column a value
belongs to).

Each sheet keeps only its non-blank rows, each with its spreadsheet row number, so a
million empty rows cost nothing and every error names the row the user sees.
"""
from __future__ import annotations

__all__ = ["RawSheet", "SourceError", "read_path", "MAX_UNCOMPRESSED_BYTES"]

import codecs
import csv
import io
import posixpath
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from django.conf import settings
from django.utils.translation import gettext as _

MAX_UNCOMPRESSED_BYTES = 1 << 30  # 1 GiB of XML is several million rows
MAX_RATIO = 200  # real workbooks compress 5-30×; a bomb compresses about 1000×
RATIO_FLOOR = 16 << 20  # small entries may compress well without being a bomb

_FORMULA_RE = re.compile(rb"<(?:\w+:)?f[\s>/]")
_MERGE_RE = re.compile(rb"<(?:\w+:)?mergeCell\s[^>]*ref=\"([A-Z]+\d+(?::[A-Z]+\d+)?)\"")
_CELL_REF_RE = re.compile(r"^([A-Z]+)(\d+)$")

# What a damaged archive raises while being read.
_BROKEN = (KeyError, ValueError, EOFError, OSError, zipfile.BadZipFile, zlib.error, ElementTree.ParseError,
           NotImplementedError, RuntimeError)

_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_NS_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"


class SourceError(Exception):
    """A file that cannot be read as an import; `sheet` names the file or sheet, `str()` the reason."""

    def __init__(self, sheet: str, reason: str, *, row: int | None = None, column: str = "") -> None:
        super().__init__(reason)
        self.sheet = sheet
        self.reason = reason
        self.row = row
        self.column = column


@dataclass
class RawSheet:
    """A sheet (or CSV file) as read: its name as the user wrote it and its non-blank rows."""

    name: str
    rows: list[tuple[int, list[Any]]] = field(default_factory=list)  # (row number, cells)
    source: str = ""  # the file it came from


def _max_bytes() -> int:
    return int(getattr(settings, "DATAIO_MAX_UNCOMPRESSED_BYTES", MAX_UNCOMPRESSED_BYTES))


def _blank(cells: list[Any]) -> bool:
    for value in cells:
        if value.__class__ is str:
            if value and not value.isspace():
                return False
        elif value is not None:
            return False
    return True


# ---------------------------------------------------------------------------
# CSV
# ---------------------------------------------------------------------------

def _decode_csv(data: bytes, name: str) -> str:
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise SourceError(name, _("文件是UTF-16编码（Excel“Unicode文本”），请另存为“CSV UTF-8（逗号分隔）”"))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        utf8_error = exc
    for encoding, label in (("gbk", "GBK"), ("gb18030", "GB18030")):
        try:
            data.decode(encoding)
        except UnicodeDecodeError:
            continue
        raise SourceError(
            name,
            _("文件不是UTF-8编码（看来是%(encoding)s编码）：请在Excel中另存为“CSV UTF-8（逗号分隔）”，"
              "或在WPS中另存时选择UTF-8编码") % {"encoding": label},
        )
    raise SourceError(
        name, _("文件不是UTF-8编码（第%(n)d个字节无法识别），请另存为UTF-8编码的CSV") % {"n": utf8_error.start + 1}
    )


def read_csv_bytes(data: bytes, name: str) -> RawSheet:
    """One CSV file's bytes as a sheet named after the file (without `.csv`)."""
    if not data.strip():
        raise SourceError(name, _("文件是空的"))
    if data.startswith(b"PK\x03\x04"):
        raise SourceError(name, _("文件不是CSV文本（看来是Excel工作簿，请把扩展名改为.xlsx）"))
    if b"\x00" in data[:4096] and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise SourceError(name, _("文件不是CSV文本（含二进制内容）"))
    text = _decode_csv(data, name)
    sheet = RawSheet(name=Path(name).stem, source=name)
    reader = csv.reader(io.StringIO(text, newline=""))
    append = sheet.rows.append
    try:
        for number, cells in enumerate(reader, start=1):
            if cells and not _blank(cells):
                append((number, cells))
    except csv.Error as exc:
        raise SourceError(name, _("CSV格式错误：%(e)s") % {"e": exc}) from None
    return sheet


# ---------------------------------------------------------------------------
# xlsx
# ---------------------------------------------------------------------------

def _col_letters(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _open_zip(data_path: Path, name: str) -> zipfile.ZipFile:
    with open(data_path, "rb") as fh:
        head = fh.read(8)
    if not head:
        raise SourceError(name, _("文件是空的"))
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise SourceError(name, _("这是旧版Excel（.xls）或加密的工作簿：请在Excel中另存为.xlsx（不加密）"))
    if head.startswith(b"\x89PNG"):
        raise SourceError(name, _("文件不是Excel工作簿（是PNG图片），请上传.xlsx或.csv文件"))
    if not head.startswith(b"PK"):
        raise SourceError(name, _("文件不是Excel工作簿（.xlsx），请上传.xlsx或.csv文件"))
    try:
        archive = zipfile.ZipFile(data_path)
    except _BROKEN:
        raise SourceError(name, _("文件已损坏，不是有效的Excel工作簿（.xlsx）")) from None
    names = set(archive.namelist())
    if "xl/workbook.xml" not in names:
        archive.close()
        raise SourceError(name, _("压缩包里没有Excel工作簿（.xlsx）的内容，请上传.xlsx或.csv文件"))
    return archive


def _check_sizes(archive: zipfile.ZipFile, name: str) -> None:
    limit = _max_bytes()
    total = 0
    for info in archive.infolist():
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_FLOOR and ratio > MAX_RATIO:
            raise SourceError(
                name,
                _("文件解压后异常巨大（%(part)s压缩比%(ratio).0f倍，解压后%(mb)dMB），疑为恶意压缩文件，已拒绝") % {
                    "part": info.filename, "ratio": ratio, "mb": info.file_size // (1 << 20)},
            )
    if total > limit:
        raise SourceError(
            name, _("工作簿解压后%(mb)dMB，超过上限%(limit)dMB，请拆分为多个文件导入") % {
                "mb": total // (1 << 20), "limit": limit // (1 << 20)}
        )


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → the zip member holding its XML."""
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    rels_xml = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {rel.get("Id"): rel.get("Target", "") for rel in rels_xml.iter(f"{_NS_PKG_REL}Relationship")}
    parts: dict[str, str] = {}
    for sheet in workbook.iter(f"{_NS_MAIN}sheet"):
        target = targets.get(sheet.get(f"{_NS_REL}id"), "")
        if not target:
            continue
        path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        parts[sheet.get("name", "")] = path
    return parts


def _scan_sheet_xml(archive: zipfile.ZipFile, member: str, name: str) -> tuple[bool, list[str]]:
    """(has formulas, merged ranges) of a sheet, streaming; refuses an entry bigger than it claims."""
    limit = _max_bytes()
    has_formula = False
    merges: list[str] = []
    tail = b""
    seen = 0
    info = archive.getinfo(member)
    with archive.open(info) as fh:
        while True:
            chunk = fh.read(1 << 20)
            if not chunk:
                break
            seen += len(chunk)
            if seen > limit or seen > info.file_size + (1 << 20):
                raise SourceError(name, _("文件解压后异常巨大，疑为恶意压缩文件，已拒绝"))
            window = tail + chunk
            if not has_formula and (b"<f" in window or b":f" in window) and _FORMULA_RE.search(window):
                has_formula = True
            if b"mergeCell" in window:
                merges.extend(m.decode() for m in _MERGE_RE.findall(window))
            tail = window[-200:]
    return has_formula, sorted(set(merges))


def _formula_cells(path: Path, sheet_name: str) -> list[str]:
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True, data_only=False)
    try:
        found = []
        for row in wb[sheet_name].iter_rows():
            for cell in row:
                if getattr(cell, "data_type", None) == "f":
                    found.append(cell.coordinate)
                    if len(found) >= 20:
                        return found
        return found
    finally:
        wb.close()


def read_xlsx(path: Path, name: str) -> tuple[list[RawSheet], list[SourceError]]:
    """The sheets of an .xlsx workbook; errors for formulas and merged cells (per sheet)."""
    from python_calamine import CalamineWorkbook

    archive = _open_zip(path, name)
    errors: list[SourceError] = []
    try:
        _check_sizes(archive, name)
        try:
            parts = _sheet_parts(archive)
            flagged: dict[str, tuple[bool, list[str]]] = {}
            for sheet_name, member in parts.items():
                flagged[sheet_name] = _scan_sheet_xml(archive, member, name)
        except _BROKEN:
            raise SourceError(name, _("文件已损坏，不是有效的Excel工作簿（.xlsx）")) from None
    finally:
        archive.close()

    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # CalamineError, or a panic of the Rust reader (a BaseException)
        raise SourceError(name, _("无法读取工作簿：%(e)s") % {"e": exc}) from None

    sheets: list[RawSheet] = []
    for sheet_name in workbook.sheet_names:
        has_formula, merges = flagged.get(sheet_name, (False, []))
        if merges:
            for ref in merges[:20]:
                first = ref.split(":")[0]
                m = _CELL_REF_RE.match(first)
                row = int(m.group(2)) if m else None
                errors.append(SourceError(
                    sheet_name, _("有合并单元格（%(ref)s），请取消合并后每个单元格各填一个值") % {"ref": ref}, row=row,
                    column=m.group(1) if m else "",
                ))
            continue
        if has_formula:
            try:
                cells = _formula_cells(path, sheet_name)
            except Exception:  # openpyxl cannot open it either: say what calamine's scan found
                errors.append(SourceError(sheet_name, _("工作表含公式，请复制后“选择性粘贴为数值”再导入")))
                continue
            for ref in cells:
                m = _CELL_REF_RE.match(ref)
                errors.append(SourceError(
                    sheet_name, _("单元格%(ref)s是公式，请复制后“选择性粘贴为数值”再导入") % {"ref": ref},
                    row=int(m.group(2)) if m else None, column=m.group(1) if m else "",
                ))
            if cells:
                continue
        try:
            data = workbook.get_sheet_by_name(sheet_name).to_python(skip_empty_area=False)
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as exc:  # see above
            errors.append(SourceError(sheet_name, _("无法读取工作表：%(e)s") % {"e": exc}))
            continue
        sheet = RawSheet(name=sheet_name, source=name)
        append = sheet.rows.append
        for number, cells in enumerate(data, start=1):
            if not _blank(cells):
                append((number, list(cells)))
        sheets.append(sheet)
    workbook.close()
    return sheets, errors


# ---------------------------------------------------------------------------
# Paths
# ---------------------------------------------------------------------------

def read_path(path: str | Path) -> tuple[list[RawSheet], list[SourceError]]:
    """The sheets of an import path (.xlsx, .csv, or a directory of .csv); file-level errors apart."""
    target = Path(path)
    name = target.name
    if target.is_dir():
        files = sorted(p for p in target.iterdir() if p.is_file() and p.suffix.lower() == ".csv")
        if not files:
            return [], [SourceError(name, _("目录中没有CSV文件（每种台账一个<台账类型>.csv）"))]
        sheets, errors = [], []
        for file in files:
            try:
                sheets.append(read_csv_bytes(file.read_bytes(), file.name))
            except SourceError as exc:
                errors.append(exc)
        return sheets, errors
    if not target.exists():
        return [], [SourceError(name, _("文件不存在：%(path)s") % {"path": target})]
    suffix = target.suffix.lower()
    try:
        if suffix == ".csv":
            return [read_csv_bytes(target.read_bytes(), name)], []
        if suffix in (".xlsx", ".xlsm"):
            return read_xlsx(target, name)
        if suffix == ".xls":
            raise SourceError(name, _("不支持旧版Excel（.xls）文件：请在Excel中另存为.xlsx"))
        raise SourceError(name, _("只能导入.xlsx工作簿、.csv文件或CSV文件所在的目录"))
    except SourceError as exc:
        return [], [exc]


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    return _col_letters(index)
