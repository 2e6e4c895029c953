"""A small web-test dataset: two parks (one with a sub-park), enterprises with monthly returns,
park statistics, projects at every stage, inspections with hazards, petitions and targets.

`build(n)` scales the per-park record counts by `n`, so query-count tests can compare a small
and a bigger dataset. Everything is dated in 2021–2022; the report period is 2022-09.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from parkledger.core.models import Enterprise, EnterpriseMonth, Park, ParkMonth
from parkledger.governance.models import Hazard, Inspection, Petition
from parkledger.investment.models import InvestmentProject
from parkledger.lib.uscc import make_uscc
from parkledger.plans.models import Target

PERIOD = "2022-09"
AS_OF = date(2022, 9, 30)


@dataclass
class Dataset:
    parks: list[Park]
    enterprises: list[Enterprise]


def uscc(i: int) -> str:
    return make_uscc(f"91330281MA{i:07d}")


def build(n: int = 1) -> Dataset:
    """The parks, and `n` rounds of records (see `add_records`)."""
    eco = Park.objects.create(code="ECO", name="宁波前湾新区生态园", short_name="生态园", city="宁波", county="余姚")
    cee = Park.objects.create(code="ECO-CEE", name="中东欧国际产业合作园", parent=eco)
    other = Park.objects.create(code="OTH", name="另一园区", short_name="另一园")
    ParkMonth.objects.bulk_create([
        ParkMonth(park=park, month=month, fixed_asset_investment=Decimal("5000"), fiscal_revenue_total=Decimal("3000"))
        for park in (eco, cee, other) for month in MONTHS
    ])
    Target.objects.create(park=eco, year=2022, indicator="econ.output", value=Decimal("100"))
    parks = [eco, cee, other]
    return Dataset(parks=parks, enterprises=add_records(parks, 0, n))


MONTHS = [f"{y}-{m:02d}" for y in (2021, 2022) for m in range(1, 13)]


def add_records(parks: list[Park], start: int, n: int) -> list[Enterprise]:
    """Rounds `start` … `start + n - 1`: per round three enterprises (one per park) with 24 monthly
    returns (the sub-park's misses 2022-09), one inspection each with an overdue and a closed hazard,
    and per top park three projects (洽谈, 签约 but late to start, 投产) and two petitions (one 90 days old).
    """
    eco, cee, other = parks
    enterprises = []
    for i in range(3 * start, 3 * (start + n)):
        park = (eco, cee, other)[i % 3]
        enterprises.append(Enterprise.objects.create(
            uscc=uscc(i + 1), name=f"测试企业{i + 1}", park=park, registered_on=date(2015, 1, 1),
            land_area_mu=Decimal("20"),
        ))
    rows = []
    for i, ent in enumerate(enterprises):
        for month in MONTHS:
            # the sub-park's enterprise of each three misses September 2022 (a missed return)
            if month == "2022-09" and i % 3 == 1:
                continue
            rows.append(EnterpriseMonth(uscc=ent, month=month, above_scale=True, output_value=Decimal("1000"),
                                        revenue=Decimal("900"), tax=Decimal("50")))
    EnterpriseMonth.objects.bulk_create(rows)
    for i in range(start, start + n):
        for park in (eco, other):
            # one project per pipeline stage, plus one signed but late to start
            base = {"park": park, "total_investment": Decimal("10000")}
            InvestmentProject.objects.create(code=f"{park.code}-C{i}", name=f"洽谈项目{i}", contacted_on=date(2022, 2, 1), **base)
            InvestmentProject.objects.create(code=f"{park.code}-S{i}", name=f"签约项目{i}", contacted_on=date(2022, 1, 1),
                                             signed_on=date(2022, 3, 1), planned_start_on=date(2022, 6, 1), **base)
            InvestmentProject.objects.create(code=f"{park.code}-P{i}", name=f"投产项目{i}", contacted_on=date(2021, 1, 1),
                                             signed_on=date(2021, 3, 1), started_on=date(2021, 6, 1),
                                             production_on=date(2022, 5, 1), **base)
    for ent in enterprises:
        i = int(ent.name.removeprefix("测试企业")) - 1
        insp = Inspection.objects.create(code=f"INS-{i}", uscc=ent, inspected_on=date(2022, 5, 1), campaign="除险保安")
        # overdue: deadline passed, not rectified; closed: rectified in time
        Hazard.objects.create(inspection=insp, description=f"消防通道堵塞{i}", deadline=date(2022, 6, 1))
        Hazard.objects.create(inspection=insp, description=f"电线老化{i}", deadline=date(2022, 6, 1),
                              rectified_on=date(2022, 5, 20))
    for i in range(start, start + n):
        for park in (eco, other):
            Petition.objects.create(code=f"{park.code}-XF{i}-1", park=park, source="public", subject=f"噪声投诉{i}",
                                    received_on=AS_OF - timedelta(days=90))
            Petition.objects.create(code=f"{park.code}-XF{i}-2", park=park, source="public", subject=f"道路破损{i}",
                                    received_on=AS_OF - timedelta(days=10))
    return enterprises
