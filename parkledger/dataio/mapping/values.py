"""Reading the cells of real sheets: placeholders, thousands separators, bracketed negatives, months.

Each function takes a raw cell (str, float, int, date or datetime as calamine and csv give them)
and returns the value or raises `ValueError` with the reason in Chinese.
"""
from __future__ import annotations

__all__ = ["is_empty", "parse_number", "float_number", "parse_month", "parse_flag", "parse_text", "decimal_text"]

import re
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from parkledger.dataio.mapping.text import fold

EMPTY_WORDS = frozenset({"", "-", "—", "——", "--", "/", "\\", "无", "空", "－", "–", "#N/A", "N/A", "null"})
_TRUE = frozenset({"是", "√", "✓", "✔", "y", "yes", "true", "1", "规上", "规模以上", "▲"})
_FALSE = frozenset({"否", "×", "✗", "n", "no", "false", "0", "规下", "规模以下"})
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$")
_EXCEL_EPOCH = date(1899, 12, 30)
_INF = float("inf")


def is_empty(cell: Any) -> bool:
    """Blank, or a placeholder for nothing ("—", "-", "/", "无")."""
    if cell is None:
        return True
    if isinstance(cell, str):
        text = cell.strip()
        if text in EMPTY_WORDS:
            return True
        return not text.isascii() and fold(text) in EMPTY_WORDS
    return False


def float_number(cell: float) -> Decimal:
    """A float cell's number: the shortest text of the float (1234.5 read from a cell is 1234.5, not its binary
    expansion); NaN and infinities are not numbers."""
    if cell.is_integer():
        return Decimal(int(cell))
    if cell != cell or cell in (_INF, -_INF):
        raise ValueError(_("不是数字"))
    return Decimal(repr(cell))


def parse_number(cell: Any) -> Decimal | None:
    """A number: `1,234.5`, ` 12 `, `(1,234)` (negative), `12.5%` (12.5), a float or int cell."""
    if cell.__class__ is str:  # the usual numbers as text first: `1234.5`, `1,234.5`
        if "," in cell:
            if _THOUSANDS.match(cell):
                return Decimal(cell.replace(",", ""))
        elif _NUMBER.match(cell):
            return Decimal(cell)
    if is_empty(cell):
        return None
    if isinstance(cell, bool):
        raise ValueError(_("“%(v)s”不是数字") % {"v": cell})
    if isinstance(cell, int):
        return Decimal(cell)
    if isinstance(cell, float):
        return float_number(cell)
    if isinstance(cell, datetime | date):
        raise ValueError(_("“%(v)s”是日期，不是数字") % {"v": cell})
    text = fold(cell).replace("，", ",")
    negative = False
    if text.startswith("(") and text.endswith(")"):
        negative, text = True, text[1:-1]
    if text.endswith("%"):
        text = text[:-1]
    if _THOUSANDS.match(text):
        text = text.replace(",", "")
    if not _NUMBER.match(text):
        raise ValueError(_("“%(v)s”不是数字") % {"v": str(cell).strip()})
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(_("“%(v)s”不是数字") % {"v": str(cell).strip()}) from None
    return -value if negative else value


def decimal_text(value: Decimal) -> str:
    """A decimal in plain notation for the importer (`1.2E+3` → `1200`, `134.50` → `134.5`)."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


_MONTH_PATTERNS = (
    re.compile(r"^(\d{4})[-./年](\d{1,2})(?:月份?)?(?:[-./](\d{1,2})日?)?$"),
    re.compile(r"^(\d{4})(\d{2})$"),
    re.compile(r"^(\d{4})-(\d{2})-\d{2}(?:[T ]\d.*)?$"),
)


def _month_text(year: int, month: int, raw: Any) -> str:
    if not (1 <= month <= 12 and 1900 <= year <= 2200):
        raise ValueError(_("“%(v)s”不是有效的月份") % {"v": raw})
    return f"{year:04d}-{month:02d}"


def parse_month(cell: Any) -> str | None:
    """A month as `YYYY-MM`: a date cell, an Excel date serial, `2022.10`, `2022年10月`, `202210`, `2022-10`.

    A number cell `2022.1` is January (Excel keeps 2022.10 only as text or with a number format
    calamine does not pass on); the text `2022.10` is October.
    """
    if is_empty(cell):
        return None
    if isinstance(cell, datetime | date):
        return f"{cell.year:04d}-{cell.month:02d}"
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        if 20000 <= cell <= 80000:  # an Excel date serial
            day = _EXCEL_EPOCH + timedelta(days=int(cell))
            return f"{day.year:04d}-{day.month:02d}"
        if isinstance(cell, float) and not cell.is_integer():
            year, _dot, frac = repr(cell).partition(".")
            return _month_text(int(year), int(frac), cell)
        cell = str(int(cell))
    text = fold(cell)
    for pattern in _MONTH_PATTERNS:
        match = pattern.match(text)
        if match:
            return _month_text(int(match.group(1)), int(match.group(2)), cell)
    raise ValueError(_("“%(v)s”不是月份（应如2022-10、2022年10月、2022.10或202210）") % {"v": str(cell).strip()})


def parse_flag(cell: Any) -> bool:
    """是/√/1 → True; 否/×/0 and blank → False (a blank 规上 cell means not in the directory)."""
    if is_empty(cell):
        return False
    if isinstance(cell, bool):
        return cell
    if isinstance(cell, int | float):
        if cell in (0, 1):
            return bool(cell)
        raise ValueError(_("“%(v)s”应为是或否") % {"v": cell})
    text = fold(cell).lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(_("“%(v)s”应为是或否（是、否、√或空）") % {"v": str(cell).strip()})


def parse_text(cell: Any) -> str:
    """A text cell trimmed; a whole float (a code typed as a number) without its `.0`."""
    if cell.__class__ is str:
        text = cell.strip()
        if text.isascii():  # is_empty's test for ASCII text, inlined
            return "" if text in EMPTY_WORDS else text
        return "" if text in EMPTY_WORDS or fold(text) in EMPTY_WORDS else text
    if is_empty(cell):
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, datetime):
        return cell.date().isoformat()
    if isinstance(cell, date):
        return cell.isoformat()
    return str(cell).strip()
