"""(一) 招商引资: investment projects in every pipeline stage, talents, platforms and their projects."""
from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date, timedelta

from parkledger.dataio.demo.context import BuildContext, money
from parkledger.dataio.demo.dates import day_between
from parkledger.dataio.demo.names import CEE_COUNTRIES, INDUSTRIES, person_name, project_name
from parkledger.investment.models import (
    InvestmentProject,
    Platform,
    PlatformProject,
    PlatformTenant,
    Talent,
    TalentApplication,
    TalentHonour,
)

__all__ = ["build_investment", "PLATFORMS", "TALENT_PROGRAM", "HONOUR_TITLE", "GENERIC_INVESTMENT_CAP"]

TALENT_PROGRAM = "甬江引才工程"
HONOUR_TITLE = "市杰出人才"

#: Generic projects stay below this total investment (万元), so the named projects lead their sets.
GENERIC_INVESTMENT_CAP = 28000


@dataclass(frozen=True)
class PlatformSpec:
    code: str
    name: str
    kind: str
    city: str
    country: str
    opened_on: date
    in_sub_park: bool = False


PLATFORMS: tuple[PlatformSpec, ...] = (
    PlatformSpec("SH-FUDAN", "余姚复旦(张江)科创中心", "enclave", "上海", "CN", date(2019, 6, 18)),
    PlatformSpec("SH-HONGQIAO", "上海虹桥余姚楼", "enclave", "上海", "CN", date(2020, 9, 8)),
    PlatformSpec("IC-DE", "中德(斯图加特)创新中心", "intl_center", "斯图加特", "DE", date(2018, 11, 6)),
    PlatformSpec("IC-IL", "中以(特拉维夫)创新中心", "intl_center", "特拉维夫", "IL", date(2019, 4, 22)),
    PlatformSpec("IC-FI", "中芬(赫尔辛基)创新中心", "intl_center", "赫尔辛基", "FI", date(2019, 10, 15)),
    PlatformSpec("IC-US", "中美(硅谷)创新中心", "intl_center", "圣何塞", "US", date(2018, 6, 12)),
    PlatformSpec("CEE-NB", "宁波中东欧创新基地", "cee_base", "宁波", "CN", date(2019, 6, 6), True),
    PlatformSpec("CEE-BUD", "余姚中东欧(布达佩斯)创新基地", "cee_base", "布达佩斯", "HU", date(2020, 11, 18), True),
    PlatformSpec("RS-PCR", "铭时基因数字PCR创新公共平台", "research", "余姚", "CN", date(2021, 9, 26)),
    PlatformSpec("INC-ECO", "前湾硅谷众创空间", "incubator", "余姚", "CN", date(2017, 5, 10)),
    PlatformSpec("SV-LOGI", "易拼网B2B跨境零担物流一站式服务平台", "service", "余姚", "CN", date(2021, 12, 16), True),
)

# Platform projects: (name, country, incubated, recommended, signed, landed) per platform.
# The named records of this module are dated for a last data year of 2022 (every scale ends then).
_PLATFORM_PROJECTS: dict[str, tuple[tuple[str, str, str, str, str, str], ...]] = {
    "SH-FUDAN": (
        ("类脑芯片研发项目", "CN", "2020-03-12", "", "2020-06-18", "2020-11-20"),
        ("高通量基因测序仪项目", "CN", "2020-05-20", "", "2020-09-09", "2021-03-15"),
        ("工业互联网安全平台项目", "CN", "2020-10-08", "", "2021-01-19", "2021-06-30"),
        ("柔性显示材料项目", "CN", "2021-02-24", "", "2021-05-27", "2021-12-08"),
        ("手术机器人项目", "CN", "2021-06-15", "", "2021-09-28", "2022-04-12"),
        ("碳化硅功率器件项目", "CN", "2021-09-07", "", "2022-01-18", "2022-07-21"),
        ("智能网联汽车域控制器项目", "CN", "2022-01-10", "", "2022-05-16", ""),
        ("mRNA疫苗递送技术项目", "CN", "2022-03-03", "", "2022-08-25", ""),
        ("量子通信终端项目", "CN", "2022-05-30", "", "", ""),
        ("光刻胶材料项目", "CN", "2022-08-11", "", "", ""),
        ("氢能储运装备项目", "CN", "2022-10-20", "", "", ""),
    ),
    "SH-HONGQIAO": (
        ("跨境电商运营总部项目", "CN", "", "2020-10-12", "2020-12-03", "2021-02-24"),
        ("长三角研发飞地项目", "CN", "2021-03-09", "2021-03-09", "2021-06-22", "2021-10-13"),
        ("数字营销服务项目", "CN", "2022-02-17", "2022-02-17", "2022-06-08", ""),
    ),
    "IC-DE": (
        ("工业4.0智能工厂解决方案项目", "DE", "", "2019-05-14", "2019-11-20", "2020-09-16"),
        ("氢燃料电池双极板项目", "DE", "", "2020-04-08", "2020-12-15", "2021-08-26"),
        ("精密减速机项目", "DE", "", "2020-11-23", "", ""),
        ("汽车轻量化材料项目", "DE", "", "2021-04-19", "2021-10-28", "2022-05-19"),
        ("光伏逆变器研发项目", "DE", "", "2021-09-01", "", ""),
        ("医疗影像设备项目", "DE", "", "2022-02-23", "2022-07-07", ""),
        ("工业机器人关节模组项目", "DE", "", "2022-06-30", "", ""),
        ("电动工具电机项目", "DE", "2022-04-06", "2022-08-18", "", ""),
    ),
    "IC-IL": (
        ("农业滴灌物联网项目", "IL", "", "2019-09-10", "2020-05-26", "2020-12-10"),
        ("网络安全芯片项目", "IL", "", "2020-06-17", "", ""),
        ("医疗影像AI诊断项目", "IL", "", "2021-01-13", "2021-08-05", "2022-03-24"),
        ("海水淡化膜技术项目", "IL", "", "2021-07-21", "", ""),
        ("无人机避障系统项目", "IL", "2022-01-20", "2022-03-16", "", ""),
        ("数字健康监测手环项目", "IL", "", "2022-07-27", "", ""),
    ),
    "IC-FI": (
        ("清洁能源热泵项目", "FI", "", "2020-02-19", "2020-10-21", "2021-05-18"),
        ("森林纤维新材料项目", "FI", "", "2020-09-29", "", ""),
        ("5G通信模组项目", "FI", "2021-05-12", "2021-06-02", "2022-01-26", ""),
        ("北极光智能照明项目", "FI", "", "2022-04-13", "", ""),
    ),
    "IC-US": (
        ("芯片设计与产业链一体化项目", "US", "", "2019-08-06", "2020-01-15", "2020-08-11"),
        ("自动驾驶激光雷达项目", "US", "", "2019-12-03", "2020-07-29", "2021-01-27"),
        ("生物医药CRO项目", "US", "", "2020-05-12", "2020-11-18", "2021-06-09"),
        ("云端工业软件项目", "US", "", "2020-12-08", "2021-06-16", "2021-11-17"),
        ("储能BMS芯片项目", "US", "2021-03-30", "2021-04-21", "2021-10-20", "2022-06-15"),
        ("AR光波导镜片项目", "US", "", "2021-10-26", "", ""),
        ("合成生物学酶制剂项目", "US", "", "2022-03-09", "2022-08-03", ""),
        ("边缘计算服务器项目", "US", "", "2022-06-21", "", ""),
    ),
    "CEE-NB": (
        ("智慧路灯项目", "EE", "2020-04-22", "2020-06-10", "2020-11-25", "2021-03-16"),
        ("波兰琥珀文创项目", "PL", "", "2020-08-19", "2021-04-14", "2021-09-23"),
        ("捷克水晶玻璃工艺项目", "CZ", "", "2020-10-14", "2021-07-06", "2021-12-14"),
        ("塞尔维亚葡萄酒进口贸易项目", "RS", "", "2021-02-03", "2021-09-15", "2022-03-10"),
        ("斯洛伐克汽车座椅项目", "SK", "", "2021-05-26", "", ""),
        ("罗马尼亚木制家具项目", "RO", "", "2021-08-18", "", ""),
        ("保加利亚玫瑰精油项目", "BG", "", "2021-11-10", "2022-06-22", ""),
        ("斯洛文尼亚户外用品项目", "SI", "", "2022-01-12", "", ""),
        ("克罗地亚游艇设计项目", "HR", "", "2022-03-30", "", ""),
        ("立陶宛激光技术项目", "LT", "2022-04-07", "2022-05-18", "", ""),
        ("拉脱维亚木结构建筑项目", "LV", "", "2022-07-13", "", ""),
        ("希腊橄榄油进口项目", "GR", "", "2022-09-07", "", ""),
    ),
    "CEE-BUD": (
        ("量子水泥项目", "HU", "2020-10-20", "2020-12-09", "2021-03-31", "2021-07-09"),
        ("匈牙利生物医药研发项目", "HU", "", "2021-03-17", "2021-10-13", "2022-02-16"),
        ("匈牙利动物疫苗项目", "HU", "2021-05-12", "2021-06-23", "", ""),
        ("捷克数控机床项目", "CZ", "", "2021-09-29", "2022-04-20", "2022-08-30"),
        ("波兰汽车零部件项目", "PL", "", "2022-01-19", "", ""),
        ("匈牙利温泉康养项目", "HU", "", "2022-04-27", "", ""),
        ("爱沙尼亚电子政务软件项目", "EE", "", "2022-06-15", "", ""),
        ("斯洛伐克电动自行车项目", "SK", "", "2022-08-24", "", ""),
    ),
    "RS-PCR": (
        ("诺奖领衔的NK细胞项目", "CN", "2021-10-18", "", "2021-12-22", "2022-05-26"),
        ("数字PCR试剂盒项目", "CN", "2021-11-09", "", "2022-02-15", "2022-06-29"),
        ("肿瘤早筛液体活检项目", "CN", "2022-03-21", "", "2022-07-12", ""),
        ("病原微生物快检项目", "CN", "2022-06-08", "", "", ""),
    ),
    "INC-ECO": (
        ("智能仓储机器人项目", "CN", "2019-03-14", "", "2019-06-12", "2019-09-18"),
        ("工业视觉检测项目", "CN", "2019-09-24", "", "2020-01-08", "2020-05-20"),
        ("宠物智能用品项目", "CN", "2020-06-03", "", "2020-09-16", "2021-01-12"),
        ("新型储能材料项目", "CN", "2020-11-11", "", "2021-03-03", "2021-07-07"),
        ("跨境电商直播基地项目", "CN", "2021-04-22", "", "2021-07-28", "2021-11-24"),
        ("医用防护材料项目", "CN", "2021-10-27", "", "2022-01-12", "2022-04-28"),
        ("智慧农业传感器项目", "CN", "2022-02-23", "", "2022-06-01", "2022-09-14"),
        ("电子皮肤传感项目", "CN", "2022-05-25", "", "2022-09-20", ""),
        ("无人配送车项目", "CN", "2022-08-17", "", "", ""),
    ),
    "SV-LOGI": (
        ("中东欧商品跨境集拼项目", "CN", "", "2021-12-20", "2022-03-09", "2022-05-11"),
        ("普洛斯物流中心项目", "CN", "", "2022-01-26", "2022-06-15", ""),
        ("冷链前置仓项目", "CN", "2022-07-06", "2022-07-06", "", ""),
    ),
}

@dataclass(frozen=True)
class NamedProject:
    """A project the work report names (total investment in 万元, stage dates as ISO text)."""

    name: str
    industry: str
    total: int
    contacted: str = ""
    submitted: str = ""
    reviewed: str = ""
    signed: str = ""
    planned: str = ""
    started: str = ""
    production: str = ""
    registered: str = ""
    fai: str = ""
    terminated: str = ""
    source: str = "domestic_outside"
    country: str = "CN"
    platform: str = ""
    sub_park: bool = False


# Named projects of the last data year, the first of each group leading its set.
_NAMED_PROJECTS: tuple[NamedProject, ...] = (
    # Production in the report window; the first leads its set.
    NamedProject(name="年产30万套LED车灯研发生产项目", industry="3874", total=52000, contacted="2020-05-11",
         submitted="2020-08-04", reviewed="2020-09-10", signed="2020-10-16", planned="2021-01-15",
         started="2021-03-08", production="2022-06-18", registered="2020-11-20", fai="2021-04-12",
         source="domestic_outside"),
    NamedProject(name="年产500万只汽车传感器生产项目", industry="3670", total=36000, contacted="2020-09-02",
         submitted="2020-11-16", reviewed="2020-12-09", signed="2021-01-08", planned="2021-03-20",
         started="2021-04-16", production="2022-03-25", registered="2021-02-03", fai="2021-05-20"),
    NamedProject(name="高端医疗耗材生产线项目", industry="3589", total=21000, contacted="2020-12-14",
         submitted="2021-02-22", reviewed="2021-03-15", signed="2021-04-09", planned="2021-07-01",
         started="2021-07-12", production="2022-08-16", registered="2021-05-06", fai="2021-08-18"),
    NamedProject(name="年产3万吨改性塑料扩建项目", industry="2929", total=15000, contacted="2021-01-18",
         submitted="2021-03-29", reviewed="2021-04-20", signed="2021-05-14", planned="2021-08-01",
         started="2021-08-09", production="2022-05-20", registered="", fai="2021-09-13", source="local"),
    # Started in the report window.
    NamedProject(name="年产120万件特种汽车零部件生产项目", industry="3670", total=68000, contacted="2021-05-10",
         submitted="2021-09-14", reviewed="2021-10-26", signed="2021-12-20", planned="2022-03-15",
         started="2022-03-28", registered="2022-01-18", fai="2022-05-10", source="domestic_outside"),
    NamedProject(name="伺服电机智能化生产线项目", industry="3811", total=32000, contacted="2021-08-16",
         submitted="2021-11-22", reviewed="2021-12-14", signed="2022-01-21", planned="2022-05-01",
         started="2022-05-18", registered="2022-02-25", fai="2022-06-22"),
    NamedProject(name="光学膜研发及产业化项目", industry="3985", total=25000, contacted="2021-10-08",
         submitted="2022-01-10", reviewed="2022-02-17", signed="2022-03-11", planned="2022-07-01",
         started="2022-07-06", registered="2022-04-14", fai="2022-08-09", platform="IC-FI",
         source="foreign", country="FI"),
    NamedProject(name="智能水表数字化工厂项目", industry="4090", total=12000, contacted="2021-12-06",
         submitted="2022-02-21", reviewed="2022-03-14", signed="2022-04-08", planned="2022-08-01",
         started="2022-08-15", registered="2022-05-09", fai="", source="local"),
    # Signed, to start before the end of the year.
    NamedProject(name="万洋小微企业园二期项目", industry="7221", total=45000, contacted="2021-11-15",
         submitted="2022-02-28", reviewed="2022-04-07", signed="2022-05-12", planned="2022-11-18",
         started="2022-12-06", registered="2022-06-16", fai="", source="domestic_outside"),
    NamedProject(name="精密注塑模具生产项目", industry="3525", total=18000, contacted="2022-01-17",
         submitted="2022-04-11", reviewed="2022-05-19", signed="2022-07-08", planned="2022-10-20",
         started="2022-10-25", registered="2022-08-03", fai=""),
    NamedProject(name="环保纸包装智能制造项目", industry="2231", total=9800, contacted="2022-03-07",
         submitted="2022-05-23", reviewed="2022-06-28", signed="2022-08-19", planned="2022-12-15",
         started="", registered="", fai="", source="local"),
    # Pending review (submitted, not yet reviewed by the end of the report period).
    NamedProject(name="瑞华康源智能医院物联网设备项目", industry="3589", total=30000, contacted="2022-03-14",
         submitted="2022-08-22", reviewed="2022-10-14", signed="2022-11-02", planned="2023-03-01",
         started="", registered="2022-12-08", fai="", source="domestic_outside"),
    NamedProject(name="电子化学品研发生产项目", industry="2614", total=16000, contacted="2022-04-18",
         submitted="2022-09-05", reviewed="2022-11-09", signed="", planned="", started="", registered="", fai=""),
    NamedProject(name="康复器械生产基地项目", industry="3589", total=8500, contacted="2022-05-09",
         submitted="2022-09-19", reviewed="", signed="", planned="", started="", registered="", fai="",
         source="local"),
    # In deep negotiation.
    NamedProject(name="年产10GWh大容量储能磷酸铁锂电池项目", industry="3841", total=500000, contacted="2022-04-26",
         submitted="", reviewed="", signed="", planned="", started="", registered="", fai="",
         source="domestic_outside"),
    NamedProject(name="新能源动力电池材料产业园项目", industry="3841", total=300000, contacted="2022-06-13",
         submitted="", reviewed="", signed="", planned="", started="", registered="", fai="",
         source="domestic_outside"),
    NamedProject(name="功率半导体器件产业化项目", industry="3973", total=85000, contacted="2022-07-04",
         submitted="", reviewed="", signed="", planned="", started="", registered="", fai="",
         platform="IC-US", source="foreign", country="US"),
    NamedProject(name="高端装备产业园项目", industry="3484", total=60000, contacted="2022-08-08",
         submitted="", reviewed="", signed="", planned="", started="", registered="", fai=""),
    # Signed in the window, terminated later: still counted as signed.
    NamedProject(name="年产20万吨再生铝项目", industry="3311", total=26000, contacted="2021-10-11",
         submitted="2021-12-13", reviewed="2022-01-11", signed="2022-02-18", planned="2022-06-01",
         started="", registered="", fai="", terminated="2022-08-26"),
    # A CEE manufacturing project of the sub-park.
    NamedProject(name="中东欧中小企业集聚区一期项目", industry="7221", total=27000, contacted="2020-03-09",
         submitted="2020-06-15", reviewed="2020-07-08", signed="2020-08-12", planned="2020-10-01",
         started="2020-10-20", production="2022-04-26", registered="2020-09-17", fai="2020-11-19",
         sub_park=True, platform="CEE-NB"),
)


def build_investment(ctx: BuildContext) -> dict[str, list]:
    platforms = _platforms(ctx)
    projects = _named_projects(ctx) + _generic_projects(ctx)
    talents, applications, honours = _talents(ctx)
    platform_projects, tenants = _platform_projects(ctx)
    return {
        "platform": platforms,
        "investment_project": projects,
        "talent": talents,
        "talent_application": applications,
        "talent_honour": honours,
        "platform_project": platform_projects,
        "platform_tenant": tenants,
    }


def _platforms(ctx: BuildContext) -> list[Platform]:
    return [
        Platform(code=ctx.code(p.code), name=p.name, park_id=ctx.spec.sub_code if p.in_sub_park else ctx.spec.code,
                 kind=p.kind, city=p.city, country=p.country, opened_on=p.opened_on)
        for p in PLATFORMS
    ]


def _day(text: str) -> date | None:
    return date.fromisoformat(text) if text else None


def _employer(ctx: BuildContext, rng: random.Random, on: date) -> str | None:
    """An industrial enterprise active on a date (a few random draws), else none."""
    for _ in range(30):
        e = rng.choice(ctx.enterprises)
        if e.industrial and e.active_on(on):
            return e.uscc
    return None


def _named_projects(ctx: BuildContext) -> list[InvestmentProject]:
    rows = []
    for i, p in enumerate(_NAMED_PROJECTS, start=1):
        rows.append(InvestmentProject(
            code=ctx.code(f"IP-K{i:03d}"), name=p.name,
            park_id=ctx.spec.sub_code if p.sub_park else ctx.spec.code,
            industry_code=p.industry, total_investment=money(p.total),
            capital_source=p.source, country=p.country,
            platform_id=ctx.code(p.platform) if p.platform else None,
            contacted_on=_day(p.contacted), submitted_on=_day(p.submitted), reviewed_on=_day(p.reviewed),
            signed_on=_day(p.signed), planned_start_on=_day(p.planned), started_on=_day(p.started),
            production_on=_day(p.production), registered_on=_day(p.registered),
            terminated_on=_day(p.terminated), fai_registered_on=_day(p.fai),
        ))
    return rows


def _generic_projects(ctx: BuildContext) -> list[InvestmentProject]:
    """Ordinary projects: signed each year, then started, in production; a few terminated."""
    rng = ctx.rng("investment-projects")
    end = date(ctx.last_year, 12, 31)
    rows = []
    platform_codes = [p.code for p in PLATFORMS if p.kind in ("intl_center", "cee_base")]
    for year in ctx.years:
        for _ in range(ctx.count(13, rng)):
            industry = rng.choice(INDUSTRIES)
            signed = day_between(rng, date(year, 1, 5), date(year, 12, 28))
            submitted = signed - timedelta(days=rng.randint(25, 90))
            contacted = submitted - timedelta(days=rng.randint(30, 240))
            reviewed = submitted + timedelta(days=rng.randint(10, (signed - submitted).days))
            planned = signed + timedelta(days=rng.randint(45, 200))
            total = max(800.0, rng.lognormvariate(math.log(9000), 0.7))
            if total >= GENERIC_INVESTMENT_CAP:
                total = rng.uniform(15000, GENERIC_INVESTMENT_CAP - 1)
            source = rng.choices(("local", "domestic_outside", "foreign"), (40, 45, 15))[0]
            country, platform = "CN", None
            if source == "foreign":
                platform = rng.choice(platform_codes)
                country = rng.choice(sorted(CEE_COUNTRIES)) if platform.startswith("CEE") else {
                    "IC-DE": "DE", "IC-IL": "IL", "IC-FI": "FI", "IC-US": "US"}[platform]
            terminated = started = production = fai = None
            if rng.random() < 0.05:
                terminated = signed + timedelta(days=rng.randint(30, 200))
                terminated = terminated if terminated <= end else None
            else:
                started = planned + timedelta(days=rng.randint(-20, 60))
                started = max(started, signed)
                if started > end:
                    started = None
                else:
                    fai = started + timedelta(days=rng.randint(15, 60))
                    production = started + timedelta(days=rng.randint(300, 900))
                    fai = fai if fai <= end else None
                    production = production if production <= end else None
            registered = signed + timedelta(days=rng.randint(10, 60))
            rows.append(InvestmentProject(
                code=ctx.next_code(f"IP-{year}"), name=project_name(rng, industry),
                park_id=ctx.spec.sub_code if platform and platform.startswith("CEE") else ctx.spec.code,
                industry_code=industry.code, total_investment=money(total), capital_source=source,
                country=country, platform_id=ctx.code(platform) if platform else None,
                contacted_on=contacted, submitted_on=submitted, reviewed_on=reviewed, signed_on=signed,
                planned_start_on=planned, started_on=started, production_on=production,
                registered_on=registered if registered <= end else None, terminated_on=terminated,
                fai_registered_on=fai,
            ))
        # Contacts that never went further (dropped) in each year.
        for _ in range(ctx.count(3, rng)):
            industry = rng.choice(INDUSTRIES)
            contacted = day_between(rng, date(year, 1, 5), date(year, 9, 30))
            rows.append(InvestmentProject(
                code=ctx.next_code(f"IP-{year}"), name=project_name(rng, industry), park_id=ctx.spec.code,
                industry_code=industry.code,
                total_investment=money(rng.uniform(3000, GENERIC_INVESTMENT_CAP - 1)),
                capital_source="domestic_outside", contacted_on=contacted,
                terminated_on=contacted + timedelta(days=rng.randint(30, 90)),
            ))
    return rows


# Talents in the park by the end of the report period, and introduced in its window, by tier.
_TALENT_STOCK = {"top": 6, "leading": 28, "senior": 140, "basic": 700}
_TALENT_IN_WINDOW = {"top": 1, "leading": 5, "senior": 26, "basic": 120}
_HONOURS = ((HONOUR_TITLE, 2), ("余姚市拔尖人才", 4), ("宁波市领军和拔尖人才", 5))
_PROGRAMS = ((TALENT_PROGRAM, "team", 3), (TALENT_PROGRAM, "individual", 8),
             ("余姚市舜江英才计划", "individual", 10), ("浙江省鲲鹏行动计划", "individual", 2))


def _talents(ctx: BuildContext) -> tuple[list[Talent], list[TalentApplication], list[TalentHonour]]:
    rng = ctx.rng("talents")
    last = ctx.last_year
    window_end = date(last, 9, 30)
    talents: list[Talent] = []
    for tier, stock in _TALENT_STOCK.items():
        in_window = ctx.count(_TALENT_IN_WINDOW[tier], rng)
        before = ctx.count(stock - _TALENT_IN_WINDOW[tier], rng)
        after = max(0, in_window // 4)
        dates = [day_between(rng, date(2014, 1, 1), date(last - 1, 12, 31)) for _ in range(before)]
        dates += [day_between(rng, date(last, 1, 4), window_end) for _ in range(in_window)]
        dates += [day_between(rng, date(last, 10, 8), date(last, 12, 28)) for _ in range(after)]
        for introduced in sorted(dates):
            left = None
            if introduced.year < last and rng.random() < 0.05:
                left = day_between(rng, introduced + timedelta(days=200), date(last, 12, 20))
            employer = _employer(ctx, rng, introduced)
            talents.append(Talent(
                code=ctx.next_code("TL"), name=person_name(rng), park_id=ctx.spec.code, tier=tier,
                employer_uscc_id=employer,
                introduced_on=introduced, left_on=left,
            ))
    applications = []
    for year in ctx.years:
        for program, kind, n in _PROGRAMS:
            for _ in range(ctx.count(n, rng)):
                applied = day_between(rng, date(year, 3, 1), date(year, 7, 31))
                name = f"{person_name(rng)}团队" if kind == "team" else person_name(rng)
                result = "pending" if year == last else rng.choices(("approved", "rejected"), (35, 65))[0]
                applications.append(TalentApplication(
                    code=ctx.next_code("TA"), park_id=ctx.spec.code, program=program, applicant_kind=kind,
                    applicant_name=name, applied_on=applied, result=result,
                ))
    honours = []
    eminent = [t for t in talents if t.tier in ("top", "leading", "senior")]
    for title, n in _HONOURS:
        for year in ctx.years:
            awarded = day_between(rng, date(year, 4, 1), date(year, 8, 31))
            candidates = [t for t in eminent if t.introduced_on < awarded and (t.left_on is None or t.left_on > awarded)]
            for talent in rng.sample(candidates, min(len(candidates), ctx.count(n, rng))):
                eminent.remove(talent)  # one title per talent keeps (talent, title) unique
                honours.append(TalentHonour(talent_id=talent.code, title=title, awarded_on=awarded))
    return talents, applications, honours


def _platform_projects(ctx: BuildContext) -> tuple[list[PlatformProject], list[PlatformTenant]]:
    rng = ctx.rng("platform-tenants")
    projects = []
    for code, rows in _PLATFORM_PROJECTS.items():
        for name, country, incubated, recommended, signed, landed in rows:
            projects.append(PlatformProject(
                code=ctx.next_code("PP"), platform_id=ctx.code(code), name=name, country=country,
                incubated_on=_day(incubated), recommended_on=_day(recommended),
                signed_on=_day(signed), landed_on=_day(landed),
            ))
    tenants = []
    counts = {"SH-HONGQIAO": 23, "SH-FUDAN": 9, "INC-ECO": 14}
    for p in PLATFORMS:
        for _ in range(counts.get(p.code, 2)):
            moved_in = day_between(rng, max(p.opened_on, date(ctx.first_year, 1, 1)), date(ctx.last_year, 9, 20))
            moved_out = None
            if rng.random() < 0.12:
                moved_out = day_between(rng, moved_in + timedelta(days=90), date(ctx.last_year, 12, 28))
            brand = rng.choice("智云星海博睿启明华芯联创中科")+rng.choice("通达科汇源创联信威视")
            tenants.append(PlatformTenant(
                code=ctx.next_code("PT"), platform_id=ctx.code(p.code),
                enterprise_name=f"{p.city if p.country == 'CN' else '余姚'}{brand}{rng.choice(_TENANT_WORDS)}有限公司",
                moved_in_on=moved_in, moved_out_on=moved_out,
            ))
    return projects, tenants


_TENANT_WORDS = ("信息科技", "生物科技", "智能科技", "新材料科技", "电子商务", "医疗科技", "数字技术", "创业投资")
