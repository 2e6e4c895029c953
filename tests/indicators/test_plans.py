"""Targets, progress and estimates: never rolled up, growth keys excluded — worked out by hand."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from parkledger.core.models import EnterpriseMonth
from parkledger.indicators.engine import compute_figures
from parkledger.investment.models import InvestmentProject
from parkledger.plans.models import Estimate, Target

from .hand_data import enterprise, fig, parks, text

pytestmark = pytest.mark.django_db

P = "2022-09"


@pytest.fixture
def output():
    """ECO's output in W: 1200000 万元 = 120 亿元 (ECO 1000000 + sub-park 200000)."""
    parks()
    EnterpriseMonth.objects.create(uscc=enterprise(1, "ECO"), month="2022-03", output_value=1000000)
    EnterpriseMonth.objects.create(uscc=enterprise(2, "ECO-CEE"), month="2022-06", output_value=200000)


def target(park, year, key, value):
    Target.objects.create(park_id=park, year=year, indicator=key, value=Decimal(value))


def test_target_is_next_years_and_target_current_this_years(output):
    target("ECO", 2022, "econ.output", 240)
    target("ECO", 2023, "econ.output", "265.5")
    figs = compute_figures("ECO", P)
    assert figs["plan.target[econ.output]"].value == Decimal("265.5")
    assert figs["plan.target[econ.output]"].text == "265.50"     # the key's unit: 亿元, 2 decimals
    assert figs["plan.target[econ.output]"].unit == "亿元"
    assert figs["plan.target_current[econ.output]"].text == "240.00"


def test_progress_is_ytd_over_this_years_target(output):
    target("ECO", 2022, "econ.output", 240)
    # 120 / 240 × 100 = 50
    f = fig("ECO", P, "plan.progress[econ.output]")
    assert f.value == Decimal(50) and f.text == "50" and f.unit == "%"


def test_progress_rounds_half_up(output):
    target("ECO", 2022, "econ.output", 960)
    # 120 / 960 × 100 = 12.5 → "12.5"; with 3200: 3.75 → "3.8" (half-up)
    assert text("ECO", P, "plan.progress[econ.output]") == "12.5"
    Target.objects.filter(year=2022).update(value=3200)
    assert text("ECO", P, "plan.progress[econ.output]") == "3.8"


def test_targets_are_never_rolled_up(output):
    target("ECO-CEE", 2022, "econ.output", 100)
    target("ECO-CEE", 2023, "econ.output", 110)
    figs = compute_figures("ECO", P)
    assert not any(k.startswith("plan.") for k in figs)  # ECO itself has no target rows
    f = fig("ECO", P, "plan.target_current[econ.output]")
    assert f.value is None and "目标" in f.reason
    # the sub-park's own: its YTD 200000 万元 = 20 亿元 → 20 / 100 = 20%
    assert text("ECO-CEE", P, "plan.progress[econ.output]") == "20"
    assert text("ECO-CEE", P, "plan.target[econ.output]") == "110.00"


def test_progress_is_undefined_for_growth_keys_and_zero_targets(output):
    target("ECO", 2022, "econ.output.yoy", 8)
    target("ECO", 2022, "econ.fai", 0)
    figs = compute_figures("ECO", P)
    assert figs["plan.target_current[econ.output.yoy]"].text == "8"
    assert figs["plan.target_current[econ.output.yoy]"].unit == "%"
    assert figs["plan.progress[econ.output.yoy]"].value is None
    assert "增速" in figs["plan.progress[econ.output.yoy]"].reason
    assert figs["plan.progress[econ.fai]"].value is None
    assert "目标为0" in figs["plan.progress[econ.fai]"].reason


def test_progress_of_a_parameterised_key():
    parks()
    from parkledger.investment.models import Platform, PlatformProject

    Platform.objects.create(code="SH-FUDAN", name="飞地", park_id="ECO", kind="enclave", opened_on=date(2019, 1, 1))
    for on in (date(2020, 1, 1), date(2022, 3, 1), date(2022, 9, 30)):
        PlatformProject.objects.create(platform_id="SH-FUDAN", name="x", incubated_on=on)
    target("ECO", 2022, "platform.incubated[SH-FUDAN]", 4)
    # 3 incubated by D, target 4 → 75
    assert text("ECO", P, "plan.progress[platform.incubated[SH-FUDAN]]") == "75"
    assert fig("ECO", P, "plan.target_current[platform.incubated[SH-FUDAN]]").unit == "个"


def fai_project(code, on):
    InvestmentProject.objects.create(code=code, name=code, park_id="ECO", fai_registered_on=on)


def test_estimate_takes_the_latest_row_of_y_not_after_p():
    parks()
    for month, value in [("2021-12", 99), ("2022-03", 20), ("2022-08", 25), ("2022-10", 30)]:
        Estimate.objects.create(park_id="ECO", month=month, indicator="econ.fai_projects", value=value)
    Estimate.objects.create(park_id="ECO-CEE", month="2022-09", indicator="econ.fai_projects", value=77)
    # 2022-08 is the latest ≤ 2022-09 in 2022 (2022-10 is after P, 2021-12 last year, ECO-CEE's not ECO's)
    f = fig("ECO", P, "econ.fai_projects.estimate")
    assert f.value == Decimal(25) and f.text == "25" and f.extra["source"] == "estimate"
    assert text("ECO-CEE", P, "econ.fai_projects.estimate") == "77"


def test_estimate_without_a_row_is_the_run_rate_in_the_figures_rounding():
    parks()
    for n in range(17):
        fai_project(f"F{n}", date(2022, 1 + n % 9, 1))
    fai_project("LATE", date(2022, 10, 1))
    Estimate.objects.create(park_id="ECO", month="2022-10", indicator="econ.fai_projects", value=30)
    # ytd 17 (months 1-9) × 12 / 9 = 22.67 → 23 (a count)
    f = fig("ECO", P, "econ.fai_projects.estimate")
    assert f.value == Decimal(23) and f.text == "23" and f.extra["source"] == "run_rate"
    # 2022-06: projects of months 1..6: n % 9 in 0..5 → n = 0..5, 9..14 → 12; 12 × 12 / 6 = 24
    assert text("ECO", "2022-06", "econ.fai_projects.estimate") == "24"
    # 2022-02: n % 9 in {0, 1} → n = 0, 1, 9, 10 → 4; 4 × 12 / 2 = 24
    assert text("ECO", "2022-02", "econ.fai_projects.estimate") == "24"


def test_run_rate_half_up():
    parks()
    for n in range(5):
        fai_project(f"F{n}", date(2022, 1, 5))
    # P = 2022-08: 5 × 12 / 8 = 7.5 → 8 (half-up, not to even)
    assert text("ECO", "2022-08", "econ.fai_projects.estimate") == "8"
