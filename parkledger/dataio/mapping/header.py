"""Finding a sheet's header block and its data rows.

A sheet from a statistics office looks like:

    row 1  2022年1-10月规上工业企业主要经济指标          (title, merged across the table)
    row 2  单位：千元                                      (unit line)
    row 3  序号 | 企业名称 | 统一社会信用代码 | 工业总产值（千元）     | 营业收入 …
    row 4       |          |                  | 本月 | 1-10月累计     | …       (second header row)
    row 5  甲   | 乙       | 丙               | 1    | 2              | …       (column numbers, optional)
    row 6  1    | 宁波…    | 9133…           | 1,234| 12,345         | …
    …      合计 | …                                                            (skipped)
    …      注：…  填报人：…                                                   (skipped)

The header block starts at the first row holding at least two different known labels
(`parkledger.dataio.mapping.synonyms`) and no numbers; up to two more rows join it while they
hold no numbers, no placeholders and only sub-header words (本月, 1-10月累计, 上年同期, units…)
or labels. Merged cells give their value to every cell they cover; without merges (CSV, or
"centre across selection") an empty upper header cell above a sub-header takes the value on its
left when that column has a sub-header too. Each column's header is the path of its distinct
header texts, top to bottom: `工业总产值（千元） / 1-10月累计`.
"""
from __future__ import annotations

__all__ = ["SourceColumn", "HeaderBlock", "HeaderError", "find_header", "label_vocabulary", "month_in_texts"]

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from parkledger.dataio.mapping.grid import Grid, column_letter
from parkledger.dataio.mapping.synonyms import FOOTNOTE_PREFIXES, SERIAL_LABELS, SYNONYMS, TOTAL_LABELS
from parkledger.dataio.mapping.text import display, fold, fold_dashes
from parkledger.dataio.mapping.units import unit_line
from parkledger.dataio.mapping.values import EMPTY_WORDS, parse_number

MAX_HEADER_ROWS = 3
SCAN_ROWS = 40  # the header block must start within the first rows
_SUBHEADER = re.compile(
    r"(本月|当月|累计|本年|上年|去年|同期|同比|环比|增长|增速|增减|比上年|\d+-\d+月|\d+月|金额|数量|计划|实际|完成|"
    r"期末|期初|平均|其中|小计|合计|%|\(.+\)|^[(]?[\u4e00-\u9fff]{0,2}元[)]?$|人数|名称|代码)"
)
_COLUMN_NUMBERS = frozenset({"甲", "乙", "丙", "丁", "戊", "己"})
_USCC_LIKE = re.compile(r"^[0-9A-Z]{18}$")
_BRACKETS = re.compile(r"\([^()]*\)")
_YEAR_MONTH = (
    re.compile(r"(\d{4})年(?:1-)?(\d{1,2})月"),
    re.compile(r"(\d{4})[.\-/](\d{1,2})(?!\d)"),
    re.compile(r"(\d{4})(\d{2})(?:月|期)"),
)


class HeaderError(Exception):
    """A sheet whose header block cannot be found or is not unique; `str()` says why."""

    def __init__(self, sheet: str, reason: str, row: int | None = None) -> None:
        super().__init__(reason)
        self.sheet = sheet
        self.reason = reason
        self.row = row


@dataclass
class SourceColumn:
    """A column of the source sheet with its header path (display texts, top to bottom)."""

    index: int
    parts: tuple[str, ...]

    @property
    def letter(self) -> str:
        return column_letter(self.index)

    @property
    def path(self) -> str:
        return " / ".join(self.parts)

    @property
    def folded(self) -> tuple[str, ...]:
        return tuple(fold(part) for part in self.parts)


@dataclass
class HeaderBlock:
    """A sheet's header block, what stands above it and its data rows (Excel row numbers)."""

    sheet: str
    first_row: int
    last_row: int
    columns: list[SourceColumn]
    unit: str | None = None  # from a unit line above the header (`单位：千元`)
    above: list[str] = field(default_factory=list)  # title and note texts above the header
    data: list[tuple[int, list[Any]]] = field(default_factory=list)

    @property
    def signature(self) -> str:
        """The same for next month's file: digits are left out (`1-10月累计` ≈ `1-11月累计`)."""
        text = "|".join(f"{col.letter}:{re.sub(r'[0-9]+', '#', '/'.join(col.folded))}" for col in self.columns)
        return hashlib.sha1(text.encode()).hexdigest()

    def column(self, index: int) -> SourceColumn | None:
        for col in self.columns:
            if col.index == index:
                return col
        return None


def label_vocabulary(kinds: Iterable[str] | None = None, extra: Iterable[str] = ()) -> frozenset[str]:
    """Folded labels that mark a header row: the synonyms, the serial labels, every field's label, `extra`."""
    from parkledger.core.kinds import data_fields, kind_models
    from parkledger.dataio.labels import field_label

    words: set[str] = set(SERIAL_LABELS) | {_bare(text) for text in extra}
    models = kind_models()
    for kind in kinds or SYNONYMS:
        for names in SYNONYMS.get(kind, {}).values():
            words.update(fold(name).lower() for name in names)
        if kind in models:
            words.update(_bare(field_label(fld)) for fld in data_fields(models[kind]))
    return frozenset(word for word in words if word)


def _bare(text: str) -> str:
    """Folded, lower-cased, without bracketed parts (units)."""
    return _BRACKETS.sub("", fold(text)).lower()


def _is_label(text: str, vocabulary: frozenset[str]) -> bool:
    bare = _bare(text)
    if not bare:
        return False
    if bare in vocabulary:
        return True
    return any(len(word) >= 3 and word in bare for word in vocabulary) and len(bare) <= 30


def _cell_text(cell: Any) -> str:
    return cell.strip() if isinstance(cell, str) else ("" if cell is None else str(cell))


def _numeric(cell: Any) -> bool:
    if isinstance(cell, bool):
        return False
    if isinstance(cell, int | float):
        return True
    if isinstance(cell, str) and cell.strip():
        try:
            return parse_number(cell) is not None
        except ValueError:
            return False
    return False


def _filled_rows(grid: Grid, last: int) -> list[list[Any]]:
    """The first `last` rows, padded to the sheet's width, merged ranges filled with their value."""
    width = grid.width
    rows = [list(row) + [""] * (width - len(row)) for row in grid.rows[:last]]
    for (r0, c0), (r1, c1) in grid.merges:
        if r0 >= len(rows):
            continue
        value = rows[r0][c0] if c0 < width else ""
        for r in range(r0, min(r1, len(rows) - 1) + 1):
            for c in range(c0, min(c1, width - 1) + 1):
                rows[r][c] = value
    return rows


def _distinct_labels(row: list[Any], vocabulary: frozenset[str]) -> int:
    return len({_bare(_cell_text(cell)) for cell in row if _is_label(_cell_text(cell), vocabulary)})


def _is_column_numbers(row: list[Any]) -> bool:
    """The 栏次 row under a statistics header: 甲 乙 丙 1 2 3 … (numbers strictly increasing)."""
    numbers: list[float] = []
    for cell in row:
        if not _cell_text(cell):
            continue
        text = fold(cell)
        if text in _COLUMN_NUMBERS:
            continue
        if isinstance(cell, int | float) and not isinstance(cell, bool) and float(cell).is_integer():
            numbers.append(float(cell))
        elif text.isdigit():
            numbers.append(float(text))
        else:
            return False
    return len(numbers) >= 2 and all(a < b for a, b in zip(numbers, numbers[1:], strict=False))


def _continues_header(row: list[Any], above: list[Any], vocabulary: frozenset[str]) -> bool:
    seen_new = False
    for cell, upper in zip(row, above, strict=False):
        text = _cell_text(cell)
        if not text:
            continue
        folded = fold(text)
        if folded in EMPTY_WORDS or _numeric(cell) or _USCC_LIKE.match(folded.upper()):
            return False
        if cell == upper:
            continue
        if not (_SUBHEADER.search(fold_dashes(folded)) or _is_label(text, vocabulary)):
            return False
        seen_new = True
    return seen_new


def _fill_groups(header: list[list[Any]]) -> None:
    """Without merges: an empty upper cell over a sub-header takes its left neighbour's value."""
    for r in range(len(header) - 1):
        for c in range(1, len(header[r])):
            if _cell_text(header[r][c]):
                continue
            below = any(_cell_text(header[k][c]) for k in range(r + 1, len(header)))
            left_below = any(_cell_text(header[k][c - 1]) != _cell_text(header[r][c - 1])
                             and _cell_text(header[k][c - 1]) for k in range(r + 1, len(header)))
            if below and left_below and _cell_text(header[r][c - 1]):
                header[r][c] = header[r][c - 1]


_TOTAL_PREFIXES = ("合计", "总计", "其中")
# The first characters of the total labels and footnote prefixes.
_MARK_STARTS = frozenset(word[0] for word in (*TOTAL_LABELS, *FOOTNOTE_PREFIXES, *_TOTAL_PREFIXES))


def _plain_text(text: str) -> bool:
    """A text whose folded form cannot start with a total label or a footnote prefix, told without folding it.

    Folding drops whitespace and leaves ASCII text and CJK ideographs alone (NFKC maps them to themselves and
    composes nothing onto an ideograph), so such a text's folded form starts with its first non-blank character.
    """
    first = text[0]
    if first.isspace():
        first = text.lstrip()[:1]
    if first in _MARK_STARTS:
        return False
    return "\u4e00" <= first <= "\u9fff" or text.isascii()


def _skipped_row(row: list[Any]) -> bool:
    """Blank rows, totals, footnotes and sub-total lines (合计, 注：…, 填报人：…, 其中：…)."""
    texts: list[str] = []  # the first three texts, folded (those that could be a total label)
    count = 0
    seen = False
    for cell in row:
        if cell is None or cell == "":
            continue
        if isinstance(cell, str):
            if cell.isspace():
                continue
            count += 1
            if not _plain_text(cell):
                text = fold(cell)
                if not seen and text.startswith(FOOTNOTE_PREFIXES):
                    return True
                texts.append(text.rstrip(":"))
            if count == 3:
                break
        seen = True
    if not seen:
        return True
    return any(text in TOTAL_LABELS or (text.startswith(_TOTAL_PREFIXES) and len(text) <= 12) for text in texts)


def _has_number(row: list[Any]) -> bool:
    """`any(_numeric(cell) for cell in row)`, number cells first."""
    for cell in row:
        cls = cell.__class__
        if cls is float or cls is int:
            return True
        if cell is not None and _numeric(cell):
            return True
    return False


def _row_key(row: list[Any]) -> tuple[str, ...]:
    texts = [fold(cell) if isinstance(cell, str) else ("" if cell is None else str(cell)) for cell in row]
    while texts and not texts[-1]:
        texts.pop()
    return tuple(texts)


def month_in_texts(texts: Iterable[str]) -> str | None:
    """The report month a title or note names (`2022年1-10月…` → 2022-10), else None."""
    for text in texts:
        folded = fold_dashes(fold(text))
        for pattern in _YEAR_MONTH:
            match = pattern.search(folded)
            if match:
                year, month = int(match.group(1)), int(match.group(2))
                if 1 <= month <= 12 and 1990 <= year <= 2200:
                    return f"{year:04d}-{month:02d}"
    return None


def find_header(grid: Grid, vocabulary: frozenset[str]) -> HeaderBlock:
    """The header block and data rows of a sheet; `HeaderError` when none, or two, are found."""
    scan = _filled_rows(grid, SCAN_ROWS + MAX_HEADER_ROWS + 1)
    start = None
    for r, row in enumerate(scan[:SCAN_ROWS]):
        if _distinct_labels(row, vocabulary) >= 2 and not any(_numeric(cell) for cell in row):
            start = r
            break
    if start is None:
        raise HeaderError(grid.name, _("找不到表头行：前%(n)d行中没有一行含两个以上可识别的列名"
                                       "（如企业名称、统一社会信用代码、工业总产值）") % {"n": SCAN_ROWS})
    end = start + 1
    while end < len(scan) and end - start < MAX_HEADER_ROWS and _continues_header(scan[end], scan[end - 1], vocabulary):
        end += 1
    header = [list(row) for row in scan[start:end]]
    if not grid.merges:
        _fill_groups(header)
    width = grid.width
    columns: list[SourceColumn] = []
    for c in range(width):
        parts: list[str] = []
        for row in header:
            text = display(row[c]) if c < len(row) else ""
            if text and (not parts or fold(parts[-1]) != fold(text)):
                parts.append(text)
        if parts:
            columns.append(SourceColumn(c, tuple(parts)))
    above = [display(cell) for row in scan[:start] for cell in dict.fromkeys(row) if _cell_text(cell)]
    unit = next((u for u in (unit_line(text) for text in above) if u), None)
    block = HeaderBlock(sheet=grid.name, first_row=start + 1, last_row=end, columns=columns, unit=unit, above=above)
    first_data = end
    if first_data < len(scan) and _is_column_numbers(scan[first_data]):
        first_data += 1
    append = block.data.append
    repeated = {_row_key(grid.rows[r]) for r in range(start, first_data) if r < len(grid.rows)}
    for r in range(first_data, len(grid.rows)):
        row = grid.rows[r]
        if _skipped_row(row):
            continue
        if _has_number(row):
            append((r + 1, row))
            continue
        if _row_key(row) in repeated:  # the header repeated on every printed page
            continue
        if _distinct_labels(row, vocabulary) >= 2:
            raise HeaderError(grid.name, _("有两处候选表头（第%(a)d行和第%(b)d行）：一张表只能有一个表头，"
                                           "请把两部分分到两张表") % {"a": block.first_row, "b": r + 1}, row=r + 1)
        append((r + 1, row))
    return block
