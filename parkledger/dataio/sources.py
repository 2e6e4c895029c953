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

Bounded: a file's rows are streamed, never held all at once (`SheetRows`: a CSV is read line by
line, a workbook's sheet row by row through calamine's `iter_rows`), so the import can stop at its
first errors without having read the rest. Calamine holds a sheet's cells in memory (about 1.3
bytes per byte of the sheet's XML), so a sheet whose XML passes `STREAMED_SHEET_BYTES` is read row by
row by openpyxl's read-only parser instead: slower (about a third of calamine's speed), but its
memory does not grow with the sheet. Before any row is read, the rows are counted cheaply
(newlines of a CSV, `<row>` elements of a sheet's XML, both while streaming) and a file over
`PARKLEDGER_MAX_IMPORT_ROWS` data rows (all its sheets together; default 500,000) is refused,
naming the sheet where the limit was passed. A CSV line longer than `MAX_LINE_CHARS` is refused.
"""
from __future__ import annotations

__all__ = [
    "RawSheet", "SheetRows", "SourceError", "read_path", "max_import_rows", "MAX_UNCOMPRESSED_BYTES",
    "DEFAULT_MAX_IMPORT_ROWS",
]

import codecs
import csv
import io
import os
import posixpath
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from django.conf import settings
from django.utils.translation import gettext as _

MAX_UNCOMPRESSED_BYTES = 1 << 30  # 1 GiB of XML is several million rows
MAX_RATIO = 200  # real workbooks compress 5-30×; a bomb compresses about 1000×
RATIO_FLOOR = 16 << 20  # small entries may compress well without being a bomb

DEFAULT_MAX_IMPORT_ROWS = 500_000
MAX_LINE_CHARS = 1 << 20  # one CSV line (a row of 1 MB is already absurd)
_ROW_TAG_RE = re.compile(rb"<(?:\w+:)?row[\s>]")
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


class SheetRows:
    """A sheet's non-blank rows `(row number, cells)`, read from the file as they are used.

    Behaves as the list the importer used to get for what it does with it: `rows[0]` and
    `rows.pop(0)` (the header rows, read ahead), truth (has a row), `len()` (the rows counted
    before reading: an estimate, for progress only) and one pass of iteration. Iterating again
    reads nothing: the rows are not kept.
    """

    def __init__(self, produce: Callable[[], Iterator[tuple[int, list[Any]]]], estimate: int) -> None:
        self._produce = produce
        self._rows: Iterator[tuple[int, list[Any]]] | None = None
        self._head: list[tuple[int, list[Any]]] = []
        self._estimate = estimate

    def _fill(self, count: int) -> bool:
        if self._rows is None:
            self._rows = self._produce()
        while len(self._head) < count:
            row = next(self._rows, None)
            if row is None:
                return False
            self._head.append(row)
        return True

    def __bool__(self) -> bool:
        return self._fill(1)

    def read_ahead(self, count: int) -> None:
        """Read the first `count` rows now (a file error there is raised here, not later)."""
        self._fill(count)

    def __len__(self) -> int:
        return max(self._estimate, len(self._head))

    def __getitem__(self, index: int) -> tuple[int, list[Any]]:
        if not isinstance(index, int) or index < 0 or not self._fill(index + 1):
            raise IndexError(index)
        return self._head[index]

    def pop(self, index: int = 0) -> tuple[int, list[Any]]:
        row = self[index]
        del self._head[index]
        self._estimate = max(self._estimate - 1, 0)
        return row

    def __iter__(self) -> Iterator[tuple[int, list[Any]]]:
        if self._rows is None:
            self._rows = self._produce()
        while self._head:
            yield self._head.pop(0)
        yield from self._rows


@dataclass
class RawSheet:
    """A sheet (or CSV file) as read: its name as the user wrote it and its non-blank rows
    (a list, or the file's rows streamed as `SheetRows`)."""

    name: str
    rows: list[tuple[int, list[Any]]] | SheetRows = field(default_factory=list)  # (row number, cells)
    source: str = ""  # the file it came from


# A sheet whose uncompressed XML is bigger than this is streamed by openpyxl (see the module docstring).
STREAMED_SHEET_BYTES = 64 << 20


def _max_bytes() -> int:
    return int(getattr(settings, "DATAIO_MAX_UNCOMPRESSED_BYTES", MAX_UNCOMPRESSED_BYTES))


def max_import_rows() -> int:
    """Data rows one import may hold (all its sheets): `PARKLEDGER_MAX_IMPORT_ROWS` (setting or
    environment variable), 500,000 by default."""
    value = getattr(settings, "PARKLEDGER_MAX_IMPORT_ROWS", None) or os.environ.get("PARKLEDGER_MAX_IMPORT_ROWS")
    try:
        return int(value) if value else DEFAULT_MAX_IMPORT_ROWS
    except ValueError:
        return DEFAULT_MAX_IMPORT_ROWS


class _RowBudget:
    """The data rows left to an import; refuses the sheet that passes the limit."""

    def __init__(self) -> None:
        self.limit = max_import_rows()
        self.used = 0

    def take(self, sheet: str, rows: int) -> None:
        """`rows` data rows (header excluded) of `sheet`."""
        self.used += max(rows, 0)
        if self.used > self.limit:
            raise SourceError(sheet, _(
                "数据超过每次导入的上限%(limit)d行（到工作表“%(sheet)s”已有约%(n)d行），"
                "请拆分为多个文件分批导入") % {"limit": self.limit, "sheet": sheet, "n": self.used})


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

def _encoding_error(path: Path, name: str) -> SourceError:
    """Why a CSV file is not UTF-8 (GBK and GB18030 named), read in chunks."""
    def decodes(encoding: str) -> int | None:
        """None if the whole file decodes, else the offset of the first byte that does not."""
        decoder = codecs.getincrementaldecoder(encoding)("strict")
        offset = 0
        with path.open("rb") as fh:
            while True:
                chunk = fh.read(1 << 20)
                try:
                    decoder.decode(chunk, final=not chunk)
                except UnicodeDecodeError as exc:
                    return offset + max(exc.start, 0)
                if not chunk:
                    return None
                offset += len(chunk)

    first_bad = decodes("utf-8-sig")
    for encoding, label in (("gbk", "GBK"), ("gb18030", "GB18030")):
        if decodes(encoding) is None:
            return SourceError(
                name,
                _("文件不是UTF-8编码（看来是%(encoding)s编码）：请在Excel中另存为“CSV UTF-8（逗号分隔）”，"
                  "或在WPS中另存时选择UTF-8编码") % {"encoding": label},
            )
    return SourceError(
        name, _("文件不是UTF-8编码（第%(n)d个字节无法识别），请另存为UTF-8编码的CSV") % {"n": (first_bad or 0) + 1}
    )


def _check_csv_head(head: bytes, name: str) -> None:
    if not head.strip():
        raise SourceError(name, _("文件是空的"))
    if head.startswith(b"PK\x03\x04"):
        raise SourceError(name, _("文件不是CSV文本（看来是Excel工作簿，请把扩展名改为.xlsx）"))
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise SourceError(name, _("文件是UTF-16编码（Excel“Unicode文本”），请另存为“CSV UTF-8（逗号分隔）”"))
    if b"\x00" in head[:4096]:
        raise SourceError(name, _("文件不是CSV文本（含二进制内容）"))


def _csv_lines(path: Path, name: str) -> Iterator[str]:
    """The text lines of a UTF-8 CSV file, each at most MAX_LINE_CHARS long."""
    with path.open("r", encoding="utf-8-sig", newline="") as fh:
        number = 0
        while True:
            try:
                line = fh.readline(MAX_LINE_CHARS + 1)
            except UnicodeDecodeError:
                raise _encoding_error(path, name) from None
            if not line:
                return
            number += 1
            if len(line) > MAX_LINE_CHARS:
                raise SourceError(name, _("第%(n)d行过长（超过%(max)d个字符），不像是台账数据") % {
                    "n": number, "max": MAX_LINE_CHARS}, row=number)
            yield line


def _csv_rows(path: Path, name: str) -> Iterator[tuple[int, list[Any]]]:
    reader = csv.reader(_csv_lines(path, name))
    try:
        for number, cells in enumerate(reader, start=1):
            if cells and not _blank(cells):
                yield number, cells
    except csv.Error as exc:
        raise SourceError(name, _("CSV格式错误：%(e)s") % {"e": exc}) from None


def _count_csv_rows(path: Path, name: str, above: int) -> int:
    """The file's rows, checking its encoding in the same pass: its lines when they are `above` or
    fewer (a row is at least one line), else its non-blank rows counted by reading (a quoted cell
    may hold newlines)."""
    lines = 0
    last = b"\n"
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    with path.open("rb") as fh:
        while True:
            chunk = fh.read(1 << 20)
            try:
                decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError:
                raise _encoding_error(path, name) from None
            if not chunk:
                break
            lines += chunk.count(b"\n")
            last = chunk[-1:]
    lines += last != b"\n"  # a last line without its newline
    if lines <= above:
        return lines
    return sum(1 for _row in _csv_rows(path, name))


def read_csv_file(path: Path, name: str, budget: _RowBudget | None = None) -> RawSheet:
    """One CSV file as a sheet named after the file (without `.csv`), its rows streamed."""
    with path.open("rb") as fh:
        head = fh.read(8192)
    _check_csv_head(head, name)
    budget = budget or _RowBudget()
    sheet_name = Path(name).stem
    estimate = _count_csv_rows(path, name, budget.limit - budget.used + 1)
    budget.take(sheet_name, estimate - 1)  # the header is not a data row
    rows = SheetRows(lambda: _csv_rows(path, name), estimate)
    if not rows:
        raise SourceError(name, _("文件是空的"))
    rows.read_ahead(2)  # the header rows: a format error there is the file's error
    return RawSheet(name=sheet_name, rows=rows, source=name)


def read_csv_bytes(data: bytes, name: str) -> RawSheet:
    """One CSV file's bytes as a sheet named after the file (without `.csv`)."""
    _check_csv_head(data[:8192], name)
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        import tempfile

        with tempfile.NamedTemporaryFile(suffix=".csv") as tmp:
            tmp.write(data)
            tmp.flush()
            raise _encoding_error(Path(tmp.name), name) from None
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


def _scan_sheet_xml(archive: zipfile.ZipFile, member: str, name: str) -> tuple[bool, list[str], int, int]:
    """(has formulas, merged ranges, `<row>` elements, uncompressed bytes) of a sheet, streaming;
    refuses an entry bigger than it claims."""
    limit = _max_bytes()
    has_formula = False
    merges: list[str] = []
    rows = 0
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
            # a row tag is counted in the chunk it ends in (not again from the tail kept below)
            rows += sum(1 for m in _ROW_TAG_RE.finditer(window, max(len(tail) - 16, 0)) if m.end() > len(tail))
            tail = window[-200:]
    return has_formula, sorted(set(merges)), rows, seen


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


def _sheet_rows(sheet: Any) -> Iterator[tuple[int, list[Any]]]:
    """A calamine sheet's non-blank rows with their spreadsheet row numbers, converted one at a time."""
    first = (sheet.start or (0, 0))[0] + 1
    for number, cells in enumerate(sheet.iter_rows(), start=first):
        if not _blank(cells):
            yield number, cells


def _streamed_rows(path: Path, sheet_name: str) -> Iterator[tuple[int, list[Any]]]:
    """A big sheet's non-blank rows read by openpyxl's read-only parser (memory independent of the
    sheet's size); empty cells as calamine gives them (""), so the importer sees the same rows."""
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = workbook[sheet_name]
        sheet.reset_dimensions()  # the rows as stored, whatever the <dimension> tag claims
        rows = sheet.iter_rows(values_only=True)
        number = 0
        while True:
            try:
                values = next(rows, None)
            except Exception as exc:  # a malformed cell (text stored as a number, …): name the row
                raise SourceError(sheet_name, _("此行有无法读取的单元格（如文字存成了数字格式），请在Excel中另存后再导入"),
                                  row=number + 1) from exc
            if values is None:
                return
            number += 1
            cells = ["" if value is None else value for value in values]
            if not _blank(cells):
                yield number, cells
    finally:
        workbook.close()


def read_xlsx(path: Path, name: str, budget: _RowBudget | None = None) -> tuple[list[RawSheet], list[SourceError]]:
    """The sheets of an .xlsx workbook; errors for formulas and merged cells (per sheet)."""
    from python_calamine import CalamineWorkbook

    archive = _open_zip(path, name)
    errors: list[SourceError] = []
    budget = budget or _RowBudget()
    try:
        _check_sizes(archive, name)
        try:
            parts = _sheet_parts(archive)
            flagged: dict[str, tuple[bool, list[str], int, int]] = {}
            for sheet_name, member in parts.items():
                flagged[sheet_name] = _scan_sheet_xml(archive, member, name)
                budget.take(sheet_name, flagged[sheet_name][2] - 1)  # before any cell is read
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
        has_formula, merges, count, size = flagged.get(sheet_name, (False, [], 0, 0))
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
        if size > STREAMED_SHEET_BYTES:
            streamed = SheetRows(lambda sheet_name=sheet_name: _streamed_rows(path, sheet_name), count)
            try:
                streamed.read_ahead(1)  # the header: an unreadable one is the sheet's error, not a row's
            except SourceError as exc:
                errors.append(exc)
                continue
            sheets.append(RawSheet(name=sheet_name, source=name, rows=streamed))
            continue
        try:
            data = workbook.get_sheet_by_name(sheet_name)  # the cells, held compactly by calamine
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as exc:  # see above
            errors.append(SourceError(sheet_name, _("无法读取工作表：%(e)s") % {"e": exc}))
            continue
        sheets.append(RawSheet(name=sheet_name, rows=SheetRows(lambda data=data: _sheet_rows(data), count),
                               source=name))
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
        budget = _RowBudget()
        for file in files:
            try:
                sheets.append(read_csv_file(file, file.name, budget))
            except SourceError as exc:
                errors.append(exc)
                if budget.used > budget.limit:
                    return [], errors
        return sheets, errors
    if not target.exists():
        return [], [SourceError(name, _("文件不存在：%(path)s") % {"path": target})]
    suffix = target.suffix.lower()
    try:
        if suffix == ".csv":
            return [read_csv_file(target, name)], []
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
