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
    decimal_text,
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
            if cell.__class__ is float:  # most cells of a workbook: parse_number's float branch, inlined
                value = Decimal(int(cell)) if cell.is_integer() else Decimal(repr(cell))
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
        return lambda cell: clean_uscc(parse_text(cell))
    return parse_text


def convert_rows(block: HeaderBlock, mapping: Mapping, *, park: str | None,
                 enterprises: EnterpriseIndex | None = None, out: ConvertedRows | None = None) -> ConvertedRows:
    """The block's data rows read through the mapping (see the module docstring)."""
    model = kind_models()[mapping.kind]
    fields = {fld.name: fld for fld in data_fields(model)}
    out = out or ConvertedRows()
    monthly = [col for col in mapping.used() if col.reading in ("month", "")]
    cumulative = {col.field: col for col in mapping.used() if col.reading == "cumulative"
                  and not mapping.columns_for(col.field, "month")}
    previous = {col.field: col for col in mapping.used() if col.reading == "previous_cumulative"}
    readers = {col.index: _reader(fields.get(col.field), col) for col in mapping.used()}
    name_col = next(iter(mapping.columns_for(ENTERPRISE_NAME)), None)
    uscc_col = next(iter(mapping.columns_for("uscc")), None)
    subject_field = next((n for n in model.natural_key_fields if n != "month"), None)
    by_name = name_col is not None and "uscc" in fields and mapping.kind != "enterprise"
    if by_name and enterprises is None:
        enterprises = EnterpriseIndex(park)
    cumulative_labels = {name: (field_label(fields[name]), ledger_unit(fields[name])) for name in cumulative}
    pending: list[CumulativeCell] = []
    row_at: dict[int, int] = {}  # Excel row → index in out.rows
    first_row = len(out.rows)
    out.header_at = out.header_at or (block.sheet, block.first_row)
    plan = [(col.field, col.index, readers[col.index], col.letter) for col in monthly if col.field != ENTERPRISE_NAME]
    for number, cells in block.data:
        values: dict[str, Any] = {}
        problems: list[tuple[str, str]] = []

        def read(col: ColumnMapping, cells: list[Any] = cells, problems: list = problems) -> Any:
            cell = cells[col.index] if col.index < len(cells) else None
            try:
                return readers[col.index](cell)
            except (ValueError, ArithmeticError) as exc:
                problems.append((col.letter, str(exc)))
                return None

        width = len(cells)
        for fname, index, reader, letter in plan:
            try:
                value = reader(cells[index] if index < width else None)
            except (ValueError, ArithmeticError) as exc:
                problems.append((letter, str(exc)))
                value = None
            values[fname] = decimal_text(value) if value.__class__ is Decimal else value
        if "month" in fields and not values.get("month"):
            values["month"] = mapping.month
        if "park" in fields and park and not values.get("park"):  # rows without a park take the import's
            values["park"] = park
        name = parse_text(cells[name_col.index]) if name_col and name_col.index < len(cells) else ""
        if by_name and not values.get("uscc"):
            if name:
                uscc, reason = enterprises.find(name)
                if uscc:
                    values["uscc"] = uscc
                else:
                    problems.append((name_col.letter, reason))
            else:
                problems.append(((uscc_col or name_col).letter, _("没有统一社会信用代码，也没有企业名称")))
        subject = values.get(subject_field) if subject_field else None
        label = f"{name}（{subject}）" if name and subject else (name or str(subject or ""))
        for fname, col in cumulative.items():
            cum = read(col)
            prev_col = previous.get(fname)
            prev = read(prev_col) if prev_col is not None else None
            values[fname] = None
            if not problems and subject:
                pending.append(CumulativeCell(
                    subject=str(subject), label=label, field=fname, field_label=cumulative_labels[fname][0],
                    unit=cumulative_labels[fname][1], cumulative=cum, previous=prev, row=number, letter=col.letter,
                    sheet=block.sheet))
        if problems:
            out.bad_rows += 1
            out.issues.extend((block.sheet, number, letter, reason) for letter, reason in problems)
            continue
        row_at[number] = len(out.rows)
        out.rows.append(values)
        out.origins.append((block.sheet, number))
        out.originals.append(cells)
    if pending:
        month = mapping.month or ""
        if not month:
            months = {out.rows[row_at[c.row]].get("month") for c in pending}
            month = next(iter(months)) if len(months) == 1 else ""
        if not month:
            out.issues.append((block.sheet, None, "", _("累计数换算当月需要月份")))
        else:
            def stored(subjects: set[str], names: list[str]):
                return stored_totals(model, subject_field, month, names, subjects)

            results, issues = to_monthly(pending, month, stored)
            out.issues.extend(issues)
            bad = {row for _sheet, row, _letter, _reason in issues}
            for (row, fname), value in results.items():
                out.rows[row_at[row]][fname] = None if value is None else decimal_text(value)
            if bad:
                keep = [i for i in range(first_row, len(out.rows)) if out.origins[i][1] not in bad]
                out.bad_rows += len(bad)
                out.rows[first_row:] = [out.rows[i] for i in keep]
                out.origins[first_row:] = [out.origins[i] for i in keep]
                out.originals[first_row:] = [out.originals[i] for i in keep]
    return out
