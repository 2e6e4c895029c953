"""(三) 基础配套: government projects (monthly investment, sub-projects, milestones), land, sea, ecology."""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from parkledger.construction.models import (
    GovProject,
    GovProjectMonth,
    LandTransfer,
    Milestone,
    SeaUse,
    StockRelease,
    SubProject,
    Wetland,
)
from parkledger.dataio.demo.context import BuildContext, money, qty
from parkledger.dataio.demo.dates import day_between, month_text

__all__ = ["build_construction", "WETLAND"]

WETLAND = "WL-CENTER"


@dataclass(frozen=True)
class GovSpec:
    code: str
    name: str
    category: str
    plan_year: int
    total: int  # 万元
    annual_plan: int  # 万元
    started: str = ""
    completed: str = ""
    fai: str = ""
    land_mu: str = ""
    floor_m2: str = ""


_GOV_PROJECTS: tuple[GovSpec, ...] = (
    # 2022: the agreed projects and the work report's others.
    GovSpec("GP-GBBL", "固北北路", "road", 2022, 38600, 16000, "2021-11-18", "", "2022-03-15", land_mu="156.8"),
    GovSpec("GP-KXL", "科兴路东延", "road", 2022, 26500, 14000, "2022-02-22", "", "2022-04-20", land_mu="112.4"),
    GovSpec("GP-PASSENGER", "前湾客运中心新建工程", "road", 2022, 32000, 6000, "2022-07-26", "", "2022-09-08", land_mu="48.6", floor_m2="36500"),
    GovSpec("GP-AMENITY", "综合配套提升工程", "amenity", 2022, 126000, 9000, land_mu="212.5", floor_m2="286000"),
    GovSpec("GP-FAC4", "生态园标准厂房四期", "factory", 2022, 42000, 12000, "2020-10-16", "2022-06-30", land_mu="118.2", floor_m2="142000"),
    GovSpec("GP-FAC5", "生态园标准厂房五期", "factory", 2022, 38000, 15000, "2021-09-06", "", "2021-10-20", land_mu="104.6", floor_m2="126500"),
    GovSpec("GP-FAC6", "生态园标准厂房六期", "factory", 2022, 36000, 13000, "2022-03-10", "", "2022-04-26", land_mu="98.3", floor_m2="118000"),
    GovSpec("GP-FAC7", "生态园标准厂房七期", "factory", 2022, 41000, 9000, "2022-06-08", "", "2022-07-19", land_mu="112.9", floor_m2="135800"),
    GovSpec("GP-PWR3", "电力系统三期", "utility", 2022, 12800, 7000, "2021-12-06", land_mu="12.6", floor_m2="4800"),
    GovSpec("GP-DN1000", "DN1000给水管安装工程", "utility", 2022, 6400, 5200, "2022-03-01", "2022-10-28"),
    GovSpec("GP-LNG", "LNG供气站", "utility", 2022, 9500, 6000, "2021-08-16", "2022-11-25", land_mu="18.4", floor_m2="2600"),
    GovSpec("GP-WHB", "220KV望海变", "utility", 2022, 18000, 8000, "2022-05-17", "", "2022-06-21", land_mu="24.8", floor_m2="9200"),
    GovSpec("GP-YBSC", "姚北水厂新建工程一期", "utility", 2022, 56000, 7500, "2022-08-09", "", "2022-09-20", land_mu="136.5", floor_m2="28600"),
    GovSpec("GP-BHDD", "滨海大道北侧景观绿化工程", "water_green", 2022, 7800, 5000, "2021-10-12", "2022-06-15", land_mu="96.2"),
    GovSpec("GP-GREEN2", "二期工程绿化", "water_green", 2022, 5600, 2500, "2022-11-08", land_mu="78.5"),
    GovSpec("GP-RIVER2", "二期新建河流工程", "water_green", 2022, 14500, 4000, "2022-12-05", land_mu="165.3"),
    GovSpec("GP-WETLAND", "中心湿地修复工程", "ecology", 2022, 22000, 3000, land_mu="1807.5"),
    GovSpec("GP-SEWAGE", "污水处理厂提标改造工程", "utility", 2022, 16000, 6000, "2022-04-12", "", "2022-05-18", land_mu="42.7", floor_m2="12400"),
    GovSpec("GP-RAINSEP", "企业雨污分流改造工程", "other", 2022, 3800, 3800, "2022-02-14", "2022-09-26"),
    GovSpec("GP-CCTV", "市政管网CCTV排查修复工程", "other", 2022, 2600, 2600, "2022-03-07", "2022-11-18"),
    GovSpec("GP-SMART", "智慧园区指挥中心", "other", 2022, 4200, 2800, "2022-04-25", floor_m2="3200"),
    # The next year's projects of the work plan.
    GovSpec("GP-CULTURE", "中国-中东欧文化交流中心", "culture", 2023, 150000, 20000,
            land_mu="86.4", floor_m2="118500"),
    GovSpec("GP-PWR4", "电力系统四期", "utility", 2023, 15600, 8000, land_mu="14.2", floor_m2="5600"),
    # Earlier years.
    GovSpec("GP-FAC2", "生态园标准厂房二期", "factory", 2020, 35000, 18000, "2019-08-20", "2020-12-18", "2019-10-09", land_mu="96.4", floor_m2="108000"),
    GovSpec("GP-FAC3", "生态园标准厂房三期", "factory", 2021, 39000, 20000, "2020-05-11", "2021-11-30", "2020-06-22", land_mu="102.8", floor_m2="121000"),
    GovSpec("GP-BHDD1", "滨海大道一期", "road", 2020, 46000, 21000, "2019-04-02", "2020-10-30", "2019-05-20", land_mu="268.5"),
    GovSpec("GP-XHL", "兴海路", "road", 2021, 21000, 14000, "2020-11-03", "2021-12-20", "2020-12-15", land_mu="124.6"),
    GovSpec("GP-RIVER1", "一期新建河流工程", "water_green", 2021, 12000, 8000, "2021-03-15", "2021-12-10",
            "2021-04-27", land_mu="142.8"),
    GovSpec("GP-GREEN1", "一期工程绿化", "water_green", 2020, 6800, 6800, "2020-04-08", "2020-11-25", land_mu="64.3"),
    GovSpec("GP-PWR2", "电力系统二期", "utility", 2020, 11000, 9000, "2020-03-16", "2020-12-28", "2020-05-06", land_mu="10.8", floor_m2="4200"),
    GovSpec("GP-WATER1", "园区供水管网一期", "utility", 2021, 8600, 8600, "2021-02-22", "2021-10-15"),
    GovSpec("GP-STATION", "公交首末站", "other", 2021, 3200, 3200, "2021-05-10", "2021-11-26", land_mu="8.6", floor_m2="2400"),
    GovSpec("GP-NEIGHBOUR", "邻里中心一期", "amenity", 2020, 18000, 9000, "2019-09-09", "2021-06-30",
            "2019-10-23", land_mu="28.5", floor_m2="46800"),
    GovSpec("GP-BEACH", "海堤生态修复工程", "ecology", 2021, 9000, 6000, "2021-04-06", "2021-12-24", land_mu="386.4"),
)

_AMENITY_SUBPROJECTS = (
    ("邻里中心二期", "2022-05-26"), ("人才公寓", "2022-06-17"), ("九年一贯制学校", "2022-07-08"),
    ("社区卫生服务站", "2022-08-12"), ("体育公园", "2022-09-16"), ("停车楼", "2022-11-10"),
    ("商业综合体", ""), ("消防站", ""), ("公交换乘中心", ""),
)

_MILESTONES = (
    ("gov_project", "GP-GBBL", "2022-08-26", "完成路基建设", False),
    ("gov_project", "GP-KXL", "2022-12-31", "预计年底完成一标段施工并正式通车投用", True),
    ("gov_project", "GP-PASSENGER", "2022-07-26", "开工建设", False),
    ("gov_project", "GP-FAC4", "2022-06-30", "完工", False),
    ("gov_project", "GP-AMENITY", "2022-03-18", "完成立项", False),
    ("gov_project", "GP-AMENITY", "2022-05-20", "完成规划选址", False),
    ("gov_project", "GP-AMENITY", "2022-07-12", "完成用地预审", False),
    ("gov_project", "GP-BHDD", "2022-06-15", "完成滨海大道北侧景观绿化工程", False),
    ("gov_project", "GP-LNG", "2022-10-31", "即将正式投用", True),
    ("gov_project", "GP-GREEN2", "2022-11-30", "即将开工建设", True),
    ("wetland", WETLAND, "2022-04-15", "完成勘察设计招标", False),
    ("wetland", WETLAND, "2022-07-28", "完成初设批复", False),
    ("wetland", WETLAND, "2022-09-20", "初步完成海域使用论证材料", False),
    ("platform", "RS-PCR", "2021-09-26", "投入运营", False),
    ("platform", "SV-LOGI", "2021-12-16", "建成投用", False),
    ("investment_project", "IP-K001", "2022-06-18", "竣工投产", False),
    ("investment_project", "IP-K005", "2022-03-28", "开工建设", False),
)


def _day(text: str) -> date | None:
    return date.fromisoformat(text) if text else None


def build_construction(ctx: BuildContext) -> dict[str, list]:
    rng = ctx.rng("construction")
    projects = [_gov_project(ctx, g) for g in _GOV_PROJECTS if g.plan_year in ctx.years or g.plan_year > ctx.last_year]
    projects += _generic_gov_projects(ctx, rng)
    return {
        "gov_project": projects,
        "gov_project_month": _gov_months(ctx, rng, projects),
        "sub_project": _sub_projects(ctx, projects),
        "wetland": [Wetland(code=ctx.code(WETLAND), park_id=ctx.spec.code, name="中心湿地",
                            planned_area_ha=Decimal("120.5"), restored_area_ha=Decimal(0))],
        "milestone": [
            Milestone(code=ctx.next_code("MS"), subject_kind=kind, subject=ctx.code(subject),
                      happened_on=_day(day), text=text, expected=expected)
            for kind, subject, day, text, expected in _MILESTONES
        ],
        "land_transfer": _land_transfers(ctx, rng),
        "sea_use": _sea_uses(ctx),
        "stock_release": _stock_releases(ctx),
    }


def _gov_project(ctx: BuildContext, g: GovSpec) -> GovProject:
    return GovProject(
        code=ctx.code(g.code), name=g.name, park_id=ctx.spec.code, category=g.category, plan_year=g.plan_year,
        total_investment=Decimal(g.total), annual_plan=Decimal(g.annual_plan),
        land_area_mu=Decimal(g.land_mu) if g.land_mu else None,
        floor_area_m2=Decimal(g.floor_m2) if g.floor_m2 else None,
        started_on=_day(g.started), completed_on=_day(g.completed), fai_registered_on=_day(g.fai),
    )


_GENERIC_GOV = (("园区道路提升改造工程", "road"), ("标准厂房配套工程", "factory"), ("供电线路迁改工程", "utility"),
                ("河道综合整治工程", "water_green"), ("公园绿地提升工程", "water_green"), ("人才公寓配套工程", "amenity"),
                ("污水管网延伸工程", "utility"), ("生态护岸工程", "ecology"))


def _generic_gov_projects(ctx: BuildContext, rng: random.Random) -> list[GovProject]:
    """More (smaller) projects at larger scales, numbered 标段 of the usual kinds."""
    extra = ctx.count(1) - 1  # none at the demo scale
    rows = []
    for year in ctx.years:
        for i in range(extra * 3):
            name, category = rng.choice(_GENERIC_GOV)
            started = day_between(rng, date(year, 2, 1), date(year, 7, 31))
            total = int(rng.uniform(1500, 9000))
            land = qty(rng.uniform(8, 120)) if category != "utility" else None  # pipelines occupy no land
            floor = Decimal(int(rng.uniform(8000, 60000))) if category in ("factory", "amenity") else None
            rows.append(GovProject(
                code=ctx.next_code(f"GP-{year}"), name=f"{name}（{i + 1}标）", park_id=ctx.spec.code,
                category=category, plan_year=year, total_investment=Decimal(total), land_area_mu=land,
                floor_area_m2=floor,
                annual_plan=Decimal(int(total * rng.uniform(0.5, 1.0))), started_on=started,
                completed_on=started + timedelta(days=rng.randint(150, 330)) if year < ctx.last_year else None,
                fai_registered_on=started + timedelta(days=30) if total >= 5000 else None,
            ))
    return rows


def _gov_months(ctx: BuildContext, rng: random.Random, projects: list[GovProject]) -> list[GovProjectMonth]:
    """Monthly investment of each project in its plan year (early works only when not yet started)."""
    rows = []
    for p in projects:
        if p.plan_year > ctx.last_year:
            continue
        year = p.plan_year
        first = p.started_on.month if p.started_on and p.started_on.year == year else (4 if not p.started_on else 1)
        last = p.completed_on.month if p.completed_on and p.completed_on.year == year else 12
        months = list(range(first, last + 1))
        plan = float(p.annual_plan) * (1.0 if p.started_on else 0.35)
        for month in months:
            rows.append(GovProjectMonth(project_id=p.code, month=month_text(year, month),
                                        invested=money(plan / len(months) * rng.uniform(0.7, 1.3))))
    return rows


# Sub-projects (标段) by category; the first is tendered before construction starts.
_SUB_PROJECTS = {
    "road": ("一标段", "二标段"),
    "factory": ("土建工程", "室外配套工程"),
    "utility": ("土建工程", "设备安装工程"),
    "water_green": ("一标段", "二标段"),
    "ecology": ("一期工程", "二期工程"),
    "amenity": ("主体工程", "室外配套工程"),
    "other": ("施工总承包",),
    "culture": ("桩基工程", "主体工程", "幕墙工程", "景观工程"),
}
# Tenders done ahead of a later start: code → (sub-project, tender date).
_EARLY_TENDERS = {
    "GP-CULTURE": ("桩基工程", "2022-09-16"),
    "GP-PWR4": ("土建工程", "2022-08-23"),
    "GP-WETLAND": ("一期工程", "2022-09-09"),
    "GP-GREEN2": ("一标段", "2022-09-22"),
    "GP-RIVER2": ("一标段", "2022-09-28"),
}


def _sub_projects(ctx: BuildContext, projects: list[GovProject]) -> list[SubProject]:
    rng = ctx.rng("sub-projects")
    end = date(ctx.last_year, 12, 31)
    rows = [SubProject(project_id=ctx.code("GP-AMENITY"), name=name, tendered_on=_day(tendered))
            for name, tendered in _AMENITY_SUBPROJECTS]
    for p in projects:
        if p.code == ctx.code("GP-AMENITY"):
            continue
        early = _EARLY_TENDERS.get(p.code.removeprefix(ctx.spec.prefix))
        for i, name in enumerate(_SUB_PROJECTS[p.category]):
            tendered = completed = None
            if early and early[0] == name:
                tendered = _day(early[1])
            elif p.started_on:
                if i == 0:
                    tendered = p.started_on - timedelta(days=rng.randint(20, 45))
                else:
                    tendered = p.started_on + timedelta(days=rng.randint(30, 150))
                    tendered = tendered if tendered <= end else None
                if tendered and p.completed_on:
                    completed = p.completed_on - timedelta(days=rng.randint(0, 20) if i == 0 else 0)
                    completed = max(completed, tendered)
            rows.append(SubProject(project_id=p.code, name=name, tendered_on=tendered, completed_on=completed))
    return rows


def _land_transfers(ctx: BuildContext, rng: random.Random) -> list[LandTransfer]:
    rows = []
    uses = ("工业用地", "工业用地", "工业用地", "仓储用地", "商服用地", "科研用地")
    for year in ctx.years:
        for seq in range(1, ctx.count(13, rng) + 1):
            transferred = day_between(rng, date(year, 2, 10), date(year, 12, 25))
            buyers = [e for e in rng.sample(ctx.enterprises, 5) if e.industrial and e.active_on(transferred)]
            rows.append(LandTransfer(
                park_id=ctx.spec.code, parcel_code=ctx.code(f"YZ{year}-{seq:03d}"),
                area_mu=qty(rng.uniform(15, 110)), transferred_on=transferred, use=rng.choice(uses),
                uscc_id=buyers[0].uscc if buyers else None,
            ))
    return rows


def _sea_uses(ctx: BuildContext) -> list[SeaUse]:
    rows = (
        ("前湾新区生态园区域基础设施用海", "infrastructure", "3260", "2020-11-16", "2021-06-18"),
        ("滨海大道东延基础设施用海", "infrastructure", "185.6", "2021-12-08", "2022-05-10"),
        ("中心湿地配套零星基础设施用海", "infrastructure", "42.3", "2022-07-21", ""),
        ("新材料产业基地一期产业用海", "industrial", "326", "2019-10-11", "2020-08-26"),
        ("高端装备产业园产业用海", "industrial", "412.5", "2022-06-27", ""),
        ("新能源电池材料产业用海", "industrial", "538", "", ""),
        ("临港物流仓储产业用海", "industrial", "265.8", "", ""),
    )
    return [
        SeaUse(code=ctx.next_code("SU"), park_id=ctx.spec.code, name=name, kind=kind, area_mu=Decimal(area),
               submitted_on=_day(submitted), approved_on=_day(approved))
        for name, kind, area, submitted, approved in rows
    ]


def _stock_releases(ctx: BuildContext) -> list[StockRelease]:
    rows = (
        ("2020-06-06", "300", "80", "24.6"),
        ("2021-06-05", "360", "95", "27.8"),
        ("2021-08-18", "280", "60", "21.5"),
        ("2022-05-21", "420", "110", "33.6"),
        ("2022-06-06", "510", "135", "39.2"),
        ("2022-08-16", "380", "90", "28.4"),
        ("2022-11-12", "260", "70", "19.8"),
    )
    return [
        StockRelease(code=ctx.next_code("FL"), park_id=ctx.spec.code, released_on=_day(day),
                     benthic_10k=Decimal(benthic), fish_10k=Decimal(fish), contract_amount=Decimal(amount))
        for day, benthic, fish, amount in rows if int(day[:4]) in ctx.years
    ]
