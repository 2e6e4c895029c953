"""Units of source columns and their exact conversion to the ledger's unit (decimal arithmetic).

A field's ledger unit is its `help_text` (`万元`, `万美元`, `吨标准煤`, `亩`); money is 万元 unless
marked. A column's unit is what its header says in brackets (`工业总产值（千元）`), else the
sheet's unit line (`单位：千元`, for money columns only), else the ledger's own unit.
"""
from __future__ import annotations

__all__ = ["UNIT_FACTORS", "ledger_unit", "units_for", "convert", "unit_in", "unit_line"]

import re
from decimal import Decimal

from django.db import models

from parkledger.dataio.mapping.text import fold

# unit → (family, factor to the family's ledger unit)
UNIT_FACTORS: dict[str, tuple[str, Decimal]] = {
    "元": ("cny", Decimal("0.0001")),
    "千元": ("cny", Decimal("0.1")),
    "万元": ("cny", Decimal(1)),
    "百万元": ("cny", Decimal(100)),
    "亿元": ("cny", Decimal(10000)),
    "美元": ("usd", Decimal("0.0001")),
    "千美元": ("usd", Decimal("0.1")),
    "万美元": ("usd", Decimal(1)),
    "亿美元": ("usd", Decimal(10000)),
    "吨标准煤": ("tce", Decimal(1)),
    "吨标煤": ("tce", Decimal(1)),
    "万吨标准煤": ("tce", Decimal(10000)),
    "千克标准煤": ("tce", Decimal("0.001")),
    "亩": ("mu", Decimal(1)),
    "公顷": ("mu", Decimal(15)),
    "人": ("count", Decimal(1)),
    "个": ("count", Decimal(1)),
    "%": ("percent", Decimal(1)),
}
_LEDGER_UNITS = {"cny": "万元", "usd": "万美元", "tce": "吨标准煤", "mu": "亩", "count": "人", "percent": "%"}
_BRACKETS = re.compile(r"\(([^()]*)\)")
_UNIT_LINE = re.compile(r"(?:计量)?单位[:]?(.+)$")


def ledger_unit(field: models.Field) -> str:
    """The unit the ledger stores the field in ('' for fields without a unit: text, dates, flags)."""
    if isinstance(field, models.DecimalField):
        text = fold(field.help_text)
        if text in UNIT_FACTORS:
            return text
        return "万元" if not text else ""
    if isinstance(field, models.IntegerField) and not isinstance(field, models.BooleanField):
        return "人" if "人" in str(field.verbose_name) or field.name == "employees" else ""
    return ""


def units_for(field: models.Field) -> list[str]:
    """The units a column may be read in for this field (same family as the ledger's unit)."""
    unit = ledger_unit(field)
    if not unit:
        return []
    family = UNIT_FACTORS[unit][0]
    return [name for name, (fam, _factor) in UNIT_FACTORS.items() if fam == family]


def convert(value: Decimal, unit: str, target: str) -> Decimal:
    """`value` in `unit` expressed in `target` (same family), exactly: 12345 千元 → 1234.5 万元."""
    if not unit or unit == target:
        return value
    fam, factor = UNIT_FACTORS[unit]
    tfam, tfactor = UNIT_FACTORS[target]
    if fam != tfam:
        raise ValueError(f"{unit} → {target}")
    result = value * factor / tfactor
    return result.normalize() if result == result.to_integral_value() else result


def unit_in(text: str) -> str | None:
    """The unit named in a header's brackets (`工业总产值（千元）` → 千元), or a trailing `%`."""
    folded = fold(text)
    for inner in reversed(_BRACKETS.findall(folded)):
        inner = inner.removeprefix("单位:").removeprefix("单位")
        if inner in UNIT_FACTORS:
            return inner
    if folded.endswith("%"):
        return "%"
    return None


def unit_line(text: str) -> str | None:
    """The unit a sheet's unit line gives (`单位：万元` → 万元; `金额单位：千元` too), else None."""
    folded = fold(text)
    match = _UNIT_LINE.search(folded)
    if not match:
        return None
    for part in re.split(r"[,;、]", match.group(1)):
        part = part.strip("()")
        if part in UNIT_FACTORS and UNIT_FACTORS[part][0] in ("cny", "usd"):
            return part
    return None
