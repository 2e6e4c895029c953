"""(五) 改革创新与资金保障 and (六) 党建与队伍: filings, financing, party activities, unions, task forces."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from parkledger.dataio.demo.context import BuildContext
from parkledger.dataio.demo.dates import day_between, workday_in_month
from parkledger.finance.models import AssetFiling, FinancingProject
from parkledger.party.models import PartyActivity, TaskForce, Union

__all__ = ["build_finance", "build_party", "SPECIAL_BONDS"]

#: The two special bonds approved in the report year, in order of approval.
SPECIAL_BONDS = ("生态园综合配套提升工程项目", "中东欧国际合作产业园前湾客运中心新建工程项目")

_FILINGS = ("国有资产出租备案", "国有资产处置审批", "控股公司对外投资审批", "国有企业年度预算备案", "工程结算审核备案",
            "国有房产租金调整审批", "子公司增资审批", "资产评估结果备案", "大额资金使用审批", "合同备案")

# (name, kind, 万元, started, approved)
_FINANCING = (
    ("生态园标准厂房三期专项债", "special_bond", 30000, "2020-03-10", "2020-06-19"),
    ("滨海大道一期项目银行贷款", "bank_loan", 40000, "2020-05-12", "2020-09-28"),
    ("姚北水厂新建工程专项债", "special_bond", 25000, "2021-02-22", "2021-07-15"),
    ("生态园开发建设政策性银行贷款", "bank_loan", 60000, "2021-06-08", "2021-12-20"),
    (SPECIAL_BONDS[0], "special_bond", 50000, "2021-10-18", "2022-03-24"),
    (SPECIAL_BONDS[1], "special_bond", 35000, "2021-12-06", "2022-06-16"),
    ("标准厂房五期项目银行贷款", "bank_loan", 28000, "2022-01-17", "2022-08-12"),
    ("园区产业母基金", "fund", 200000, "2022-03-21", ""),
    ("甬矽二期项目专项基金", "fund", 100000, "2022-05-09", ""),
    ("中国-中东欧文化交流中心专项债", "special_bond", 60000, "2022-08-29", ""),
    ("光伏能源公司项目融资", "other", 12000, "2022-10-11", ""),
)

_LECTURES = ("庆祝中国共产党成立周年“两优一先”表彰会暨专题党课", "学习贯彻党的二十大精神专题党课", "全面从严治党专题党课",
             "作风建设专题党课", "清廉园区建设专题党课")
_ACTIVITIES = ("微心愿认领", "专题展参观", "青年素质拓展", "慈善一日捐", "主题党日", "志愿服务进企业", "红色教育基地参观")
_TRAININGS = ("机关干部能力素质提升培训", "业务能力专项培训", "安全生产专题培训", "招商引资业务培训", "国资管理培训")
_TASK_FORCES = {
    2020: ("疫情防控工作专班", "复工复产工作专班", "企业防疫物资保障专班"),
    2021: ("重大项目攻坚专班", "疫苗接种工作专班"),
    2022: ("数据核查工作专班", "核酸检测工作专班", "人员转运工作专班", "隔离点保障工作专班", "除险保安工作专班"),
}


def build_finance(ctx: BuildContext) -> dict[str, list]:
    rng = ctx.rng("finance")
    filings = []
    for year in ctx.years:
        for _ in range(ctx.count(52, rng)):
            filings.append(AssetFiling(
                code=ctx.next_code("AF"), park_id=ctx.spec.code, kind=rng.choice(("approval", "filing")),
                subject=rng.choice(_FILINGS), decided_on=day_between(rng, date(year, 1, 6), date(year, 12, 28)),
            ))
    financing = [
        FinancingProject(
            code=ctx.next_code("FP"), park_id=ctx.spec.code, name=name, kind=kind, amount=Decimal(amount),
            started_on=date.fromisoformat(started),
            approved_on=date.fromisoformat(approved) if approved else None,
        )
        for name, kind, amount, started, approved in _FINANCING if int(started[:4]) in ctx.years
    ]
    return {"asset_filing": filings, "financing_project": financing}


def build_party(ctx: BuildContext) -> dict[str, list]:
    rng = ctx.rng("party")
    activities = []

    def add(kind: str, held: date, title: str, participants: int | None) -> None:
        activities.append(PartyActivity(code=ctx.next_code("PA"), park_id=ctx.spec.code, held_on=held, kind=kind,
                                        title=title, participants=participants))

    for year in ctx.years:
        # 周二夜学: Tuesday evenings, except holidays and busy weeks.
        day = date(year, 1, 1)
        while day.weekday() != 1:
            day += timedelta(days=1)
        while day.year == year:
            if day.month not in (2, 8) and rng.random() < 0.92:
                add("night_study", day, "周二夜学", rng.randint(25, 45))
            day += timedelta(days=7)
        for _ in range(6):
            add("lecture", workday_in_month(rng, year, rng.randint(1, 12)), rng.choice(_LECTURES), rng.randint(40, 90))
        for _ in range(10):
            add("activity", workday_in_month(rng, year, rng.randint(1, 12)), rng.choice(_ACTIVITIES),
                rng.randint(20, 60))
        for _ in range(12):
            add("training", workday_in_month(rng, year, rng.randint(1, 12)), rng.choice(_TRAININGS),
                int(rng.randint(90, 160) * ctx.factor))
        if year >= 2020:
            for _ in range(18 if year == 2022 else 8):
                add("duty", workday_in_month(rng, year, rng.randint(1, 11)), "市级隔离点、卡点值守",
                    int(rng.randint(10, 30) * ctx.factor))
    unions = []
    founded: set[str] = set()
    for year in ctx.years:
        pool = [e for e in ctx.active(date(year, 6, 30), industrial=True) if e.uscc not in founded and e.level > 300]
        for e in ctx.pick(rng, pool, ctx.count(15, rng)):
            day = max(e.registered_on, day_between(rng, date(year, 1, 10), date(year, 11, 30)))
            if e.active_on(day):
                founded.add(e.uscc)
                unions.append(Union(uscc_id=e.uscc, founded_on=day))
    task_forces = []
    for year in ctx.years:
        for name in _TASK_FORCES.get(year, ()):
            formed = day_between(rng, date(year, 1, 20), date(year, 8, 31))
            dissolved = formed + timedelta(days=rng.randint(60, 240)) if year < ctx.last_year else None
            task_forces.append(TaskForce(code=ctx.next_code("TF"), park_id=ctx.spec.code, name=name, formed_on=formed,
                                         dissolved_on=dissolved))
    return {"party_activity": activities, "union": unions, "task_force": task_forces}
