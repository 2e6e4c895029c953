"""累计 → 当月: this month's year-to-date minus the previous month's.

The previous month's 累计 comes from the same file's `previous_cumulative` column when it has a
value there, else from the ledger: the sum of the subject's stored 当月 values of the same year
before this month. The ledger must hold the previous month's record with the field filled in
(months before it may be missing: an enterprise that began reporting in June has 累计 since June).
January's 当月 is its 累计. A 累计 below the previous one, or no previous month at all, is an
error naming the enterprise and both numbers: never a silent negative.
"""
from __future__ import annotations

__all__ = ["CumulativeRows", "CumulativeColumn", "to_monthly", "stored_totals"]

import json
from collections.abc import Callable
from decimal import Decimal
from itertools import repeat
from typing import NamedTuple

from django.db import connection
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext as _

from parkledger.dataio.mapping.values import decimal_text


class CumulativeRows(NamedTuple):
    """The rows whose 累计 are worked out: the subject of each (the natural key without the month: uscc, park
    code), its name for messages (an enterprise name, or '') and its Excel row number."""

    sheet: str
    subjects: list[str]
    names: list[str]
    numbers: list[int]

    def label(self, i: int) -> str:
        """How a message names row i's subject: 宁波某某有限公司（9133…）, or the code alone."""
        name, subject = self.names[i], self.subjects[i]
        return f"{name}（{subject}）" if name and subject else (name or subject)


class CumulativeColumn(NamedTuple):
    """One field's 累计 over those rows, in the ledger's unit, with the file's 上月累计 if it has that column."""

    field: str
    field_label: str
    unit: str
    letter: str
    cumulative: list[Decimal | None]
    previous: list[Decimal | None] | None


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


def to_monthly(rows: CumulativeRows, columns: list[CumulativeColumn], month: str,
               stored: Callable[[set[str], list[str]], tuple]) -> tuple[
        list[list[Decimal | None]], list[tuple[str, int, str, str]]]:
    """Each column's 当月 values row by row (None for an empty 累计, or where there is an issue), and the issues
    (sheet, row, letter, reason) row by row, a row's in the order of the columns."""
    if month[5:7] == "01":  # January: the 累计 is the month's
        return [list(col.cumulative) for col in columns], []
    subjects = rows.subjects
    need: set[str] = set()
    fields: set[str] = set()
    for col in columns:
        previous = col.previous
        asked = {subjects[i] for i, cum in enumerate(col.cumulative)
                 if cum is not None and (previous is None or previous[i] is None)}
        if asked:  # only the fields some row takes from the ledger
            need |= asked
            fields.add(col.field)
    totals, last = stored(need, sorted(fields)) if need else ({}, set())
    previous_month = _previous_month(month)
    zero = Decimal(0)
    found: list[tuple[int, int, tuple[str, int, str, str]]] = []  # (row, column, issue)
    results: list[list[Decimal | None]] = []
    for k, col in enumerate(columns):
        field = col.field
        values: list[Decimal | None] = []
        append = values.append
        for i, (subject, cumulative, previous) in enumerate(zip(
                subjects, col.cumulative, col.previous or repeat(None), strict=False)):
            if cumulative is None:
                append(None)
                continue
            if previous is None:
                key = (subject, field)
                if key not in last:
                    append(None)
                    found.append((i, k, (rows.sheet, rows.numbers[i], col.letter, _(
                        "%(who)s的%(f)s只有累计数（%(cum)s%(u)s），缺少上月（%(prev)s）的数据，无法算出当月：请先导入上月，"
                        "或在同一文件中给出上月累计列") % {
                        "who": rows.label(i), "f": col.field_label, "cum": decimal_text(cumulative), "u": col.unit,
                        "prev": previous_month})))
                    continue
                previous = totals.get(key, zero)
            if cumulative < previous:
                append(None)
                found.append((i, k, (rows.sheet, rows.numbers[i], col.letter, _(
                    "%(who)s的%(f)s本月累计%(cum)s%(u)s小于上月累计%(prev)s%(u)s：累计数不能减少，请核对") % {
                    "who": rows.label(i), "f": col.field_label, "cum": decimal_text(cumulative),
                    "prev": decimal_text(previous), "u": col.unit})))
                continue
            append(cumulative - previous)
        results.append(values)
    found.sort(key=lambda item: (item[0], item[1]))
    return results, [issue for _i, _k, issue in found]
