"""The one convention for turning a ledger field's value into a spreadsheet cell and back.

Every import, export, template and the demo data go through these functions, so a value
written by one is read back unchanged by another.

- Header = the field key (the model field name; references by their name: `park`, `uscc`).
- Dates `YYYY-MM-DD`; months `YYYY-MM` (they are text fields already).
- Decimals as plain strings, no exponent and no trailing zeros (`1234.5`, `0`).
- Booleans `true` / `false` on output; on input also 1/0, 是/否, yes/no, y/n, any case.
- Empty = `""` on output; an empty cell reads back as `""` for text and `None` otherwise.

Reading (`parse_cell`) also accepts the typed values a spreadsheet library returns for an
.xlsx (numbers, booleans, dates), and raises `CellError` with a reason a park's staff
understand (Chinese) when a cell cannot be read as the field's type.
"""
from __future__ import annotations

__all__ = [
    "CellError", "TRUE_WORDS", "FALSE_WORDS",
    "format_decimal", "format_date", "format_bool", "to_cell", "row_cells", "header",
    "parse_bool", "parse_date", "parse_decimal", "parse_int", "parse_text", "parse_month_cell", "parse_cell",
    "rows_as_cells",
    "is_blank",
]

import re
from collections.abc import Iterable
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from parkledger.core.kinds import data_fields

TRUE_WORDS = frozenset({"true", "1", "是", "yes", "y", "1.0"})
FALSE_WORDS = frozenset({"false", "0", "否", "no", "n", "0.0"})

_DATE_RE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")
_DATE_TIME_ZERO_RE = re.compile(r"^(\d{4}-\d{1,2}-\d{1,2})[ T]00:00(:00(\.0+)?)?$")
_INT_RE = re.compile(r"^[+-]?\d+$")


class CellError(ValueError):
    """A cell that cannot be read as its field's type; `str(exc)` is the reason (Chinese)."""


# ---------------------------------------------------------------------------
# Output: value → cell text
# ---------------------------------------------------------------------------

def format_decimal(value: Decimal | int | None) -> str:
    """`Decimal("1234.5000")` → `"1234.5"`; no exponent, no trailing zeros, `"0"` for zero."""
    if value is None:
        return ""
    d = Decimal(value)
    if d == 0:
        return "0"
    return format(d.normalize(), "f")


def format_date(value: date | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    return value.isoformat()


def format_bool(value: bool | None) -> str:
    if value is None:
        return ""
    return "true" if value else "false"


def to_cell(field: models.Field, value: Any) -> str:
    """The cell text of a field's stored value (for references: the referenced code)."""
    if value is None:
        return ""
    if isinstance(field, models.BooleanField):
        return format_bool(value)
    if isinstance(field, models.DateField):
        return format_date(value)
    if isinstance(field, models.DecimalField):
        return format_decimal(value)
    if isinstance(value, Decimal):
        return format_decimal(value)
    return str(value)


def header(model: type[models.Model]) -> list[str]:
    """The import/export header of a kind: its field keys."""
    return [fld.name for fld in data_fields(model)]


def row_cells(model: type[models.Model], obj: Any) -> list[str]:
    """One record (a model instance, or a dict keyed by field name or attname) as cells."""
    fields = data_fields(model)
    if isinstance(obj, dict):
        return [to_cell(fld, obj.get(fld.name, obj.get(fld.attname))) for fld in fields]
    return [to_cell(fld, fld.value_from_object(obj)) for fld in fields]


# ---------------------------------------------------------------------------
# Input: cell → value
# ---------------------------------------------------------------------------

def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text_of(value: Any) -> str:
    """A cell as text; whole numbers from a spreadsheet lose their `.0`."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime):
        if value.time() == time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def parse_text(value: Any) -> str:
    if value is None:
        return ""
    return _text_of(value)


def parse_bool(value: Any) -> bool | None:
    """true/false, 1/0, 是/否, yes/no (any case) → bool; blank → None."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    text = str(value).strip().lower()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise CellError(_("“%(v)s”不是是/否值（可填 true/false、1/0、是/否）") % {"v": _text_of(value)})


def parse_date(value: Any) -> date | None:
    """`YYYY-MM-DD` (also `YYYY/MM/DD`, or a date typed in the spreadsheet) → date; blank → None."""
    if is_blank(value):
        return None
    if isinstance(value, datetime):
        if value.time() != time(0):
            raise CellError(_("“%(v)s”不是日期（应为YYYY-MM-DD）") % {"v": _text_of(value)})
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    m = _DATE_TIME_ZERO_RE.match(text)
    if m:
        text = m.group(1)
    m = _DATE_RE.match(text)
    if not m:
        raise CellError(_("“%(v)s”不是日期（应为YYYY-MM-DD）") % {"v": _text_of(value)})
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        raise CellError(_("日期“%(v)s”不存在") % {"v": text}) from None


def parse_month_cell(value: Any) -> str:
    """A month cell → `YYYY-MM` text (a date typed as the 1st of a month is accepted); blank → ""."""
    if is_blank(value):
        return ""
    if isinstance(value, date) and not isinstance(value, datetime) or (
        isinstance(value, datetime) and value.time() == time(0)
    ):
        d = value.date() if isinstance(value, datetime) else value
        if d.day == 1:
            return f"{d.year:04d}-{d.month:02d}"
    return _text_of(value)


def parse_decimal(value: Any) -> Decimal | None:
    """A number cell → Decimal (thousands separators and a trailing % are not accepted); blank → None."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise CellError(_("“%(v)s”不是数字") % {"v": _text_of(value)})
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise CellError(_("“%(v)s”不是数字") % {"v": value})
        return Decimal(repr(value))
    text = str(value).strip()
    try:
        d = Decimal(text)
    except InvalidOperation:
        raise CellError(_("“%(v)s”不是数字") % {"v": text}) from None
    if not d.is_finite():
        raise CellError(_("“%(v)s”不是数字") % {"v": text})
    return d


def parse_int(value: Any) -> int | None:
    """A whole-number cell → int; blank → None."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise CellError(_("“%(v)s”不是整数") % {"v": _text_of(value)})
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise CellError(_("“%(v)s”不是整数") % {"v": repr(value)})
    text = str(value).strip()
    if _INT_RE.match(text):
        return int(text)
    try:
        d = Decimal(text)
    except InvalidOperation:
        raise CellError(_("“%(v)s”不是整数") % {"v": text}) from None
    if d.is_finite() and d == d.to_integral_value():
        return int(d)
    raise CellError(_("“%(v)s”不是整数") % {"v": text})


def parse_cell(field: models.Field, value: Any) -> Any:
    """A cell → the field's Python value (references: the referenced code as text).

    Blank cells give `None` for nullable or non-text fields and `""` for text fields.
    Choices are returned as written (the caller maps labels to keys and validates).
    """
    if isinstance(field, models.BooleanField):
        return parse_bool(value)
    if isinstance(field, models.DateField):
        return parse_date(value)
    if isinstance(field, models.DecimalField):
        return parse_decimal(value)
    if isinstance(field, models.IntegerField):
        return parse_int(value)
    if isinstance(field, models.ForeignKey):
        text = parse_text(value)
        return text or None
    if field.name == "month" or getattr(field, "help_text", "") == "YYYY-MM":
        text = parse_month_cell(value)
    else:
        text = parse_text(value)
    if not text and field.null:
        return None
    return text


def rows_as_cells(model: type[models.Model], objects: Iterable[Any]) -> Iterable[list[str]]:
    """Many records as cells (see `row_cells`)."""
    for obj in objects:
        yield row_cells(model, obj)
