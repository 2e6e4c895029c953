"""Checks across rows of one kind that a single record's validation cannot see.

`CROSS_ROW_CHECKS[kind]` lists functions called with the kind's `KindImport` after its rows
were validated one by one; they report through `KindImport.row_error`.
"""
from __future__ import annotations

__all__ = ["CROSS_ROW_CHECKS", "check_above_scale_per_year"]

from collections.abc import Callable
from typing import TYPE_CHECKING

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
    in_file = {(row.values[pos_uscc], row.values[pos_month]) for row in rows}
    years = sorted({row.values[pos_month][:4] for row in rows})
    usccs = sorted({row.values[pos_uscc] for row in rows})
    # year flag: (uscc, year) → (flag, month that set it)
    first: dict[tuple[str, str], tuple[bool, str]] = {}
    manager = plan.model._default_manager
    for chunk in plan.ctx.chunks(usccs):
        stored = manager.filter(
            uscc__in=chunk, month__gte=f"{years[0]}-01", month__lte=f"{years[-1]}-12"
        ).order_by("month").values_list("uscc", "month", "above_scale")
        for uscc, month, flag in stored:
            if (uscc, month) not in in_file:
                first.setdefault((uscc, month[:4]), (flag, month))
    for row in sorted(rows, key=lambda r: r.number):
        uscc, month, flag = row.values[pos_uscc], row.values[pos_month], row.values[pos_flag]
        seen = first.setdefault((uscc, month[:4]), (flag, month))
        if seen[0] != flag:
            plan.row_error(row, "above_scale", _(
                "同一企业同一年度的规上标志必须一致：%(month)s为%(other)s，本行为%(this)s"
            ) % {"month": seen[1], "other": format_bool(seen[0]), "this": format_bool(flag)})


CROSS_ROW_CHECKS: dict[str, list[Callable[[KindImport], None]]] = {
    "enterprise_month": [check_above_scale_per_year],
}
