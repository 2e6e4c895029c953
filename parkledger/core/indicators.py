"""Headline and (二) 经济运行 figures from `enterprise_month` and `park_month` (`econ.*`).

Enterprise-month growth is on the comparable basis (可比口径): the contributors are the enterprises
(of the park, by their current park) with a row in W — for 规上 figures an above-scale row in W —
and last year's value is the sum of ALL their rows in W′, whatever their `above_scale` flag was then.
"""
from __future__ import annotations

from decimal import Decimal

from django.db import connections
from django.db.models import Count, Q

from parkledger.core.models import EnterpriseMonth
from parkledger.indicators.context import Context
from parkledger.indicators.helpers import amount, exact_sum, growth, sums_of, wan_to_yi
from parkledger.indicators.registry import indicator
from parkledger.indicators.types import Result

CHAPTER = "economy"
PARK_MONTH_FIELDS = (
    "fiscal_revenue_total", "general_budget_revenue", "fiscal_expenditure_total",
    "general_budget_expenditure", "fixed_asset_investment", "industrial_investment", "fdi_actual",
    "domestic_capital_outside_prefecture", "domestic_capital_outside_county", "zhejiang_merchant_capital",
)


def _sum(field: str, condition: Q | None = None):
    return exact_sum(field, condition)


# -- enterprise_month ------------------------------------------------------------------------------

def _em_cur_qs(ctx: Context):
    return ctx.records("enterprise_month").filter(ctx.in_months_w())


def _em_last_qs(ctx: Context, above: bool):
    """W′ rows of the contributors (all their rows, whatever their flag then). The contributors are
    the park's enterprises already, so no second park condition is needed."""
    cur = _em_cur_qs(ctx)
    if above:
        cur = cur.filter(above_scale=True)
    return EnterpriseMonth.objects.filter(ctx.in_months_w_prev(), uscc__in=cur.values("uscc").distinct())


def enterprise_month_totals(ctx: Context, *, last: str = "") -> dict[str, Decimal | int]:
    """Sums (万元) for the enterprise-month keys: cur (`output`, `above_output`, `above_value_added`);
    with `last="all"` also `last_output`, `last_output_rows`; with `last="above"` also
    `last_above_output`, `last_above_value_added`, `last_above_rows`.

    The contributors are the enterprises with a row in W (for 规上 figures: an above-scale row in W);
    last sums all their W′ rows whatever their flag was then. The three parts are read from the
    park's stored sums (`parkledger.core.rollup`, one query while they are current; the same values
    as `em_parts_from_returns`), unless given already (seeded by a grouped provider for many parks).
    """

    def part(name: str):
        return lambda: ctx.memo("econ.em.parts", lambda: _em_parts_stored(ctx))[name]

    totals = dict(ctx.memo("econ.em.cur", part("econ.em.cur")))
    if last == "all":
        totals.update(ctx.memo("econ.em.last_all", part("econ.em.last_all")))
    elif last == "above":
        totals.update(ctx.memo("econ.em.last_above", part("econ.em.last_above")))
    return totals


def _em_parts_stored(ctx: Context) -> dict[str, dict[str, Decimal | int]]:
    """The three parts of `enterprise_month_totals` from the stored sums of the park's codes (from
    the returns themselves for a context computing from the ledgers)."""
    from parkledger.core import rollup

    if ctx.from_ledgers:
        return em_parts_from_returns(ctx)

    from parkledger.indicators.batch import roll_up

    groups = rollup.period_sums(ctx.parks, ctx.period.year, ctx.period.month)
    total = _amounts(roll_up(groups, ctx.parks, rollup.SUM_FIELDS))
    return {
        "econ.em.cur": {f: total[f] for f in ("output", "above_output", "above_value_added")},
        "econ.em.last_all": {f: total[f] for f in ("last_output", "last_output_rows")},
        "econ.em.last_above": {f: total[f] for f in ("last_above_output", "last_above_value_added",
                                                     "last_above_rows")},
    }


def em_parts_from_returns(ctx: Context) -> dict[str, dict[str, Decimal | int]]:
    """The three parts of `enterprise_month_totals` computed from the returns themselves, in one query
    (the reference the stored sums are checked against): the park's W rows summed per enterprise
    (`cur`: whoever has one is a contributor, an above-scale one for 规上), its W′ rows per enterprise
    (`last`), and the W′ sums over the contributors (`last` joined to `cur`). Each W and W′ row is
    read once (three aggregates would read W three times and W′ twice)."""
    above = Q(above_scale=True)
    cur = _em_cur_qs(ctx).values("uscc").annotate(
        w_output=_sum("output_value"), w_above_output=_sum("output_value", above),
        w_above_value_added=_sum("value_added", above), w_above_rows=Count("month", filter=above),
    ).order_by()
    last = ctx.records("enterprise_month").filter(ctx.in_months_w_prev()).values("uscc").annotate(
        w1_output=_sum("output_value"), w1_value_added=_sum("value_added"), w1_rows=Count("month"),
    ).order_by()
    cur_sql, cur_params = cur.query.sql_with_params()
    last_sql, last_params = last.query.sql_with_params()
    above_only = "CASE WHEN cur.above_rows > 0 THEN last.{} END"
    sql = (
        f"WITH cur (uscc, output, above_output, above_value_added, above_rows) AS ({cur_sql}), "
        f"last (uscc, output, value_added, n) AS ({last_sql}) "
        "SELECT (SELECT COALESCE(SUM(output), 0) FROM cur), (SELECT COALESCE(SUM(above_output), 0) FROM cur), "
        "(SELECT COALESCE(SUM(above_value_added), 0) FROM cur), "
        "COALESCE(SUM(last.output), 0), COALESCE(SUM(last.n), 0), "
        f"COALESCE(SUM({above_only.format('output')}), 0), COALESCE(SUM({above_only.format('value_added')}), 0), "
        f"COALESCE(SUM({above_only.format('n')}), 0) "
        "FROM last INNER JOIN cur ON cur.uscc = last.uscc"
    )
    with connections[cur.db].cursor() as cursor:
        cursor.execute(sql, (*cur_params, *last_params))
        row = cursor.fetchone()
    (output, above_output, above_value_added, last_output, last_rows, last_above_output,
     last_above_value_added, last_above_rows) = row
    return {
        "econ.em.cur": {"output": amount(output), "above_output": amount(above_output),
                        "above_value_added": amount(above_value_added)},
        "econ.em.last_all": {"last_output": amount(last_output), "last_output_rows": int(last_rows)},
        "econ.em.last_above": {"last_above_output": amount(last_above_output),
                               "last_above_value_added": amount(last_above_value_added),
                               "last_above_rows": int(last_above_rows)},
    }


def _amounts(row: dict) -> dict[str, Decimal | int]:
    return {k: v if k.endswith("_rows") else amount(v) for k, v in row.items()}


@indicator("econ.output", name="工业总产值", unit="亿元", chapter=CHAPTER, sources=("enterprise_month",),
           definition="Σ `enterprise_month.output_value`，月份在W内（万元÷10000）")
def econ_output(ctx: Context) -> Result:
    t = enterprise_month_totals(ctx)
    return Result(value=wan_to_yi(t["output"]), records=lambda: _em_cur_qs(ctx))


@indicator("econ.output.yoy", name="工业总产值同比", unit="%", chapter=CHAPTER, sources=("enterprise_month",),
           definition="可比口径增速：W内有月报的企业，上年同期取其W′内全部月报")
def econ_output_yoy(ctx: Context) -> Result:
    """Contributors: enterprises with any row in W (a reported month counts even when its amount is
    empty, which the data-quality check lists)."""
    t = enterprise_month_totals(ctx, last="all")
    return growth(t["output"], t["last_output"], has_last=t["last_output_rows"] > 0,
                  records=lambda: [_em_cur_qs(ctx), _em_last_qs(ctx, False)])


@indicator("econ.above_scale_output", name="规上工业总产值", unit="亿元", chapter=CHAPTER,
           sources=("enterprise_month",), definition="Σ `output_value`，W内 `above_scale` 为是的月报")
def econ_above_scale_output(ctx: Context) -> Result:
    t = enterprise_month_totals(ctx)
    return Result(value=wan_to_yi(t["above_output"]), records=lambda: _em_cur_qs(ctx).filter(above_scale=True))


@indicator("econ.above_scale_output.yoy", name="规上工业总产值同比", unit="%", chapter=CHAPTER,
           sources=("enterprise_month",),
           definition="可比口径增速：W内有规上月报的企业，上年同期取其W′内全部月报（不论当时是否规上）")
def econ_above_scale_output_yoy(ctx: Context) -> Result:
    t = enterprise_month_totals(ctx, last="above")
    return growth(t["above_output"], t["last_above_output"], has_last=t["last_above_rows"] > 0,
                  records=lambda: [_em_cur_qs(ctx).filter(above_scale=True), _em_last_qs(ctx, True)])


@indicator("econ.above_scale_value_added", name="规上工业增加值", unit="亿元", chapter=CHAPTER,
           sources=("enterprise_month",), definition="Σ `value_added`，W内规上月报")
def econ_above_scale_value_added(ctx: Context) -> Result:
    t = enterprise_month_totals(ctx)
    return Result(value=wan_to_yi(t["above_value_added"]), records=lambda: _em_cur_qs(ctx).filter(above_scale=True))


@indicator("econ.above_scale_value_added.yoy", name="规上工业增加值增速", unit="%", chapter=CHAPTER,
           sources=("enterprise_month", "manual_figure"),
           definition="有当月手工填报的官方增速（manual_figure，月份P）时取之；否则按现价可比口径计算")
def econ_above_scale_value_added_yoy(ctx: Context) -> Result:
    """The official rate when a manual figure for month P exists (it is in %, as published);
    otherwise the comparable-basis growth at current prices."""
    row = ctx.memo("econ.manual.above_scale_value_added.yoy",
                   lambda: ctx.manual_record("econ.above_scale_value_added.yoy"))
    if row is not None:
        return Result(value=row.value, records=[("manual_figure", row.pk)], extra={"source": "manual"})
    t = enterprise_month_totals(ctx, last="above")
    return growth(t["above_value_added"], t["last_above_value_added"], has_last=t["last_above_rows"] > 0,
                  records=lambda: [_em_cur_qs(ctx).filter(above_scale=True), _em_last_qs(ctx, True)])


# -- park_month ------------------------------------------------------------------------------------

def park_month_totals(ctx: Context, prev: bool = False) -> dict[str, Decimal]:
    """Σ of every park_month amount over W (or W′) for the park and its descendants, one query;
    `rows` counts the rows."""

    def compute() -> dict[str, Decimal]:
        qs = _pm_qs(ctx, prev)
        sums = sums_of(qs, *PARK_MONTH_FIELDS)
        sums["rows"] = Decimal(qs.count()) if prev else Decimal(-1)
        return sums

    return ctx.memo(f"econ.park_month.{'prev' if prev else 'cur'}", compute)


def _pm_qs(ctx: Context, prev: bool = False):
    window = ctx.in_months_w_prev() if prev else ctx.in_months_w()
    return ctx.records("park_month").filter(window)


def park_month_sum(ctx: Context, field: str, *, to_yi: bool = True) -> Result:
    """Σ `park_month.<field>` over W, converted to 亿元 unless the field is already in its display unit."""
    value = park_month_totals(ctx)[field]
    return Result(value=wan_to_yi(value) if to_yi else value, records=lambda: _pm_qs(ctx))


def park_month_growth(ctx: Context, field: str) -> Result:
    """Growth of a park_month sum, W against W′ (undefined without any W′ row or when W′ sums to 0)."""
    cur = park_month_totals(ctx)[field]
    prev = park_month_totals(ctx, prev=True)
    return growth(cur, prev[field], has_last=prev["rows"] > 0, records=lambda: [_pm_qs(ctx), _pm_qs(ctx, True)])


def _park_month_key(key: str, name: str, field: str) -> None:
    @indicator(key, name=name, unit="亿元", chapter=CHAPTER, sources=("park_month",),
               definition=f"Σ `park_month.{field}`，月份在W内（本园区及下级园区，万元÷10000）")
    def _figure(ctx: Context) -> Result:
        return park_month_sum(ctx, field)


_park_month_key("econ.fiscal_revenue_total", "财政总收入", "fiscal_revenue_total")
_park_month_key("econ.general_budget_revenue", "一般公共预算收入", "general_budget_revenue")
_park_month_key("econ.fiscal_expenditure_total", "财政总支出", "fiscal_expenditure_total")
_park_month_key("econ.general_budget_expenditure", "一般公共预算支出", "general_budget_expenditure")


@indicator("econ.fai", name="固定资产投资", unit="亿元", chapter=CHAPTER, sources=("park_month",),
           definition="Σ `park_month.fixed_asset_investment`，月份在W内")
def econ_fai(ctx: Context) -> Result:
    return park_month_sum(ctx, "fixed_asset_investment")


@indicator("econ.fai.yoy", name="固定资产投资同比", unit="%", chapter=CHAPTER, sources=("park_month",),
           definition="固定资产投资W对W′的增速")
def econ_fai_yoy(ctx: Context) -> Result:
    return park_month_growth(ctx, "fixed_asset_investment")


@indicator("econ.industrial_investment", name="工业投资", unit="亿元", chapter=CHAPTER, sources=("park_month",),
           definition="Σ `park_month.industrial_investment`，月份在W内")
def econ_industrial_investment(ctx: Context) -> Result:
    return park_month_sum(ctx, "industrial_investment")


@indicator("econ.industrial_investment.yoy", name="工业投资同比", unit="%", chapter=CHAPTER,
           sources=("park_month",), definition="工业投资W对W′的增速")
def econ_industrial_investment_yoy(ctx: Context) -> Result:
    return park_month_growth(ctx, "industrial_investment")


# -- projects registered for fixed-asset investment -------------------------------------------------

@indicator("econ.fai_projects", name="入库项目", unit="个", chapter=CHAPTER,
           sources=("investment_project", "gov_project"),
           definition="`fai_registered_on` 在W内的招商项目数 + 政府投资项目数（两账不去重；含其后终止的项目）")
def econ_fai_projects(ctx: Context) -> Result:
    """A flow count: projects terminated after registering still count (fine print 12)."""
    def registered(kind: str):
        return ctx.records(kind).filter(ctx.in_w("fai_registered_on"))

    counts = ctx.memo("econ.fai_projects.counts",
                      lambda: (registered("investment_project").count(), registered("gov_project").count()))
    return Result(value=Decimal(sum(counts)), records=lambda: [registered("investment_project"),
                                                               registered("gov_project")])
