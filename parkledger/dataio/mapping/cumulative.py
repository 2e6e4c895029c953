"""累计 → 当月: this month's year-to-date minus the previous month's.

The previous month's 累计 comes from the same file's `previous_cumulative` column when it has a
value there, else from the ledger: the sum of the subject's stored 当月 values of the same year
before this month. The ledger must hold the previous month's record with the field filled in
(months before it may be missing: an enterprise that began reporting in June has 累计 since June).
January's 当月 is its 累计. A 累计 below the previous one, or no previous month at all, is an
error naming the enterprise and both numbers: never a silent negative.
"""
from __future__ import annotations

__all__ = ["CumulativeCell", "to_monthly", "stored_totals"]

import json
from collections.abc import Callable
from decimal import Decimal
from typing import NamedTuple

from django.db import connection
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext as _

from parkledger.dataio.mapping.values import decimal_text


class CumulativeCell(NamedTuple):
    """One row's 累计 of one field, in the ledger's unit (a tuple: one per row and field of a file)."""

    subject: str  # the natural key without the month (uscc, park code)
    name: str  # the row's enterprise name, if any
    field: str
    field_label: str
    unit: str
    cumulative: Decimal | None
    previous: Decimal | None  # from the file's 上月累计 column, if any
    row: int
    letter: str
    sheet: str

    @property
    def label(self) -> str:
        """How the message names the subject: 宁波某某有限公司（9133…）."""
        return f"{self.name}（{self.subject}）" if self.name and self.subject else (self.name or self.subject)


def _previous_month(month: str) -> str:
    year, mon = int(month[:4]), int(month[5:7])
    return f"{year:04d}-{mon - 1:02d}"


def _one_of(values: list[str]) -> RawSQL:
    """`IN` these values as one query parameter (a JSON array on SQLite, an array on PostgreSQL)."""
    if connection.vendor == "postgresql":
        return RawSQL("SELECT unnest(%s::text[])", (values,))
    return RawSQL("SELECT value FROM json_each(%s)", (json.dumps(values),))


def stored_totals(model, subject_field: str, month: str, fields: list[str], subjects: set[str],
                  ) -> tuple[dict[tuple[str, str], Decimal], set[tuple[str, str]]]:
    """((subject, field) → sum of the year's stored months before `month`, {(subject, field) filled last month}).

    One query for all subjects, whatever their number.
    """
    totals: dict[tuple[str, str], Decimal] = {}
    last: set[tuple[str, str]] = set()
    if not subjects or not fields:
        return totals, last
    previous = _previous_month(month)
    attname = model._meta.get_field(subject_field).attname
    rows = model._default_manager.filter(**{
        f"{attname}__in": _one_of(sorted(subjects)), "month__gte": f"{month[:4]}-01", "month__lt": month,
    }).values_list(attname, "month", *fields)
    get, filled = totals.get, last.add
    positions = list(enumerate(fields, start=2))
    for row in rows:
        subject, is_last = row[0], row[1] == previous
        for position, name in positions:
            value = row[position]
            if value is None:
                continue
            key = (subject, name)
            totals[key] = get(key, 0) + value
            if is_last:
                filled(key)
    return totals, last


def to_monthly(cells: list[CumulativeCell], month: str, stored: Callable[[set[str], list[str]], tuple]) -> tuple[
        dict[tuple[int, str], Decimal | None], list[tuple[str, int, str, str]]]:
    """(row, field) → 当月 value, and the issues (sheet, row, letter, reason)."""
    values: dict[tuple[int, str], Decimal | None] = {}
    issues: list[tuple[str, int, str, str]] = []
    january = month[5:7] == "01"
    if january:
        return {(c.row, c.field): c.cumulative for c in cells}, issues
    asked = [c for c in cells if c.cumulative is not None and c.previous is None]
    need = {c.subject for c in asked}
    fields = sorted({c.field for c in asked})  # only the fields some row takes from the ledger
    totals, last = stored(need, fields) if need else ({}, set())
    previous_month = _previous_month(month)
    zero = Decimal(0)
    for c in cells:
        cumulative = c.cumulative
        if cumulative is None:
            values[(c.row, c.field)] = None
            continue
        previous = c.previous
        if previous is None:
            key = (c.subject, c.field)
            if key not in last:
                issues.append((c.sheet, c.row, c.letter, _(
                    "%(who)s的%(f)s只有累计数（%(cum)s%(u)s），缺少上月（%(prev)s）的数据，无法算出当月：请先导入上月，"
                    "或在同一文件中给出上月累计列") % {
                    "who": c.label, "f": c.field_label, "cum": decimal_text(cumulative), "u": c.unit,
                    "prev": previous_month}))
                continue
            previous = totals.get(key, zero)
        if cumulative < previous:
            issues.append((c.sheet, c.row, c.letter, _(
                "%(who)s的%(f)s本月累计%(cum)s%(u)s小于上月累计%(prev)s%(u)s：累计数不能减少，请核对") % {
                "who": c.label, "f": c.field_label, "cum": decimal_text(cumulative), "prev": decimal_text(previous),
                "u": c.unit}))
            continue
        values[(c.row, c.field)] = cumulative - previous
    return values, issues
