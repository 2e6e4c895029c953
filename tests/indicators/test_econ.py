"""Headline and (二) 经济运行 figures from enterprise_month and park_month, worked out by hand."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from parkledger.construction.models import GovProject
from parkledger.core.models import EnterpriseMonth, ParkMonth
from parkledger.indicators.engine import compute_figures
from parkledger.investment.models import InvestmentProject
from parkledger.plans.models import ManualFigure

from .hand_data import enterprise, fig, parks, text

pytestmark = pytest.mark.django_db

P = "2022-09"


def em(e, month, output, va=None, above=False):
    EnterpriseMonth.objects.create(uscc=e, month=month, output_value=output, value_added=va, above_scale=above)


@pytest.fixture
def months():
    """Enterprise returns (万元). W = 2022-01..2022-09, W' = 2021-01..2021-09.

    A (ECO): above-scale both years.        B (ECO-CEE): above-scale in 2022 only (entered the roster).
    C (ECO): small, new in 2022 (no 2021).  E (ECO): reported in 2021 only (left).
    X (OTHER): another park, excluded.
    """
    parks()
    a, b, c, e_, x = (enterprise(1, "ECO"), enterprise(2, "ECO-CEE"), enterprise(3, "ECO"),
                      enterprise(4, "ECO"), enterprise(5, "OTHER"))
    em(a, "2022-01", 1000, 300, True)
    em(a, "2022-09", 2000, 500, True)
    em(a, "2022-10", 9999, 999, True)      # after M: excluded
    em(a, "2021-01", 800, 250, True)
    em(a, "2021-09", 1200, 350, True)
    em(a, "2021-10", 5555, 555, True)      # after M of Y-1: excluded from W'
    em(a, "2020-09", 7777, 777, True)      # two years back: excluded
    em(b, "2022-05", 1500, 400, True)
    em(b, "2021-05", 500, 100, False)      # not above-scale then, still on the comparable basis
    em(c, "2022-03", 700, 100, False)
    em(e_, "2021-03", 3000, 900, True)     # no row in W: not a contributor
    em(x, "2022-02", 50000, 9000, True)
    em(x, "2021-02", 40000, 8000, True)


def test_output_sums_w_over_the_park_and_its_sub_park(months):
    # A 1000 + 2000, B 1500 (sub-park), C 700 = 5200 万元 = 0.52 亿元
    f = fig("ECO", P, "econ.output")
    assert f.value == Decimal("0.52") and f.text == "0.52" and f.unit == "亿元"


def test_output_yoy_is_on_the_comparable_basis(months):
    # contributors A, B, C; last = A (800 + 1200) + B 500 = 2500 (E left, C new, X elsewhere)
    # (5200 − 2500) / 2500 × 100 = 108   (the naive last 5500 would give −5.5)
    f = fig("ECO", P, "econ.output.yoy")
    assert f.value == Decimal(108) and f.text == "108"


def test_above_scale_output_and_its_comparable_growth(months):
    # cur = above-scale rows in W: A 3000 + B 1500 = 4500 → 0.45 亿元
    assert text("ECO", P, "econ.above_scale_output") == "0.45"
    # contributors = enterprises with an above-scale row in W: A, B (not C)
    # last = all their W' rows whatever the flag: A 2000 + B 500 = 2500 → (4500 − 2500)/2500 × 100 = 80
    assert fig("ECO", P, "econ.above_scale_output.yoy").value == Decimal(80)


def test_above_scale_value_added_and_computed_growth(months):
    # Σ value_added of above-scale rows in W: A 300 + 500, B 400 = 1200 → 0.12 亿元
    assert text("ECO", P, "econ.above_scale_value_added") == "0.12"
    # last: A 250 + 350, B 100 = 700; (1200 − 700) / 700 × 100 = 71.428… → 71.4
    f = fig("ECO", P, "econ.above_scale_value_added.yoy")
    assert f.text == "71.4"
    assert abs(f.value - Decimal(500) / Decimal(700) * 100) < Decimal("1e-20")


def test_above_scale_value_added_yoy_takes_the_official_rate_of_month_p(months):
    ManualFigure.objects.create(park_id="ECO", month="2022-08", indicator="econ.above_scale_value_added.yoy",
                                value=Decimal("3.1"))
    ManualFigure.objects.create(park_id="ECO-CEE", month=P, indicator="econ.above_scale_value_added.yoy",
                                value=Decimal("9.9"))
    # no row of ECO for 2022-09 itself (the sub-park's is not ECO's): still computed
    assert text("ECO", P, "econ.above_scale_value_added.yoy") == "71.4"
    ManualFigure.objects.create(park_id="ECO", month=P, indicator="econ.above_scale_value_added.yoy",
                                value=Decimal("6.45"))
    f = fig("ECO", P, "econ.above_scale_value_added.yoy")
    assert f.value == Decimal("6.45") and f.text == "6.5"
    assert text("ECO-CEE", P, "econ.above_scale_value_added.yoy") == "9.9"


def test_sub_park_alone_and_other_park(months):
    # ECO-CEE: B only: 1500 → 0.15; yoy (1500 − 500)/500 = 200
    assert text("ECO-CEE", P, "econ.output") == "0.15"
    assert text("ECO-CEE", P, "econ.output.yoy") == "200"
    # OTHER: 50000 → 5.00; (50000 − 40000)/40000 = 25
    assert text("OTHER", P, "econ.output") == "5.00"
    assert text("OTHER", P, "econ.output.yoy") == "25"


def test_growth_is_undefined_without_last_year_rows(months):
    # ECO-CEE in 2022-05 as the period: B's 2022-05 row; its 2021-05 row exists → defined
    # a park whose contributors have no W' rows: only C, via a new sub-park
    from parkledger.core.models import Park

    Park.objects.create(code="NEW", name="新园区")
    em(enterprise(9, "NEW"), "2022-04", 100)
    f = fig("NEW", P, "econ.output.yoy")
    assert f.value is None and f.text is None and "上年同期" in f.reason
    assert fig("NEW", P, "econ.above_scale_output.yoy").value is None  # no above-scale row in W at all


def test_growth_is_undefined_when_last_year_sums_to_zero(months):
    from parkledger.core.models import Park

    Park.objects.create(code="ZERO", name="零园区")
    z = enterprise(9, "ZERO")
    em(z, "2022-04", 100)
    em(z, "2021-04", 0)
    f = fig("ZERO", P, "econ.output.yoy")
    assert f.value is None and f.reason == "上年同期为0，增速无意义"


def test_negative_comparable_growth():
    parks()
    a = enterprise(1, "ECO")
    em(a, "2022-01", Decimal("955.5"))
    em(a, "2021-01", 1000)
    # (955.5 − 1000) / 1000 × 100 = −4.45 → half away from zero → −4.5
    f = fig("ECO", "2022-01", "econ.output.yoy")
    assert f.value == Decimal("-4.45") and f.text == "-4.5"


def test_january_period_uses_january_only():
    parks()
    a = enterprise(1, "ECO")
    em(a, "2022-01", 100)
    em(a, "2022-02", 200)
    em(a, "2021-01", 50)
    em(a, "2021-02", 1000)
    # P = 2022-01: cur 100, last 50 → 100%
    assert text("ECO", "2022-01", "econ.output.yoy") == "100"


def pm(park, month, **values):
    ParkMonth.objects.create(park_id=park, month=month, **values)


@pytest.fixture
def park_months():
    parks()
    pm("ECO", "2022-01", fixed_asset_investment=3000, industrial_investment=1000, fiscal_revenue_total=123450,
       general_budget_revenue=1250, fiscal_expenditure_total=5000, general_budget_expenditure=4000)
    pm("ECO", "2022-09", fixed_asset_investment=2000, general_budget_expenditure=1000)
    pm("ECO-CEE", "2022-06", fixed_asset_investment=1000, industrial_investment=911)
    pm("ECO", "2022-10", fixed_asset_investment=7777, industrial_investment=7777, fiscal_revenue_total=7777)
    pm("OTHER", "2022-05", fixed_asset_investment=99999, industrial_investment=99999)
    pm("ECO", "2021-01", fixed_asset_investment=4000, industrial_investment=2000)
    pm("ECO", "2021-09", fixed_asset_investment=2500)
    pm("ECO", "2021-10", fixed_asset_investment=1111, industrial_investment=1111)
    pm("OTHER", "2021-05", fixed_asset_investment=1, industrial_investment=1)


def test_park_month_sums_and_rounding(park_months):
    figs = compute_figures("ECO", P, [
        "econ.fai", "econ.industrial_investment", "econ.fiscal_revenue_total", "econ.general_budget_revenue",
        "econ.fiscal_expenditure_total", "econ.general_budget_expenditure",
    ])
    # fai: 3000 + 2000 + 1000 (sub-park) = 6000 万元 → 0.60
    assert figs["econ.fai"].text == "0.60"
    # industrial: 1000 + 911 = 1911 → 0.1911 → 0.19
    assert figs["econ.industrial_investment"].value == Decimal("0.1911")
    # 123450 万元 = 12.345 亿元 → half-up 12.35 (banker's would give 12.34)
    assert figs["econ.fiscal_revenue_total"].value == Decimal("12.345")
    assert figs["econ.fiscal_revenue_total"].text == "12.35"
    # 1250 万元 = 0.125 亿元 → 0.13
    assert figs["econ.general_budget_revenue"].text == "0.13"
    assert figs["econ.fiscal_expenditure_total"].text == "0.50"
    # 4000 + 1000 = 5000 → 0.50
    assert figs["econ.general_budget_expenditure"].text == "0.50"


def test_park_month_growth_negative_and_half_up(park_months):
    # fai: cur 6000, last 4000 + 2500 = 6500 → (6000 − 6500)/6500 × 100 = −7.69… → −7.7
    assert text("ECO", P, "econ.fai.yoy") == "-7.7"
    # industrial: cur 1911, last 2000 (2021-10 excluded) → −4.45 → −4.5
    f = fig("ECO", P, "econ.industrial_investment.yoy")
    assert f.value == Decimal("-4.45") and f.text == "-4.5"


def test_park_month_growth_undefined_for_zero_or_missing_last_year(park_months):
    # ECO-CEE has no 2021 rows at all
    f = fig("ECO-CEE", P, "econ.fai.yoy")
    assert f.value is None and "上年同期" in f.reason
    pm("ECO-CEE", "2021-06", fixed_asset_investment=0)
    f = fig("ECO-CEE", P, "econ.fai.yoy")
    assert f.value is None and f.reason == "上年同期为0，增速无意义"


def test_fai_projects_count_both_ledgers_in_w():
    parks()

    def inv(code, park, on, **kw):
        InvestmentProject.objects.create(code=code, name=code, park_id=park, fai_registered_on=on, **kw)

    inv("I1", "ECO", date(2022, 1, 1))
    inv("I2", "ECO-CEE", date(2022, 9, 30), terminated_on=date(2022, 9, 30))  # terminated later: still a flow
    inv("I3", "ECO", date(2021, 12, 31))
    inv("I4", "ECO", date(2022, 10, 1))
    inv("I5", "OTHER", date(2022, 5, 5))
    inv("I6", "ECO", None)
    GovProject.objects.create(code="G1", name="G1", park_id="ECO", category="road", plan_year=2022,
                              fai_registered_on=date(2022, 5, 5))
    GovProject.objects.create(code="G2", name="G2", park_id="ECO-CEE", category="road", plan_year=2021,
                              fai_registered_on=date(2022, 2, 2))
    GovProject.objects.create(code="G3", name="G3", park_id="ECO", category="road", plan_year=2022)
    # I1, I2 + G1, G2 = 4
    assert text("ECO", P, "econ.fai_projects") == "4"
    assert text("ECO-CEE", P, "econ.fai_projects") == "2"


def test_explain_growth_lists_rows_of_both_years(months):
    from parkledger.indicators.engine import explain_figure

    ex = explain_figure("ECO", P, "econ.output.yoy", cap=4)
    # cur rows: A 2022-01, 2022-09, B 2022-05, C 2022-03 = 4; last rows: A 2021-01, 2021-09, B 2021-05 = 3
    assert ex.records_total == 7
    months_shown = {r.natural_key.split("/")[1][:4] for r in ex.records}
    assert months_shown == {"2021", "2022"} and len(ex.records) == 4
