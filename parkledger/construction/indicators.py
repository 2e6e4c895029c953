"""(三) 基础配套 figures: government projects, land, sea use and ecology (`build.*`, `eco.*`).

Readings where the dictionary leaves room:
- `build.gov_projects*` and `eco.water_green_projects` are the projects arranged for year Y
  (`plan_year` = Y), whenever they started; `.invested` sums only those projects' months in W.
- `build.project.*[CODE]` describe one project of the park (or a sub-park) whatever its plan year
  (a project planned for Y+1 is quoted in the work plan). A code outside the park is undefined
  (record missing), and so is an empty single value (an empty field is not a zero figure).
  Sub-project counts are stocks: all the project's sub-projects / those tendered by D.
- `build.sea_industrial_preparing` counts every industrial sea-use record not approved by D
  (submitted or still being prepared).
- `eco.wetland_planned_area` is a stock over every wetland record of the park (no date applies).
"""
from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, Q

from parkledger.construction.choices import GovProjectCategory, SeaUseKind
from parkledger.indicators.context import Context
from parkledger.indicators.helpers import amount, exact_sum, sum_of, undefined, wan_to_yi
from parkledger.indicators.registry import indicator
from parkledger.indicators.types import Result

CHAPTER = "construction"
NOT_IN_PARK = "项目不存在或不属于本园区"


# -- government projects of year Y ------------------------------------------------------------------

def _projects_of_year(ctx: Context):
    return ctx.records("gov_project").filter(plan_year=ctx.period.year)


@indicator("build.gov_projects", name="安排政府投资项目", unit="个", chapter=CHAPTER, sources=("gov_project",),
           definition="`gov_project` 中 `plan_year` = Y 的项目数")
def build_gov_projects(ctx: Context) -> Result:
    return Result(value=Decimal(_year_totals(ctx)["n"]), records=lambda: _projects_of_year(ctx))


def _year_totals(ctx: Context) -> dict[str, Decimal | int]:
    """The projects of year Y: their number, Σ total investment (万元) and the water-green ones, one
    query for the three keys."""

    def compute() -> dict[str, Decimal | int]:
        row = _projects_of_year(ctx).aggregate(
            n=Count("pk"), total_investment=exact_sum("total_investment"),
            water_green=Count("pk", filter=Q(category=GovProjectCategory.WATER_GREEN)),
        )
        return {**row, "total_investment": amount(row["total_investment"])}

    return ctx.memo("construction.projects_of_year", compute)


@indicator("build.gov_projects.total_investment", name="政府投资项目总投资", unit="亿元", chapter=CHAPTER,
           sources=("gov_project",), definition="Σ `total_investment`，`plan_year` = Y 的政府投资项目（万元÷10000）")
def build_gov_projects_total_investment(ctx: Context) -> Result:
    return Result(value=wan_to_yi(_year_totals(ctx)["total_investment"]),
                  records=lambda: _projects_of_year(ctx))


@indicator("build.gov_projects.invested", name="完成年度投资", unit="亿元", chapter=CHAPTER,
           sources=("gov_project", "gov_project_month"),
           definition="Σ `gov_project_month.invested`，`plan_year` = Y 的项目，月份在W内（万元÷10000）")
def build_gov_projects_invested(ctx: Context) -> Result:
    # the projects of Y as a subquery of the park's projects (not a join on `plan_year`): the plan
    # starts from the park's projects, not from every project of year Y
    projects = _projects_of_year(ctx).values("code")
    qs = ctx.records("gov_project_month").filter(ctx.in_months_w(), project__in=projects)
    return Result(value=wan_to_yi(sum_of(qs, "invested")), records=qs)


# -- one project ---------------------------------------------------------------------------------------

def _project_codes(ctx: Context):
    return ctx.records("gov_project").order_by("code").values_list("code", flat=True)


def _codes_with(field: str):
    """Parameters of a per-project key: the projects where `field` is filled in (or counted > 0).

    A project without the value can still be asked for by key and is undefined with its reason;
    listing every project of the park for every such key would fill `figures` with empty areas
    of roads and pipes that have none.
    """

    def params(ctx: Context) -> list[str]:
        return sorted(code for code, row in _projects(ctx).items() if row.get(field))

    return params


def _projects(ctx: Context) -> dict[str, dict]:
    """Every project of the park with its sub-project counts (two queries for all `[CODE]` keys)."""

    def compute() -> dict[str, dict]:
        rows = {
            r["code"]: r for r in ctx.records("gov_project").values(
                "pk", "code", "total_investment", "land_area_mu", "floor_area_m2"
            )
        }
        counts = (
            ctx.records("sub_project").values("project")
            .annotate(n=Count("pk"), tendered=Count("pk", filter=ctx.by_d("tendered_on")))
            .order_by("project")
        )
        for r in rows.values():
            r["sub_projects"], r["tendered"] = 0, 0
        for c in counts:
            if c["project"] in rows:
                rows[c["project"]]["sub_projects"] = c["n"]
                rows[c["project"]]["tendered"] = c["tendered"]
        return rows

    return ctx.memo("construction.projects", compute)


def _project_field(ctx: Context, code: str, field: str, empty_reason: str, scale: int = 0) -> Result:
    row = _projects(ctx).get(code)
    if row is None:
        return undefined(NOT_IN_PARK)
    records = [("gov_project", row["pk"])]
    if row[field] is None:
        return undefined(empty_reason, records)
    return Result(value=Decimal(row[field]).scaleb(scale), records=records)


@indicator("build.project.total_investment[CODE]", name="项目总投资", unit="亿元", chapter=CHAPTER,
           sources=("gov_project",), definition="该政府投资项目的 `total_investment`（万元÷10000）",
           params=_codes_with("total_investment"))
def build_project_total_investment(ctx: Context, code: str) -> Result:
    return _project_field(ctx, code, "total_investment", "项目总投资未填报", -4)


@indicator("build.project.sub_projects[CODE]", name="子项目数", unit="个", chapter=CHAPTER,
           sources=("gov_project", "sub_project"), definition="该政府投资项目的 `sub_project` 记录数",
           params=_codes_with("sub_projects"))
def build_project_sub_projects(ctx: Context, code: str) -> Result:
    row = _projects(ctx).get(code)
    if row is None:
        return undefined(NOT_IN_PARK)
    return Result(value=Decimal(row["sub_projects"]),
                  records=lambda: ctx.records("sub_project").filter(project=code))


@indicator("build.project.sub_projects_tendered[CODE]", name="完成施工招标子项目", unit="个", chapter=CHAPTER,
           sources=("gov_project", "sub_project"), definition="该项目 `tendered_on` ≤ D 的子项目数",
           params=_codes_with("sub_projects"))
def build_project_sub_projects_tendered(ctx: Context, code: str) -> Result:
    row = _projects(ctx).get(code)
    if row is None:
        return undefined(NOT_IN_PARK)
    return Result(value=Decimal(row["tendered"]),
                  records=lambda: ctx.records("sub_project").filter(ctx.by_d("tendered_on"), project=code))


@indicator("build.project.land_area[CODE]", name="项目占地面积", unit="亩", chapter=CHAPTER,
           sources=("gov_project",), definition="该政府投资项目的 `land_area_mu`；未填报时无值（项目可为Y+1年计划）",
           params=_codes_with("land_area_mu"))
def build_project_land_area(ctx: Context, code: str) -> Result:
    return _project_field(ctx, code, "land_area_mu", "项目占地面积未填报")


@indicator("build.project.floor_area[CODE]", name="项目总建筑面积", unit="万平方米", chapter=CHAPTER,
           sources=("gov_project",),
           definition="该政府投资项目的 `floor_area_m2` ÷ 10000；未填报时无值（报告以“约”引用）",
           params=_codes_with("floor_area_m2"))
def build_project_floor_area(ctx: Context, code: str) -> Result:
    return _project_field(ctx, code, "floor_area_m2", "项目总建筑面积未填报", -4)


# -- land and sea -----------------------------------------------------------------------------------------

def _land_transfers(ctx: Context):
    return ctx.records("land_transfer").filter(ctx.in_w("transferred_on"))


@indicator("build.land_transfers", name="完成土地出让", unit="宗", chapter=CHAPTER, sources=("land_transfer",),
           definition="`transferred_on` 在W内的土地出让宗数")
def build_land_transfers(ctx: Context) -> Result:
    return Result(value=Decimal(_land_transfer_totals(ctx)["n"]), records=lambda: _land_transfers(ctx))


def _land_transfer_totals(ctx: Context) -> dict[str, Decimal | int]:
    """The land transfers of W: their number and Σ area, one query for both keys."""

    def compute() -> dict[str, Decimal | int]:
        row = _land_transfers(ctx).aggregate(n=Count("pk"), area_mu=exact_sum("area_mu"))
        return {"n": row["n"], "area_mu": amount(row["area_mu"])}

    return ctx.memo("construction.land_transfers", compute)


@indicator("build.land_transfers.area", name="土地出让面积", unit="亩", chapter=CHAPTER, sources=("land_transfer",),
           definition="Σ `area_mu`，`transferred_on` 在W内")
def build_land_transfers_area(ctx: Context) -> Result:
    return Result(value=_land_transfer_totals(ctx)["area_mu"], records=lambda: _land_transfers(ctx))


@indicator("build.sea_infra_approved_area", name="基础设施用海获批面积", unit="亩", chapter=CHAPTER,
           sources=("sea_use",), definition="Σ `area_mu`，基础设施用海，`approved_on` ≤ D（存量）")
def build_sea_infra_approved_area(ctx: Context) -> Result:
    return Result(value=_sea_use_totals(ctx)["infra_area"],
                  records=lambda: ctx.records("sea_use").filter(ctx.by_d("approved_on"),
                                                                kind=SeaUseKind.INFRASTRUCTURE))


def _sea_use_totals(ctx: Context) -> dict[str, Decimal | int]:
    """Σ area of the infrastructure sea use approved by D and the number of industrial ones not approved
    by D: one query for both keys."""

    def compute() -> dict[str, Decimal | int]:
        infra = Q(kind=SeaUseKind.INFRASTRUCTURE) & ctx.by_d("approved_on")
        preparing = Q(kind=SeaUseKind.INDUSTRIAL) & ctx.not_by_d("approved_on")
        kinds = (SeaUseKind.INFRASTRUCTURE, SeaUseKind.INDUSTRIAL)
        row = ctx.records("sea_use").filter(kind__in=kinds).aggregate(
            infra_area=exact_sum("area_mu", infra), preparing=Count("pk", filter=preparing),
        )
        return {"infra_area": amount(row["infra_area"]), "preparing": row["preparing"]}

    return ctx.memo("construction.sea_use", compute)


@indicator("build.sea_industrial_preparing", name="筹备产业用海项目", unit="个", chapter=CHAPTER,
           sources=("sea_use",), definition="产业用海中截至D未获批（`approved_on` 为空或晚于D）的项目数")
def build_sea_industrial_preparing(ctx: Context) -> Result:
    return Result(value=Decimal(_sea_use_totals(ctx)["preparing"]),
                  records=lambda: ctx.records("sea_use").filter(ctx.not_by_d("approved_on"),
                                                                kind=SeaUseKind.INDUSTRIAL))


@indicator("build.basic_farmland_area", name="规划调整涉及基本农田", unit="亩", chapter=CHAPTER,
           sources=("manual_figure",), definition="手工填报（存量）：本园区Y年月份 ≤ P 的最新一条 `manual_figure`")
def build_basic_farmland_area(ctx: Context) -> Result:
    row = ctx.manual_record("build.basic_farmland_area", stock=True)
    if row is None:
        return undefined("未填报（手工填报指标：本年截至本月无记录）")
    return Result(value=row.value, records=[("manual_figure", row.pk)])


# -- ecology ------------------------------------------------------------------------------------------------

@indicator("eco.water_green_projects", name="水系绿地项目", unit="个", chapter=CHAPTER, sources=("gov_project",),
           definition="类别为水系绿地（water_green）且 `plan_year` = Y 的政府投资项目数")
def eco_water_green_projects(ctx: Context) -> Result:
    return Result(value=Decimal(_year_totals(ctx)["water_green"]),
                  records=lambda: _projects_of_year(ctx).filter(category=GovProjectCategory.WATER_GREEN))


def _releases(ctx: Context):
    return ctx.records("stock_release").filter(ctx.in_w("released_on"))


def _release_sums(ctx: Context) -> dict[str, Decimal]:
    """The releases of W: their number (`n`) and Σ of the three amounts, one query for the four keys."""

    def compute() -> dict[str, Decimal]:
        fields = ("benthic_10k", "fish_10k", "contract_amount")
        row = _releases(ctx).aggregate(n=Count("pk"), **{f: exact_sum(f) for f in fields})
        return {"n": Decimal(row["n"]), **{f: amount(row[f]) for f in fields}}

    return ctx.memo("construction.releases", compute)


@indicator("eco.releases", name="增殖放流", unit="次", chapter=CHAPTER, sources=("stock_release",),
           definition="`released_on` 在W内的增殖放流次数")
def eco_releases(ctx: Context) -> Result:
    return Result(value=_release_sums(ctx)["n"], records=lambda: _releases(ctx))


@indicator("eco.releases.benthic", name="增殖放流潮间底栖生物", unit="万粒", chapter=CHAPTER,
           sources=("stock_release",), definition="Σ `benthic_10k`，`released_on` 在W内")
def eco_releases_benthic(ctx: Context) -> Result:
    return Result(value=_release_sums(ctx)["benthic_10k"], records=lambda: _releases(ctx))


@indicator("eco.releases.fish", name="增殖放流鱼类等", unit="万尾", chapter=CHAPTER,
           sources=("stock_release",), definition="Σ `fish_10k`，`released_on` 在W内")
def eco_releases_fish(ctx: Context) -> Result:
    return Result(value=_release_sums(ctx)["fish_10k"], records=lambda: _releases(ctx))


@indicator("eco.releases.contract", name="增殖放流合同总金额", unit="万元", chapter=CHAPTER,
           sources=("stock_release",), definition="Σ `contract_amount`，`released_on` 在W内")
def eco_releases_contract(ctx: Context) -> Result:
    return Result(value=_release_sums(ctx)["contract_amount"], records=lambda: _releases(ctx))


@indicator("eco.wetland_planned_area", name="计划修复湿地面积", unit="公顷", chapter=CHAPTER, sources=("wetland",),
           definition="Σ `wetland.planned_area_ha`（本园区及下级园区全部湿地，存量）")
def eco_wetland_planned_area(ctx: Context) -> Result:
    qs = ctx.records("wetland")
    return Result(value=sum_of(qs, "planned_area_ha"), records=qs)

