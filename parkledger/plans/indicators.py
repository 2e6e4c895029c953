"""Targets, progress against them and full-year estimates (`plan.*`, `.estimate`).

`target`, `estimate` and `manual_figure` rows belong to exactly the park asked for: a parent park's
target is never the sum of its sub-parks' targets (fine print 1).
"""
from __future__ import annotations

from decimal import Decimal

from django.db.models import QuerySet

from parkledger.indicators.context import Context
from parkledger.indicators.helpers import undefined
from parkledger.indicators.registry import indicator, resolve
from parkledger.indicators.types import Result
from parkledger.lib.numbers import round_half_up, unit_format

CHAPTER = "plans"


def _targets(ctx: Context) -> dict[tuple[int, str], tuple[int, Decimal]]:
    """This park's targets of years Y and Y+1: (year, indicator) → (pk, value), one query."""
    year = ctx.period.year
    return ctx.memo("plan.targets", lambda: {
        (y, key): (pk, value)
        for pk, y, key, value in ctx.records("target").filter(year__in=(year, year + 1))
        .values_list("pk", "year", "indicator", "value")
    })


def _target_keys(year_offset: int):
    def params(ctx: Context) -> list[str]:
        year = ctx.period.year + year_offset
        return [key for (y, key) in _targets(ctx) if y == year]

    return params


def _unit_of(key: str) -> str:
    try:
        return resolve(key)[0].unit
    except KeyError:
        return ""


def _target_result(ctx: Context, key: str, year: int) -> Result:
    unit = _unit_of(key)
    found = _targets(ctx).get((year, key))
    if found is None:
        return Result(reason=f"{year}年无“{key}”的目标", unit=unit)
    pk, value = found
    return Result(value=value, records=[("target", pk)], unit=unit)


@indicator("plan.target[KEY]", name="目标", unit="", chapter=CHAPTER, sources=("target",),
           definition="本园区Y+1年度该指标的目标（工作计划引用），单位同该指标",
           params=_target_keys(1))
def plan_target(ctx: Context, key: str) -> Result:
    return _target_result(ctx, key, ctx.period.year + 1)


@indicator("plan.target_current[KEY]", name="本年目标", unit="", chapter=CHAPTER, sources=("target",),
           definition="本园区Y年度该指标的目标，单位同该指标", params=_target_keys(0))
def plan_target_current(ctx: Context, key: str) -> Result:
    return _target_result(ctx, key, ctx.period.year)


def is_growth_key(key: str) -> bool:
    try:
        base = resolve(key)[0].key
    except KeyError:
        return key.endswith(".yoy")
    return base.endswith(".yoy")


@indicator("plan.progress[KEY]", name="完成全年目标", unit="%", chapter=CHAPTER, sources=("target",),
           definition="该指标本年累计值 ÷ 本园区Y年度目标 × 100（增速类指标无意义）",
           params=_target_keys(0))
def plan_progress(ctx: Context, key: str) -> Result:
    """The key's YTD value (exact, in its display unit, like the target) ÷ the year-Y target × 100.

    Undefined for growth keys (a share of a growth rate means nothing), name keys, an unknown key,
    a missing or zero target, and an undefined YTD value.
    """
    if is_growth_key(key):
        return undefined("增速类指标不计算目标完成率")
    try:
        resolve(key)
    except KeyError:
        return undefined(f"未知指标“{key}”")
    target = _target_result(ctx, key, ctx.period.year)
    if target.value is None:
        return undefined(target.reason)
    fig = ctx.figure(key)
    if fig.value is None:
        return undefined(f"“{fig.name}”无法计算：{fig.reason}")
    if isinstance(fig.value, str):
        return undefined("名称类指标不计算目标完成率")
    if target.value == 0:
        return undefined("目标为0，完成率无意义", target.records)
    records = list(target.records)
    sub = ctx.result(key).records
    if sub is not None:
        records.extend([sub] if isinstance(sub, QuerySet) else list(sub))
    return Result(value=fig.value / target.value * 100, records=records)


# -- estimates -------------------------------------------------------------------------------------

def estimate_result(ctx: Context, key: str) -> Result:
    """`KEY.estimate`: the latest `estimate` row of this park for `key` with a month of Y not after P;
    otherwise the run-rate projection `ytd × 12 / M`.

    The projection is itself an estimate, so its value is given in the figure's own display rounding
    (half-up; a count is a whole number), not as an endless decimal.
    """
    first, last = ctx.months_w()
    row = (ctx.records("estimate").filter(indicator=key, month__gte=first, month__lte=last)
           .order_by("-month").first())
    if row is not None:
        return Result(value=row.value, records=[("estimate", row.pk)], extra={"source": "estimate"})
    fig = ctx.figure(key)
    if fig.value is None or isinstance(fig.value, str):
        return undefined(f"无预计数，且“{fig.name}”无法按进度推算：{fig.reason or '非数值指标'}")
    places, _drop = unit_format(fig.unit)
    value = round_half_up(fig.value * 12 / ctx.period.month, places)
    return Result(value=value, records=ctx.result(key).records, extra={"source": "run_rate"})


@indicator("econ.fai_projects.estimate", name="预计全年入库项目", unit="个", chapter=CHAPTER,
           sources=("estimate", "investment_project", "gov_project"),
           definition="Y年内月份不晚于P的最新预计数；无则按 累计×12÷M 推算")
def econ_fai_projects_estimate(ctx: Context) -> Result:
    return estimate_result(ctx, "econ.fai_projects")


__all__ = ["estimate_result", "is_growth_key"]
