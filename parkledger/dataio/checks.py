"""Checks across rows of one kind that a single record's validation cannot see.

`CROSS_ROW_CHECKS[kind]` lists functions called with the kind's `KindImport` after its rows
were validated one by one; they report through `KindImport.row_error`.
"""
from __future__ import annotations

__all__ = ["CROSS_ROW_CHECKS", "check_above_scale_per_year"]

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.db.models import Count
from django.db.models.functions import Substr
from django.utils.translation import gettext as _

from parkledger.dataio.cells import format_bool

if TYPE_CHECKING:
    from parkledger.dataio.kind_import import KindImport


def check_above_scale_per_year(plan: KindImport) -> None:
    """An enterprise is 规上 for a whole year or not at all: one `above_scale` flag per enterprise-year.

    The flag of each row is compared with the enterprise's other months of that year, in the
    import and in the database (months the import overwrites count with their new value).
    The first month seen sets the year's flag: stored months first, then the file's rows in
    order; every row that disagrees is reported with the month it disagrees with.
    """
    pos_uscc = plan.position["uscc"]
    pos_month = plan.position["month"]
    pos_flag = plan.position["above_scale"]
    rows = [row for row in plan.rows if not row.bad and row.values[pos_month] and row.values[pos_uscc]]
    if not rows:
        return
    file_flags: dict[tuple[str, str], set[bool]] = {}
    for row in rows:
        file_flags.setdefault((row.values[pos_uscc], row.values[pos_month][:4]), set()).add(row.values[pos_flag])
    years = sorted({year for _uscc, year in file_flags})
    usccs = sorted({uscc for uscc, _year in file_flags})
    manager = plan.model._default_manager
    window = {"month__gte": f"{years[0]}-01", "month__lte": f"{years[-1]}-12"}
    # One row per enterprise, year and flag: only enterprise-years where two flags meet need a closer look.
    stored_flags: dict[tuple[str, str], set[bool]] = {}
    for chunk in plan.ctx.chunks(usccs):
        grouped = (manager.filter(uscc__in=chunk, **window).annotate(year=Substr("month", 1, 4))
                   .values_list("uscc", "year", "above_scale").annotate(n=Count("id")).order_by())
        for uscc, year, flag, _n in grouped:
            stored_flags.setdefault((uscc, year), set()).add(flag)
    mixed = {pair for pair, flags in file_flags.items() if len(flags | stored_flags.get(pair, set())) > 1}
    if not mixed:
        return
    in_file = {(row.values[pos_uscc], row.values[pos_month]) for row in rows}
    # year flag: (uscc, year) → (flag, month that set it)
    first: dict[tuple[str, str], tuple[bool, str]] = {}
    for chunk in plan.ctx.chunks(sorted({uscc for uscc, _year in mixed})):
        stored = manager.filter(uscc__in=chunk, **window).order_by("month").values_list("uscc", "month", "above_scale")
        for uscc, month, flag in stored:
            if (uscc, month[:4]) in mixed and (uscc, month) not in in_file:
                first.setdefault((uscc, month[:4]), (flag, month))
    for row in sorted(rows, key=lambda r: r.number):
        uscc, month, flag = row.values[pos_uscc], row.values[pos_month], row.values[pos_flag]
        if (uscc, month[:4]) not in mixed:
            continue
        seen = first.setdefault((uscc, month[:4]), (flag, month))
        if seen[0] != flag:
            plan.row_error(row, "above_scale", _(
                "同一企业同一年度的规上标志必须一致：%(month)s为%(other)s，本行为%(this)s"
            ) % {"month": seen[1], "other": format_bool(seen[0]), "this": format_bool(flag)})


CROSS_ROW_CHECKS: dict[str, list[Callable[[KindImport], None]]] = {
    "enterprise_month": [check_above_scale_per_year],
}
