"""A header block's data rows → rows keyed by the template's field keys, with their source coordinates.

Numbers are converted to the ledger's unit exactly (Decimal) and handed to the importer as
plain text (`1234.5`), so it validates them as it validates a template's cells. A cell that
cannot be read, an enterprise that cannot be found and a 累计 that cannot become 当月 are
issues at the source cell (sheet, Excel row, column letter).
"""
from __future__ import annotations

__all__ = ["ConvertedRows", "convert_rows"]

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from parkledger.core.kinds import data_fields, kind_models
from parkledger.dataio.labels import field_label
from parkledger.dataio.mapping.cumulative import CumulativeColumn, CumulativeRows, stored_totals, to_monthly
from parkledger.dataio.mapping.enterprises import EnterpriseIndex, clean_uscc
from parkledger.dataio.mapping.header import HeaderBlock
from parkledger.dataio.mapping.proposal import ColumnMapping, Mapping
from parkledger.dataio.mapping.synonyms import ENTERPRISE_NAME
from parkledger.dataio.mapping.units import convert, ledger_unit
from parkledger.dataio.mapping.values import (
    EMPTY_WORDS,
    decimal_text,
    float_number,
    parse_flag,
    parse_month,
    parse_number,
    parse_text,
)


@dataclass
class ConvertedRows:
    """Rows for `import_rows`, each row's (sheet, Excel row), the issues found on the way."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    origins: list[tuple[str, int]] = field(default_factory=list)
    originals: list[list[Any]] = field(default_factory=list)  # the source cells of each row
    issues: list[tuple[str, int | None, str, str]] = field(default_factory=list)
    bad_rows: int = 0
    header_at: tuple[str, int] | None = None  # (sheet, first header row): where the importer's row 0 is


def _reader(fld: models.Field | None, col: ColumnMapping):
    """cell → value for the importer (text, bool, Decimal in the ledger's unit), raising ValueError."""
    if fld is None:  # the enterprise name
        return parse_text
    if isinstance(fld, models.BooleanField):
        return parse_flag
    if fld.name == "month":
        return parse_month
    if isinstance(fld, models.DecimalField | models.IntegerField):
        target = ledger_unit(fld)
        integer = isinstance(fld, models.IntegerField)
        factor = convert(Decimal(1), col.unit, target) if col.unit and target and col.unit != target else None

        def number(cell: Any) -> Decimal | None:
            cls = cell.__class__
            if cls is float:  # most cells of a workbook
                value = float_number(cell)
            elif cls is int:  # an .xls file's whole numbers
                value = Decimal(cell)
            else:
                value = parse_number(cell)
                if value is None:
                    return None
            if factor is not None:
                value = value * factor  # exact: the factors are powers of ten (or 15 for 公顷)
            if integer and value != value.to_integral_value():
                raise ValueError(_("“%(v)s”应为整数") % {"v": parse_text(cell)})
            return value

        return number
    if isinstance(fld, models.ForeignKey) and fld.name == "uscc":
        return _uscc
    return parse_text


def _uscc(cell: Any) -> str:
    """A code cell → the 18 upper-case characters (`clean_uscc(parse_text(cell))`, ASCII text without folding)."""
    if cell.__class__ is str:
        text = cell.strip()
        if text.isascii():
            return "" if text in EMPTY_WORDS else "".join(text.split()).upper()
    return clean_uscc(parse_text(cell))


def _column(data: list[tuple[int, list[Any]]], index: int) -> list[Any]:
    """One source column's cells, row by row (None past a short row's end)."""
    return [cells[index] if index < len(cells) else None for _number, cells in data]


def _read_column(reader: Callable[[Any], Any], cells: list[Any], letter: str,
                 problems: list[list[tuple[str, str]] | None]) -> list[Any]:
    """The column's values; a cell that cannot be read is None and a problem of its row."""
    try:
        return [reader(cell) for cell in cells]  # the usual case: every cell reads
    except (ValueError, ArithmeticError):
        pass
    values = []
    for i, cell in enumerate(cells):
        try:
            values.append(reader(cell))
        except (ValueError, ArithmeticError) as exc:
            _note(problems, i, letter, str(exc))
            values.append(None)
    return values


def _note(problems: list[list[tuple[str, str]] | None], i: int, letter: str, reason: str) -> None:
    found = problems[i]
    if found is None:
        problems[i] = [(letter, reason)]
    else:
        found.append((letter, reason))


def _texts(values: list[Any]) -> list[Any]:
    return [decimal_text(value) if value.__class__ is Decimal else value for value in values]


def convert_rows(block: HeaderBlock, mapping: Mapping, *, park: str | None,
                 enterprises: EnterpriseIndex | None = None, out: ConvertedRows | None = None) -> ConvertedRows:
    """The block's data rows read through the mapping (see the module docstring).

    The rows are read column by column; a row's problems keep the order of its columns in the
    mapping (the 当月 columns, the enterprise, then each 累计 and 上月累计 column).
    """
    model = kind_models()[mapping.kind]
    fields = {fld.name: fld for fld in data_fields(model)}
    out = out or ConvertedRows()
    used = mapping.used()
    monthly = [col for col in used if col.reading in ("month", "")]
    cumulative = {col.field: col for col in used if col.reading == "cumulative"
                  and not mapping.columns_for(col.field, "month")}
    previous = {col.field: col for col in used if col.reading == "previous_cumulative"}
    readers = {col.index: _reader(fields.get(col.field), col) for col in used}
    name_col = next(iter(mapping.columns_for(ENTERPRISE_NAME)), None)
    uscc_col = next(iter(mapping.columns_for("uscc")), None)
    subject_field = next((n for n in model.natural_key_fields if n != "month"), None)
    by_name = name_col is not None and "uscc" in fields and mapping.kind != "enterprise"
    if by_name and enterprises is None:
        enterprises = EnterpriseIndex(park)
    sheet = block.sheet
    out.header_at = out.header_at or (sheet, block.first_row)
    data = block.data
    count = len(data)
    problems: list[list[tuple[str, str]] | None] = [None] * count
    # field → its values row by row, in the order a row's dict has them (a later column of a field wins)
    columns: dict[str, list[Any]] = {}
    for col in monthly:
        if col.field != ENTERPRISE_NAME:
            columns[col.field] = _texts(_read_column(readers[col.index], _column(data, col.index), col.letter,
                                                     problems))
    if "month" in fields:
        month = mapping.month
        found = columns.get("month")
        columns["month"] = [value or month for value in found] if found is not None else [month] * count
    if "park" in fields and park:  # rows without a park take the import's
        found = columns.get("park")
        columns["park"] = [value or park for value in found] if found is not None else [park] * count
    names = [parse_text(cell) for cell in _column(data, name_col.index)] if name_col is not None else [""] * count
    if by_name:
        codes = columns.get("uscc")
        looked_up: list[Any] = list(codes) if codes is not None else [None] * count
        missing = (uscc_col or name_col).letter, _("没有统一社会信用代码，也没有企业名称")
        for i, code in enumerate(looked_up):
            if code:
                continue
            name = names[i]
            if not name:
                _note(problems, i, *missing)
                continue
            uscc, reason = enterprises.find(name)
            if uscc:
                looked_up[i] = uscc
            else:
                _note(problems, i, name_col.letter, reason)
        columns["uscc"] = looked_up
    subjects = columns.get(subject_field) if subject_field else None
    # (field, its label, its unit, the 累计 column's letter, its values, the 上月累计 values or None)
    read_cumulative = []
    for fname, col in cumulative.items():
        cum = _read_column(readers[col.index], _column(data, col.index), col.letter, problems)
        prev_col = previous.get(fname)
        prev = _read_column(readers[prev_col.index], _column(data, prev_col.index), prev_col.letter, problems) \
            if prev_col is not None else None
        read_cumulative.append((fname, field_label(fields[fname]), ledger_unit(fields[fname]), col.letter, cum, prev))
        columns[fname] = [None] * count
    kept = [i for i in range(count) if problems[i] is None]
    issues = out.issues
    for i, found in enumerate(problems):
        if found is not None:
            number = data[i][0]
            issues.extend((sheet, number, letter, reason) for letter, reason in found)
    out.bad_rows += count - len(kept)
    chosen = [i for i in kept if subjects[i]] if read_cumulative and subjects is not None else []
    if chosen:  # the rows whose 累计 become 当月
        month = mapping.month or ""
        if not month:
            month_values = columns.get("month")
            months = {month_values[i] for i in chosen} if month_values is not None else {None}
            month = next(iter(months)) if len(months) == 1 else ""
        if not month:
            issues.append((sheet, None, "", _("累计数换算当月需要月份")))
        else:
            def stored(subjects: set[str], names: list[str]):
                return stored_totals(model, subject_field, month, names, subjects)

            rows = CumulativeRows(sheet, [str(subjects[i]) for i in chosen], [names[i] for i in chosen],
                                  [data[i][0] for i in chosen])
            results, found_issues = to_monthly(rows, [CumulativeColumn(
                fname, flabel, unit, letter, [cum[i] for i in chosen],
                None if prev is None else [prev[i] for i in chosen],
            ) for fname, flabel, unit, letter, cum, prev in read_cumulative], month, stored)
            issues.extend(found_issues)
            for (fname, *_rest), values in zip(read_cumulative, results, strict=True):
                column = columns[fname]
                for i, value in zip(chosen, values, strict=True):
                    if value is not None:
                        column[i] = decimal_text(value)
            bad = {row for _sheet, row, _letter, _reason in found_issues}
            if bad:
                out.bad_rows += len(bad)
                kept = [i for i in kept if data[i][0] not in bad]
    keys = list(columns)
    values = list(columns.values())
    if len(kept) < count:
        values = [[column[i] for i in kept] for column in values]
    out.rows.extend([dict(zip(keys, row, strict=True)) for row in zip(*values, strict=True)] if keys
                    else [{} for _i in kept])
    out.origins.extend((sheet, data[i][0]) for i in kept)
    out.originals.extend(data[i][1] for i in kept)
    return out
