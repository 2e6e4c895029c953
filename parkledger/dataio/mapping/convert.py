"""A header block's data rows → rows keyed by the template's field keys, with their source coordinates.

Numbers are converted to the ledger's unit exactly (Decimal) and handed to the importer as
plain text (`1234.5`), so it validates them as it validates a template's cells. A cell that
cannot be read, an enterprise that cannot be found and a 累计 that cannot become 当月 are
issues at the source cell (sheet, Excel row, column letter).
"""
from __future__ import annotations

__all__ = ["ConvertedRows", "convert_rows"]

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from parkledger.core.kinds import data_fields, kind_models
from parkledger.dataio.labels import field_label
from parkledger.dataio.mapping.cumulative import CumulativeCell, stored_totals, to_monthly
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
            if cell.__class__ is float:  # most cells of a workbook
                value = float_number(cell)
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


def convert_rows(block: HeaderBlock, mapping: Mapping, *, park: str | None,
                 enterprises: EnterpriseIndex | None = None, out: ConvertedRows | None = None) -> ConvertedRows:
    """The block's data rows read through the mapping (see the module docstring)."""
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
    pending: list[CumulativeCell] = []
    row_at: dict[int, int] = {}  # Excel row → index in out.rows
    first_row = len(out.rows)
    out.header_at = out.header_at or (sheet, block.first_row)
    plan = [(col.field, col.index, readers[col.index], col.letter) for col in monthly if col.field != ENTERPRISE_NAME]
    # (field, its label and unit, 累计 column: index, reader, letter; 上月累计 column: index, reader, letter)
    cumulative_plan = []
    for fname, col in cumulative.items():
        prev_col = previous.get(fname)
        cumulative_plan.append((
            fname, field_label(fields[fname]), ledger_unit(fields[fname]), col.index, readers[col.index], col.letter,
            *((prev_col.index, readers[prev_col.index], prev_col.letter) if prev_col is not None else (None,) * 3)))
    month_default = mapping.month if "month" in fields else None
    fill_month = "month" in fields
    park_default = park if "park" in fields and park else None
    name_index = name_col.index if name_col is not None else -1
    no_enterprise = ((uscc_col or name_col).letter if name_col is not None else "",
                     _("没有统一社会信用代码，也没有企业名称")) if by_name else None
    rows, origins, originals, issues = out.rows, out.origins, out.originals, out.issues
    for number, cells in block.data:
        values: dict[str, Any] = {}
        problems: list[tuple[str, str]] = []
        width = len(cells)
        for fname, index, reader, letter in plan:
            try:
                value = reader(cells[index] if index < width else None)
            except (ValueError, ArithmeticError) as exc:
                problems.append((letter, str(exc)))
                value = None
            values[fname] = decimal_text(value) if value.__class__ is Decimal else value
        if fill_month and not values.get("month"):
            values["month"] = month_default
        if park_default and not values.get("park"):  # rows without a park take the import's
            values["park"] = park_default
        name = parse_text(cells[name_index]) if 0 <= name_index < width else ""
        if by_name and not values.get("uscc"):
            if name:
                uscc, reason = enterprises.find(name)
                if uscc:
                    values["uscc"] = uscc
                else:
                    problems.append((name_col.letter, reason))
            else:
                problems.append(no_enterprise)
        if cumulative_plan:
            subject = values.get(subject_field) if subject_field else None
            found = []
            for fname, flabel, unit, index, reader, letter, prev_index, prev_reader, prev_letter in cumulative_plan:
                try:
                    cum = reader(cells[index] if index < width else None)
                except (ValueError, ArithmeticError) as exc:
                    problems.append((letter, str(exc)))
                    cum = None
                prev = None
                if prev_reader is not None:
                    try:
                        prev = prev_reader(cells[prev_index] if prev_index < width else None)
                    except (ValueError, ArithmeticError) as exc:
                        problems.append((prev_letter, str(exc)))
                values[fname] = None
                if subject:
                    found.append(CumulativeCell(str(subject), name, fname, flabel, unit, cum, prev, number, letter,
                                                sheet))
            if found and not problems:  # a row with a problem is not imported: nothing to work out
                pending.extend(found)
        if problems:
            out.bad_rows += 1
            issues.extend((sheet, number, letter, reason) for letter, reason in problems)
            continue
        row_at[number] = len(rows)
        rows.append(values)
        origins.append((sheet, number))
        originals.append(cells)
    if pending:
        month = mapping.month or ""
        if not month:
            months = {rows[row_at[c.row]].get("month") for c in pending}
            month = next(iter(months)) if len(months) == 1 else ""
        if not month:
            issues.append((sheet, None, "", _("累计数换算当月需要月份")))
        else:
            def stored(subjects: set[str], names: list[str]):
                return stored_totals(model, subject_field, month, names, subjects)

            results, found_issues = to_monthly(pending, month, stored)
            issues.extend(found_issues)
            bad = {row for _sheet, row, _letter, _reason in found_issues}
            for (row, fname), value in results.items():
                rows[row_at[row]][fname] = None if value is None else decimal_text(value)
            if bad:
                keep = [i for i in range(first_row, len(rows)) if origins[i][1] not in bad]
                out.bad_rows += len(bad)
                rows[first_row:] = [rows[i] for i in keep]
                origins[first_row:] = [origins[i] for i in keep]
                originals[first_row:] = [originals[i] for i in keep]
    return out
