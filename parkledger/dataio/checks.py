"""Checks across rows of one kind that a single record's validation cannot see.

`CROSS_ROW_CHECKS[kind]` lists check classes; the importer makes one of each per kind of an
import, calls `collect(plan)` with every batch of the kind's rows once they were validated one
by one (the batch is then dropped: a check keeps what it needs of it, compactly) and
`finish(plan)` once all rows are read and written (inside the import's transaction, which any
issue rolls back). A check reports through `KindImport.row_error` (a row of the batch) or
`KindImport.number_error` (a row already dropped).
"""
from __future__ import annotations

__all__ = ["CROSS_ROW_CHECKS", "CrossRowCheck", "AboveScalePerYear", "check_above_scale_per_year"]

from typing import TYPE_CHECKING, Any

from django.db.models import Count
from django.db.models.functions import Substr
from django.utils.translation import gettext as _

from parkledger.dataio.cells import format_bool

if TYPE_CHECKING:
    from parkledger.dataio.kind_import import KindImport


class CrossRowCheck:
    """A check over all rows of a kind, fed batch by batch."""

    def collect(self, plan: KindImport) -> None:  # pragma: no cover - interface
        raise NotImplementedError

    def finish(self, plan: KindImport) -> None:  # pragma: no cover - interface
        raise NotImplementedError


_FLAG_CODES = {False: 0, True: 1, None: 2}
_FLAGS = (False, True, None)


class AboveScalePerYear(CrossRowCheck):
    """An enterprise is 规上 for a whole year or not at all: one `above_scale` flag per enterprise-year.

    The flag of each row is compared with the enterprise's other months of that year, in the
    import and in the database (months the import overwrites count with their new value).
    The first month seen sets the year's flag: stored months first, then the file's rows in
    order; every row that disagrees is reported with the month it disagrees with.

    Kept per good row until `finish`: its row number and flag in one int, and its month (one
    shared string per month), under its enterprise-year.
    """

    def __init__(self) -> None:
        self.pairs: dict[tuple[str, str], tuple[list[int], list[str]]] = {}

    def collect(self, plan: KindImport) -> None:
        pos_uscc = plan.position["uscc"]
        pos_month = plan.position["month"]
        pos_flag = plan.position["above_scale"]
        pairs = self.pairs
        intern = plan.intern
        for row in plan.rows:
            if row.bad:
                continue
            values = row.values
            uscc, month = values[pos_uscc], values[pos_month]
            if not month or not uscc:
                continue
            month = intern(month)
            pair = (intern(uscc), intern(month[:4]))
            entry = pairs.get(pair)
            if entry is None:
                entry = pairs[pair] = ([], [])
            entry[0].append(row.number * 4 + _FLAG_CODES.get(values[pos_flag], 2))
            entry[1].append(month)

    def finish(self, plan: KindImport) -> None:
        pairs, self.pairs = self.pairs, {}
        if not pairs:
            return
        file_flags = {pair: {_FLAGS[code & 3] for code in codes} for pair, (codes, _months) in pairs.items()}
        years = sorted({year for _uscc, year in pairs})
        usccs = sorted({uscc for uscc, _year in pairs})
        manager = plan.model._default_manager
        window = {"month__gte": f"{years[0]}-01", "month__lte": f"{years[-1]}-12"}
        # One row per enterprise, year and flag: only enterprise-years where two flags meet need a closer
        # look (the import's own rows are stored by now: their flags are the file's, already counted).
        stored_flags: dict[tuple[str, str], set[Any]] = {}
        for chunk in plan.ctx.chunks(usccs):
            grouped = (manager.filter(uscc__in=chunk, **window).annotate(year=Substr("month", 1, 4))
                       .values_list("uscc", "year", "above_scale").annotate(n=Count("id")).order_by())
            for uscc, year, flag, _n in grouped:
                stored_flags.setdefault((uscc, year), set()).add(flag)
        mixed = {pair for pair, flags in file_flags.items() if len(flags | stored_flags.get(pair, set())) > 1}
        if not mixed:
            return
        in_file = {(pair[0], month) for pair in mixed for month in pairs[pair][1]}
        # year flag: (uscc, year) → (flag, month that set it): a stored month the file does not overwrite
        first: dict[tuple[str, str], tuple[Any, str]] = {}
        for chunk in plan.ctx.chunks(sorted({uscc for uscc, _year in mixed})):
            stored = manager.filter(uscc__in=chunk, **window).order_by("month").values_list("uscc", "month", "above_scale")
            for uscc, month, flag in stored:
                if (uscc, month[:4]) in mixed and (uscc, month) not in in_file:
                    first.setdefault((uscc, month[:4]), (flag, month))
        for pair in mixed:
            codes, months = pairs[pair]
            for code, month in sorted(zip(codes, months, strict=True)):
                flag = _FLAGS[code & 3]
                seen = first.setdefault(pair, (flag, month))
                if seen[0] != flag:
                    plan.number_error(code >> 2, "above_scale", _(
                        "同一企业同一年度的规上标志必须一致：%(month)s为%(other)s，本行为%(this)s"
                    ) % {"month": seen[1], "other": format_bool(seen[0]), "this": format_bool(flag)})


check_above_scale_per_year = AboveScalePerYear  # the name it was registered under

CROSS_ROW_CHECKS: dict[str, list[type[CrossRowCheck]]] = {
    "enterprise_month": [AboveScalePerYear],
}
