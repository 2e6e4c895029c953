"""累计 → 当月: this month's year-to-date minus the previous month's.

The previous month's 累计 comes from the same file's `previous_cumulative` column when it has a
value there, else from the ledger: the sum of the subject's stored 当月 values of the same year
before this month. The ledger must hold the previous month's record with the field filled in
(months before it may be missing: an enterprise that began reporting in June has 累计 since June).
January's 当月 is its 累计. A 累计 below the previous one, or no previous month at all, is an
error naming the enterprise and both numbers: never a silent negative.
"""
from __future__ import annotations

__all__ = ["CumulativeCell", "to_monthly"]

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.utils.translation import gettext as _

from parkledger.dataio.mapping.values import decimal_text


@dataclass
class CumulativeCell:
    """One row's 累计 of one field, in the ledger's unit."""

    subject: str  # the natural key without the month (uscc, park code)
    label: str  # how the message names the subject: 宁波某某有限公司（9133…）
    field: str
    field_label: str
    unit: str
    cumulative: Decimal | None
    previous: Decimal | None  # from the file's 上月累计 column, if any
    row: int
    letter: str
    sheet: str


def _previous_month(month: str) -> str:
    year, mon = int(month[:4]), int(month[5:7])
    return f"{year:04d}-{mon - 1:02d}"


def stored_totals(model, subject_field: str, month: str, fields: list[str], subjects: set[str],
                  ) -> tuple[dict[tuple[str, str], Decimal], set[tuple[str, str]]]:
    """((subject, field) → sum of the year's stored months before `month`, {(subject, field) filled last month})."""
    chunk = 900 if connection.vendor == "sqlite" else 10_000  # SQLite's limit on query parameters
    totals: dict[tuple[str, str], Decimal] = {}
    last: set[tuple[str, str]] = set()
    previous = _previous_month(month)
    attname = model._meta.get_field(subject_field).attname
    ordered = sorted(subjects)
    for start in range(0, len(ordered), chunk):
        rows = model._default_manager.filter(**{
            f"{attname}__in": ordered[start:start + chunk], "month__gte": f"{month[:4]}-01", "month__lt": month,
        }).values_list(attname, "month", *fields)
        for subject, row_month, *values in rows:
            for name, value in zip(fields, values, strict=True):
                if value is None:
                    continue
                totals[(subject, name)] = totals.get((subject, name), Decimal(0)) + value
                if row_month == previous:
                    last.add((subject, name))
    return totals, last


def to_monthly(cells: list[CumulativeCell], month: str, stored: Callable[[set[str], list[str]], tuple]) -> tuple[
        dict[tuple[int, str], Decimal | None], list[tuple[str, int, str, str]]]:
    """(row, field) → 当月 value, and the issues (sheet, row, letter, reason)."""
    values: dict[tuple[int, str], Decimal | None] = {}
    issues: list[tuple[str, int, str, str]] = []
    january = month[5:7] == "01"
    need = {c.subject for c in cells if not january and c.cumulative is not None and c.previous is None}
    fields = sorted({c.field for c in cells})
    totals, last = stored(need, fields) if need else ({}, set())
    previous_month = None if january else _previous_month(month)
    for c in cells:
        if c.cumulative is None:
            values[(c.row, c.field)] = None
            continue
        if january:
            values[(c.row, c.field)] = c.cumulative
            continue
        previous = c.previous
        if previous is None:
            if (c.subject, c.field) not in last:
                issues.append((c.sheet, c.row, c.letter, _(
                    "%(who)s的%(f)s只有累计数（%(cum)s%(u)s），缺少上月（%(prev)s）的数据，无法算出当月：请先导入上月，"
                    "或在同一文件中给出上月累计列") % {
                    "who": c.label, "f": c.field_label, "cum": decimal_text(c.cumulative), "u": c.unit,
                    "prev": previous_month}))
                continue
            previous = totals.get((c.subject, c.field), Decimal(0))
        if c.cumulative < previous:
            issues.append((c.sheet, c.row, c.letter, _(
                "%(who)s的%(f)s本月累计%(cum)s%(u)s小于上月累计%(prev)s%(u)s：累计数不能减少，请核对") % {
                "who": c.label, "f": c.field_label, "cum": decimal_text(c.cumulative), "prev": decimal_text(previous),
                "u": c.unit}))
            continue
        values[(c.row, c.field)] = c.cumulative - previous
    return values, issues
