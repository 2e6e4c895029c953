"""Parks, enterprises (entering and leaving), their monthly returns and the parks' monthly statistics."""
from __future__ import annotations

import math
import random
from collections.abc import Iterator
from datetime import date

from parkledger.core.models import Enterprise, EnterpriseMonth, Park, ParkMonth
from parkledger.dataio.demo.context import BuildContext, EnterpriseProfile, money, qty, uscc_for
from parkledger.dataio.demo.dates import day_between, month_text
from parkledger.dataio.demo.names import CEE_COUNTRIES, INDUSTRIES, SERVICE_INDUSTRIES, NameBook

__all__ = ["build_core", "SEASON"]

#: Share of a year's output by month (sums to 12): the Spring Festival dip, a strong December.
SEASON = (0.92, 0.72, 1.02, 1.00, 1.02, 1.05, 1.00, 0.98, 1.04, 1.05, 1.06, 1.14)

#: Shocks of particular months: the 2020 outbreak, the spring 2022 logistics disruption.
SHOCKS = {(2020, 2): 0.55, (2020, 3): 0.85, (2020, 4): 0.95, (2022, 3): 0.97, (2022, 4): 0.9, (2022, 5): 0.94}

#: Mean output growth of an enterprise by year (against the year before), and its spread.
GROWTH = {2019: (1.07, 0.09), 2020: (0.98, 0.10), 2021: (1.14, 0.12), 2022: (1.05, 0.10)}


def build_core(ctx: BuildContext) -> dict[str, object]:
    """Rows of park, enterprise, enterprise_month (lazy) and park_month."""
    spec = ctx.spec
    parks = [
        Park(code=spec.code, name=spec.name, short_name=spec.short_name, city=spec.city, county=spec.county),
        Park(code=spec.sub_code, name=spec.sub_name, short_name=spec.sub_short_name, city=spec.city,
             county=spec.county, parent_id=spec.code),
    ]
    _make_profiles(ctx)
    enterprises = [
        Enterprise(
            uscc=e.uscc, name=e.name, park_id=e.park, industry_code=e.industry.code,
            registered_on=e.registered_on, land_area_mu=e.land_mu, country=e.country, closed_on=e.closed_on,
        )
        for e in ctx.enterprises
    ]
    return {
        "park": parks,
        "enterprise": enterprises,
        "enterprise_month": _enterprise_months(ctx),
        "park_month": _park_months(ctx),
    }


def _make_profiles(ctx: BuildContext) -> None:
    rng = ctx.rng("enterprises")
    book = NameBook(ctx.rng("enterprise-names"), ctx.spec.city, ctx.spec.county)
    n = ctx.size
    first, last = ctx.first_year, ctx.last_year
    incumbents = int(n * 0.9)
    newcomers_per_year = max(1, int(n * 0.06))
    births: list[tuple[date, bool]] = []
    for _ in range(incumbents):
        year = rng.choice(range(2001, first)) if rng.random() < 0.6 else rng.choice(range(2012, first))
        births.append((day_between(rng, date(year, 1, 1), date(year, 12, 31)), False))
    for year in ctx.years:
        for _ in range(newcomers_per_year):
            births.append((day_between(rng, date(year, 1, 1), date(year, 12, 31)), True))
    births.sort()
    for registered, newcomer in births:
        ctx.enterprises.append(_profile(ctx, rng, book, registered, newcomer, first, last))


def _profile(ctx: BuildContext, rng: random.Random, book: NameBook, registered: date, newcomer: bool,
             first: int, last: int) -> EnterpriseProfile:
    industrial = rng.random() >= 0.08
    in_sub = rng.random() < 0.12
    country = "CN"
    if in_sub and rng.random() < 0.45:
        country = rng.choice(sorted(CEE_COUNTRIES))
    industry = rng.choice(INDUSTRIES if industrial else SERVICE_INDUSTRIES)
    big = industrial and rng.random() < (0.15 if newcomer else 0.33)
    if big:
        level = max(2300.0, rng.lognormvariate(math.log(4200), 0.95))
    elif industrial:
        level = min(1700.0, max(60.0, rng.lognormvariate(math.log(420), 0.8)))
    else:
        level = min(1800.0, max(80.0, rng.lognormvariate(math.log(600), 0.7)))
    growth = {y: max(0.6, min(1.6, rng.gauss(*GROWTH[y]))) for y in range(first, last + 1)}
    if big:
        land = qty(rng.uniform(20, 160))
    elif industrial and rng.random() < 0.6:
        land = qty(rng.uniform(2, 30))
    else:
        land = None
    # Returns start a few months after registration (construction, trial production).
    start = (first, 1)
    if registered >= date(first, 1, 1) or newcomer:
        lag = rng.randint(2, 9)
        y, m = registered.year, registered.month + lag
        y, m = y + (m - 1) // 12, (m - 1) % 12 + 1
        start = max((first, 1), (y, m))
    closed_on = None
    end = (last, 12)
    if registered < date(last, 6, 1) and rng.random() < 0.025 * (last - first + 1):
        closed_on = day_between(rng, max(registered, date(first, 3, 1)), date(last, 12, 20))
        end = (closed_on.year, closed_on.month)  # the month of closure is still reported
    reports = start <= end and start <= (last, 12)
    name = book.enterprise(industry, big=big, country=country)
    return EnterpriseProfile(
        uscc=uscc_for(rng, ctx.spec.region, registered, ctx.used_usccs),
        name=name, park=ctx.spec.sub_code if in_sub else ctx.spec.code, industry=industry,
        industrial=industrial, registered_on=registered, closed_on=closed_on, land_mu=land, country=country,
        level=level, growth=growth,
        va_ratio=rng.uniform(0.18, 0.30), revenue_ratio=rng.uniform(0.93, 1.08),
        tax_rate=rng.uniform(0.025, 0.06),
        rd_rate=rng.uniform(0.015, 0.045) if big else (rng.uniform(0.005, 0.03) if rng.random() < 0.4 else 0.0),
        energy_per_va=rng.uniform(0.8, 2.4) if industry.code in ("2614", "2929", "3311") else rng.uniform(0.15, 0.9),
        productivity=rng.uniform(45, 170),
        first_report=start if reports else None, last_report=end if reports else None,
    )


def _enterprise_months(ctx: BuildContext) -> Iterator[EnterpriseMonth]:
    """Monthly returns, enterprise by enterprise (generated lazily: the city scale has 144,000)."""
    for e in ctx.enterprises:
        if e.first_report is None:
            continue
        rng = ctx.rng(f"em:{e.uscc}")
        employees = max(6, int(e.annual_output(ctx.first_year) / e.productivity))
        for year in ctx.years:
            annual = e.annual_output(year)
            above = e.above_scale(year)
            for month in range(1, 13):
                if not e.reports_in(year, month):
                    continue
                output = annual / 12 * SEASON[month - 1] * SHOCKS.get((year, month), 1.0) * rng.uniform(0.9, 1.1)
                revenue = output * e.revenue_ratio * rng.uniform(0.97, 1.03)
                if not e.industrial:
                    revenue, output = output, 0.0
                value_added = output * e.va_ratio * rng.uniform(0.96, 1.04)
                employees = max(5, int(employees * rng.uniform(0.985, 1.02)))
                yield EnterpriseMonth(
                    uscc_id=e.uscc, month=month_text(year, month), above_scale=above,
                    output_value=money(output), value_added=money(value_added), revenue=money(revenue),
                    tax=money(revenue * e.tax_rate * rng.uniform(0.6, 1.4)),
                    energy_tce=qty(value_added * e.energy_per_va, 2) if e.industrial else qty(revenue * 0.01, 2),
                    employees=employees, rd_expense=money(revenue * e.rd_rate * rng.uniform(0.7, 1.3)),
                )


# Annual amounts of the demo park in its last data year (万元; fdi in 万美元) and their growth
# against the year before; the sub-park takes a share of each.
PARK_YEAR = {
    "fiscal_revenue_total": (62000, 0.08),
    "general_budget_revenue": (34500, 0.07),
    "fiscal_expenditure_total": (81000, 0.10),
    "general_budget_expenditure": (46500, 0.09),
    "fixed_asset_investment": (610000, 0.16),
    "industrial_investment": (372000, 0.15),
    "fdi_actual": (8200, 0.12),
    "domestic_capital_outside_prefecture": (352000, 0.11),
    "domestic_capital_outside_county": (428000, 0.10),
    "zhejiang_merchant_capital": (83000, 0.09),
}
# Monthly profile of investment (slow start of the year, a year-end push) and of revenue.
INVESTMENT_SEASON = (0.55, 0.45, 0.95, 1.0, 1.05, 1.15, 1.0, 0.95, 1.1, 1.05, 1.1, 1.65)
REVENUE_SEASON = (1.35, 0.7, 0.95, 1.05, 1.2, 0.9, 1.1, 0.85, 0.9, 1.0, 1.05, 0.95)
# Revenues and capital inflows follow the revenue profile; spending and investment the investment one.
_REVENUE_KEYS = ("fiscal_revenue_total", "general_budget_revenue", "fdi_actual",
                 "domestic_capital_outside_prefecture", "domestic_capital_outside_county", "zhejiang_merchant_capital")


def _park_months(ctx: BuildContext) -> list[ParkMonth]:
    rng = ctx.rng("park-months")
    rows = []
    for park, share in ((ctx.spec.code, 0.88), (ctx.spec.sub_code, 0.12)):
        levels = {}
        for key, (amount, growth) in PARK_YEAR.items():
            value = amount * ctx.factor * share
            per_year = {}
            for year in reversed(ctx.years):
                per_year[year] = value
                value /= 1 + growth * rng.uniform(0.7, 1.3)
            levels[key] = per_year
        for year in ctx.years:
            for month in range(1, 13):
                values = {}
                for key, per_year in levels.items():
                    season = REVENUE_SEASON if key in _REVENUE_KEYS else INVESTMENT_SEASON
                    shock = 0.6 if (year, month) in ((2020, 2), (2020, 3)) else 1.0
                    values[key] = per_year[year] / 12 * season[month - 1] * shock * rng.uniform(0.9, 1.1)
                # Keep the sub-totals consistent with their totals month by month.
                values["general_budget_revenue"] = min(values["general_budget_revenue"],
                                                       values["fiscal_revenue_total"] * 0.75)
                values["general_budget_expenditure"] = min(values["general_budget_expenditure"],
                                                           values["fiscal_expenditure_total"] * 0.8)
                values["industrial_investment"] = min(values["industrial_investment"],
                                                      values["fixed_asset_investment"] * 0.85)
                values["domestic_capital_outside_prefecture"] = min(
                    values["domestic_capital_outside_prefecture"], values["domestic_capital_outside_county"])
                rows.append(ParkMonth(park_id=park, month=month_text(year, month),
                                      **{k: money(v) for k, v in values.items()}))
    return rows
