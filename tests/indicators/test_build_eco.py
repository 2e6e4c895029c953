"""(三) 基础配套: `build.*` and `eco.*` on a small hand-built ledger (P = 2022-09 unless said).

W = 2022-01-01 … 2022-09-30; D = 2022-09-30. Parks: ECO with sub-park ECO-CEE, and OTHER.
Every expected figure is worked out by hand next to its assertion.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from parkledger.construction.models import (
    GovProject,
    GovProjectMonth,
    LandTransfer,
    SeaUse,
    StockRelease,
    SubProject,
    Wetland,
)
from parkledger.core.models import Park
from parkledger.indicators.engine import compute_figures, explain_figure
from parkledger.plans.models import ManualFigure

pytestmark = pytest.mark.django_db


def D(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


@pytest.fixture
def ledger():
    Park.objects.create(code="ECO", name="生态园")
    Park.objects.create(code="ECO-CEE", name="中东欧国际产业合作园", parent_id="ECO")
    Park.objects.create(code="OTHER", name="别的园区")
    projects = [
        # code, park, category, plan_year, total_investment 万元, land 亩, floor m²
        ("GP1", "ECO", "road", 2022, "12250", "12.25", "34567"),
        ("GP2", "ECO-CEE", "water_green", 2022, "5000", None, None),
        ("GP3", "ECO", "culture", 2023, "80000", "120.05", "45000"),
        ("GP4", "ECO", "water_green", 2021, "1000", None, None),
        ("GP5", "ECO", "water_green", 2022, None, None, None),
        ("GPX", "OTHER", "water_green", 2022, "99999", "1", "1"),
    ]
    for code, park, cat, year, total, land, floor in projects:
        GovProject.objects.create(code=code, name=f"项目{code}", park_id=park, category=cat, plan_year=year,
                                  total_investment=D(total), land_area_mu=D(land), floor_area_m2=D(floor))
    for project, month, invested in [
        ("GP1", "2021-12", "100"), ("GP1", "2022-01", "300"), ("GP1", "2022-09", "200"), ("GP1", "2022-10", "400"),
        ("GP2", "2022-05", "50"), ("GP3", "2022-03", "1000"), ("GPX", "2022-03", "777"),
    ]:
        GovProjectMonth.objects.create(project_id=project, month=month, invested=D(invested))
    SubProject.objects.create(project_id="GP1", name="一标段", tendered_on=date(2022, 9, 30))
    SubProject.objects.create(project_id="GP1", name="二标段", tendered_on=date(2022, 10, 1))
    SubProject.objects.create(project_id="GP1", name="三标段")
    SubProject.objects.create(project_id="GPX", name="一标段", tendered_on=date(2022, 1, 1))
    for code, park, area, on in [
        ("LT1", "ECO", "10.25", date(2022, 1, 1)), ("LT2", "ECO-CEE", "5", date(2022, 9, 30)),
        ("LT3", "ECO", "100", date(2021, 12, 31)), ("LT4", "ECO", "100", date(2022, 10, 1)),
        ("LT5", "OTHER", "7", date(2022, 5, 5)), ("LT6", "ECO", "100", None),
        ("LT7", "ECO", "1", date(2024, 2, 29)),
    ]:
        LandTransfer.objects.create(parcel_code=code, park_id=park, area_mu=D(area), transferred_on=on)
    for name, park, kind, area, approved in [
        ("SI1", "ECO", "infrastructure", "300.5", date(2022, 9, 30)),
        ("SI2", "ECO", "infrastructure", "100", date(2020, 5, 1)),
        ("SI3", "ECO", "infrastructure", "1000", date(2022, 10, 1)),
        ("SI4", "ECO", "infrastructure", "1000", None),
        ("SI5", "OTHER", "infrastructure", "1000", date(2021, 1, 1)),
        ("SP1", "ECO", "industrial", "10", None),
        ("SP2", "ECO", "industrial", "10", date(2022, 10, 1)),
        ("SP3", "ECO", "industrial", "10", date(2022, 9, 30)),
        ("SP4", "ECO-CEE", "industrial", None, None),
        ("SP5", "OTHER", "industrial", "10", None),
    ]:
        SeaUse.objects.create(name=name, park_id=park, kind=kind, area_mu=D(area), approved_on=approved)
    for park, month, value in [("ECO", "2021-12", "111"), ("ECO", "2022-03", "500"), ("ECO", "2022-08", "520.5"),
                               ("ECO", "2022-10", "999")]:
        ManualFigure.objects.create(park_id=park, month=month, indicator="build.basic_farmland_area", value=D(value))
    for park, on, benthic, fish, contract in [
        ("ECO", date(2022, 1, 1), "1000.25", "50", "12.345"),
        ("ECO-CEE", date(2022, 9, 30), "500", "25.05", "10"),
        ("ECO", date(2021, 9, 30), "9", "9", "9"),
        ("ECO", date(2022, 10, 1), "9", "9", "9"),
        ("OTHER", date(2022, 5, 1), "9", "9", "9"),
    ]:
        StockRelease.objects.create(park_id=park, released_on=on, benthic_10k=D(benthic), fish_10k=D(fish),
                                    contract_amount=D(contract))
    Wetland.objects.create(code="W1", park_id="ECO", name="中心湿地", planned_area_ha=D("120.125"))
    Wetland.objects.create(code="W2", park_id="ECO-CEE", name="东湿地", planned_area_ha=D("30"))
    Wetland.objects.create(code="WX", park_id="OTHER", name="别的湿地", planned_area_ha=D("50"))


def fig(park: str, key: str, period: str = "2022-09"):
    return compute_figures(park, period, [key])[key]


def check(park: str, key: str, value: str | None, text: str | None, period: str = "2022-09") -> None:
    f = fig(park, key, period)
    assert (f.value, f.text) == (None if value is None else Decimal(value), text), f.reason


def test_gov_projects_of_year_y(ledger):
    # plan_year 2022 in ECO and its sub-park: GP1, GP2 (ECO-CEE), GP5 → 3; GP3 (2023), GP4 (2021), GPX (OTHER) out
    check("ECO", "build.gov_projects", "3", "3")
    # Σ (12250 + 5000 + empty→0) = 17250万元 = 1.725亿元 → half-up "1.73"
    check("ECO", "build.gov_projects.total_investment", "1.725", "1.73")
    # the sub-park alone: GP2 → 1, 5000万元 = 0.5亿元
    check("ECO-CEE", "build.gov_projects", "1", "1")
    check("ECO-CEE", "build.gov_projects.total_investment", "0.5", "0.50")


def test_gov_projects_invested_months_in_w(ledger):
    # GP1 2022-01 300 + 2022-09 200 (2021-12 and 2022-10 out) + GP2 2022-05 50 = 550万元 = 0.055亿元 → "0.06";
    # GP3 is planned for 2023 and GPX belongs to OTHER
    check("ECO", "build.gov_projects.invested", "0.055", "0.06")
    # ECO-CEE: 50万元 = 0.005亿元 → half-up "0.01"
    check("ECO-CEE", "build.gov_projects.invested", "0.005", "0.01")


def test_one_project_even_planned_for_next_year(ledger):
    check("ECO", "build.project.total_investment[GP3]", "8", "8.00")  # 80000万元
    check("ECO", "build.project.land_area[GP3]", "120.05", "120.1")  # 亩, 1 decimal half-up
    check("ECO", "build.project.floor_area[GP3]", "4.5", "4.5")  # 45000 m² ÷ 10000
    check("ECO", "build.project.floor_area[GP1]", "3.4567", "3.46")  # 34567 m² → 3.4567万 → 2 decimals
    check("ECO", "build.project.land_area[GP1]", "12.25", "12.3")  # half-up at 1 decimal


def test_project_sub_projects_as_of_d(ledger):
    check("ECO", "build.project.sub_projects[GP1]", "3", "3")
    # tendered 2022-09-30 counts (= D); 2022-10-01 and empty do not
    check("ECO", "build.project.sub_projects_tendered[GP1]", "1", "1")
    check("ECO", "build.project.sub_projects[GP2]", "0", "0")
    check("ECO", "build.project.sub_projects_tendered[GP2]", "0", "0")


def test_project_missing_or_empty_is_undefined(ledger):
    assert fig("ECO", "build.project.land_area[GP2]").reason == "项目占地面积未填报"
    assert fig("ECO", "build.project.floor_area[GP2]").value is None
    assert fig("ECO", "build.project.total_investment[GP5]").value is None  # empty total
    for key in ("total_investment", "sub_projects", "sub_projects_tendered", "land_area", "floor_area"):
        f = fig("ECO", f"build.project.{key}[GPX]")  # another park's project
        assert f.value is None and f.reason == "项目不存在或不属于本园区"


def test_project_keys_expand_to_the_parks_projects_that_have_the_value(ledger):
    keys = set(compute_figures("ECO", "2022-09"))
    # land area filled in: GP1 (12.25) and GP3 (120.05); GP2, GP4, GP5 have none; GPX is another park's
    assert {k for k in keys if k.startswith("build.project.land_area[")} == {
        "build.project.land_area[GP1]", "build.project.land_area[GP3]"
    }
    # total investment filled in: GP1, GP2 (sub-park), GP3, GP4; GP5 empty
    assert {k for k in keys if k.startswith("build.project.total_investment[")} == {
        f"build.project.total_investment[{c}]" for c in ("GP1", "GP2", "GP3", "GP4")
    }
    # sub-projects: only GP1 has any
    assert {k for k in keys if k.startswith("build.project.sub_projects[")} == {"build.project.sub_projects[GP1]"}
    sub = {k for k in compute_figures("ECO-CEE", "2022-09") if k.startswith("build.project.")}
    assert sub == {"build.project.total_investment[GP2]"}


def test_land_transfers_in_w(ledger):
    # LT1 (1 January) + LT2 (ECO-CEE, 30 September); LT3 31 Dec 2021, LT4 1 Oct, LT5 OTHER, LT6 no date → out
    check("ECO", "build.land_transfers", "2", "2")
    check("ECO", "build.land_transfers.area", "15.25", "15.3")  # 10.25 + 5 = 15.25 → 1 decimal half-up
    check("ECO-CEE", "build.land_transfers.area", "5", "5")


def test_land_transfers_on_a_leap_day(ledger):
    # P = 2024-02: D = 2024-02-29, LT7 transferred that day
    check("ECO", "build.land_transfers", "1", "1", period="2024-02")
    check("ECO", "build.land_transfers.area", "1", "1", period="2024-02")


def test_sea_use_stock_as_of_d(ledger):
    # infrastructure approved by D: SI1 (on D) 300.5 + SI2 (2020) 100 = 400.5; SI3 after D, SI4 pending, SI5 OTHER
    check("ECO", "build.sea_infra_approved_area", "400.5", "400.5")
    # industrial not approved by D: SP1 (pending), SP2 (approved after D), SP4 (ECO-CEE) → 3; SP3 approved on D
    check("ECO", "build.sea_industrial_preparing", "3", "3")
    # a year earlier (D = 2021-09-30): SI2 only; SP1, SP2, SP3, SP4 were all still unapproved
    check("ECO", "build.sea_infra_approved_area", "100", "100", period="2021-09")
    check("ECO", "build.sea_industrial_preparing", "4", "4", period="2021-09")


def test_basic_farmland_is_a_manual_stock(ledger):
    # latest row of 2022 with month ≤ 2022-09 → 2022-08: 520.5 (2022-10 is after P)
    check("ECO", "build.basic_farmland_area", "520.5", "520.5")
    # P = 2022-02: no row of 2022 up to February (the 2021-12 row belongs to another year)
    assert fig("ECO", "build.basic_farmland_area", "2022-02").value is None
    # manual figures are never rolled up: the sub-park has none
    assert fig("ECO-CEE", "build.basic_farmland_area").value is None


def test_water_green_projects(ledger):
    # water_green with plan_year 2022: GP2 (ECO-CEE), GP5 → 2; GP4 (2021), GPX (OTHER) out
    check("ECO", "eco.water_green_projects", "2", "2")
    check("ECO", "eco.water_green_projects", "1", "1", period="2021-12")  # GP4


def test_stock_releases(ledger):
    # 1 January (ECO) and 30 September (ECO-CEE); 30 Sep 2021, 1 Oct 2022 and OTHER are out
    check("ECO", "eco.releases", "2", "2")
    check("ECO", "eco.releases.benthic", "1500.25", "1500.3")  # 1000.25 + 500, 1 decimal half-up
    check("ECO", "eco.releases.fish", "75.05", "75.1")  # 50 + 25.05
    check("ECO", "eco.releases.contract", "22.345", "22.35")  # 12.345 + 10, 万元 2 decimals half-up
    # the same days a year earlier: P = 2021-09 sees only the release of 2021-09-30 (9, 9, 9)
    check("ECO", "eco.releases", "1", "1", period="2021-09")


def test_wetland_planned_area(ledger):
    check("ECO", "eco.wetland_planned_area", "150.125", "150.13")  # 120.125 + 30, 公顷 2 decimals half-up
    check("ECO-CEE", "eco.wetland_planned_area", "30", "30")


def test_explain_lists_the_records(ledger):
    ex = explain_figure("ECO", "2022-09", "build.land_transfers")
    assert sorted(r.natural_key for r in ex.records) == ["LT1", "LT2"]
