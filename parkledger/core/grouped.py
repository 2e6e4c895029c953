"""Grouped providers of the `econ.*` aggregates (see `parkledger.indicators.batch`): enterprise-month
sums of W and of the comparable basis in W′ (from the stored per-park sums of `parkledger.core.rollup`),
park-month sums of W and W′, projects registered for fixed-asset investment and the official 规上增加值
rate, each one query grouped by park for all parks.

Each value is the one the memo of `parkledger.core.indicators` computes for a park alone.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.db.models import Count

from parkledger.construction.models import GovProject
from parkledger.core import rollup
from parkledger.core.indicators import PARK_MONTH_FIELDS
from parkledger.core.models import ParkMonth
from parkledger.indicators.batch import group_rows, grouped, roll_up
from parkledger.indicators.context import Context
from parkledger.indicators.helpers import amount, exact_sum
from parkledger.investment.models import InvestmentProject
from parkledger.plans.models import ManualFigure

Seeds = dict[str, dict[str, Any]]

EM_KEYS = ("econ.output", "econ.above_scale_output", "econ.above_scale_value_added")
EM_LAST_ALL_KEYS = ("econ.output.yoy",)
EM_LAST_ABOVE_KEYS = ("econ.above_scale_output.yoy", "econ.above_scale_value_added.yoy")
PM_KEYS = (
    "econ.fiscal_revenue_total", "econ.general_budget_revenue", "econ.fiscal_expenditure_total",
    "econ.general_budget_expenditure", "econ.fai", "econ.industrial_investment",
    "invest.domestic_outside_prefecture", "invest.domestic_outside_county", "invest.zhejiang_merchant_capital",
    "invest.fdi_actual",
)
PM_PREV_KEYS = ("econ.fai.yoy", "econ.industrial_investment.yoy")
MANUAL_VA_YOY = "econ.above_scale_value_added.yoy"


def _codes(contexts: Sequence[Context]) -> list[str]:
    return list(dict.fromkeys(code for ctx in contexts for code in ctx.parks))


def _amounts(row: Mapping[str, Any]) -> dict[str, Decimal | int]:
    return {k: v if k.endswith("_rows") else amount(v) for k, v in row.items()}


EM_FIELDS = {
    "econ.em.cur": ("output", "above_output", "above_value_added"),
    "econ.em.last_all": ("last_output", "last_output_rows"),
    "econ.em.last_above": ("last_above_output", "last_above_value_added", "last_above_rows"),
}


@grouped("econ.em", keys=EM_KEYS + EM_LAST_ALL_KEYS + EM_LAST_ABOVE_KEYS)
def enterprise_month(contexts: Sequence[Context], keys: frozenset[str]) -> Seeds:
    """This year's sums and both comparable bases of last year (W′ rows of the enterprises with a row
    in W, an above-scale one for 规上), per park, from the stored per-park sums (`core.rollup`): one
    query when they are current, whatever the number of parks and of returns. Contexts computing from
    the ledgers (live) are left to their own query of the returns."""
    stored = [ctx for ctx in contexts if not ctx.from_ledgers]
    if not stored:
        return {}
    period = stored[0].period
    groups = rollup.period_sums(_codes(stored), period.year, period.month)
    return {name: {ctx.park: _amounts(roll_up(groups, ctx.parks, fields)) for ctx in stored}
            for name, fields in EM_FIELDS.items()}


def _park_month(contexts: Sequence[Context], *, prev: bool) -> dict[str, dict[str, Decimal]]:
    ref = contexts[0]
    window = ref.in_months_w_prev() if prev else ref.in_months_w()
    qs = ParkMonth.objects.filter(window, park__in=_codes(contexts))
    groups = group_rows(qs, "park", rows=Count("*"), **{f: exact_sum(f) for f in PARK_MONTH_FIELDS})
    out = {}
    for ctx in contexts:
        total = roll_up(groups, ctx.parks, (*PARK_MONTH_FIELDS, "rows"))
        sums: dict[str, Decimal] = {f: amount(total[f]) for f in PARK_MONTH_FIELDS}
        sums["rows"] = Decimal(total["rows"]) if prev else Decimal(-1)
        out[ctx.park] = sums
    return out


@grouped("econ.park_month.cur", keys=PM_KEYS + PM_PREV_KEYS)
def park_month_cur(contexts: Sequence[Context], keys: frozenset[str]) -> Seeds:
    return {"econ.park_month.cur": _park_month(contexts, prev=False)}


@grouped("econ.park_month.prev", keys=PM_PREV_KEYS)
def park_month_prev(contexts: Sequence[Context], keys: frozenset[str]) -> Seeds:
    return {"econ.park_month.prev": _park_month(contexts, prev=True)}


@grouped("econ.fai_projects.counts", keys=("econ.fai_projects",))
def fai_projects(contexts: Sequence[Context], keys: frozenset[str]) -> Seeds:
    """(investment projects, government projects) registered for FAI in W, per park."""
    ref, codes = contexts[0], _codes(contexts)
    inv = group_rows(InvestmentProject.objects.filter(ref.in_w("fai_registered_on"), park__in=codes),
                     "park", n=Count("*"))
    gov = group_rows(GovProject.objects.filter(ref.in_w("fai_registered_on"), park__in=codes), "park", n=Count("*"))
    return {"econ.fai_projects.counts": {
        ctx.park: (roll_up(inv, ctx.parks, ("n",))["n"], roll_up(gov, ctx.parks, ("n",))["n"]) for ctx in contexts
    }}


@grouped("econ.manual.above_scale_value_added.yoy", keys=(MANUAL_VA_YOY,))
def manual_value_added_rate(contexts: Sequence[Context], keys: frozenset[str]) -> Seeds:
    """The park's own 手工填报 official rate of month P (manual figures are never rolled up), or None."""
    rows = ManualFigure.objects.filter(park__in=[ctx.park for ctx in contexts], indicator=MANUAL_VA_YOY,
                                       month=contexts[0].period.key)
    found: dict[str, ManualFigure] = {}
    for row in rows:
        found.setdefault(row.park_id, row)
    return {"econ.manual.above_scale_value_added.yoy": {ctx.park: found.get(ctx.park) for ctx in contexts}}
