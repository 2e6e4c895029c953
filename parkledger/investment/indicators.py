"""(一) 招商引资 figures: investment projects (`invest.*`), talents (`talent.*`), platforms (`platform.*`).

Flow counts (signed, started, production, reviewed in W) include projects terminated later; stock sets
(to start, pending review, negotiating as of D) exclude those terminated by D (fine print 12).
"""
from __future__ import annotations

from collections import Counter
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q, QuerySet

from parkledger.core.indicators import park_month_sum
from parkledger.indicators.context import Context
from parkledger.indicators.helpers import (
    amount,
    bytewise,
    clean_name,
    count_result,
    exact_sum,
    lead_result,
    undefined,
    wan_to_yi,
)
from parkledger.indicators.registry import indicator
from parkledger.indicators.types import Result
from parkledger.investment.choices import PlatformKind, TalentTier
from parkledger.lib.numbers import approx_floor

CHAPTER = "investment"
PROJECT = ("investment_project",)


# -- project sets ----------------------------------------------------------------------------------

def _projects(ctx: Context) -> QuerySet:
    return ctx.records("investment_project")


def project_set(ctx: Context, name: str) -> QuerySet:
    """The investment projects of a named set (`signed`, `production`, `started`, `to_start`,
    `pending_review`, `negotiating`, `reviewed`)."""
    return _projects(ctx).filter(set_condition(ctx, name))


def set_condition(ctx: Context, name: str) -> Q:
    """The condition of a named project set for the context's period (whatever the park)."""
    d = ctx.d
    if name == "signed":
        return ctx.in_w("signed_on")
    if name == "production":
        return ctx.in_w("production_on")
    if name == "started":
        return ctx.in_w("started_on")
    if name == "reviewed":
        return ctx.in_w("reviewed_on")
    alive = ctx.not_by_d("terminated_on")
    if name == "to_start":
        return (ctx.by_d("signed_on") & ctx.not_by_d("started_on") & alive
                & Q(planned_start_on__gt=d, planned_start_on__lte=date(ctx.period.year, 12, 31)))
    if name == "pending_review":
        return ctx.by_d("submitted_on") & ctx.not_by_d("reviewed_on") & ctx.not_by_d("signed_on") & alive
    if name == "negotiating":
        return ctx.by_d("contacted_on") & ctx.not_by_d("submitted_on") & ctx.not_by_d("signed_on") & alive
    raise ValueError(name)


# Set name → the keys whose value is the set's count or Σ total_investment (memo `invest.set.<name>`).
SET_TOTAL_KEYS: dict[str, list[str]] = {}


def _set_totals(ctx: Context, name: str) -> dict[str, Decimal]:
    """Count and Σ total_investment (万元) of a project set, one query."""

    def compute() -> dict[str, Decimal]:
        out = project_set(ctx, name).aggregate(n=Count("pk"), investment=exact_sum("total_investment"))
        return {"n": Decimal(out["n"]), "investment": amount(out["investment"])}

    return ctx.memo(f"invest.set.{name}", compute)


def _count_key(key: str, name: str, set_name: str, definition: str) -> None:
    SET_TOTAL_KEYS.setdefault(set_name, []).append(key)

    @indicator(key, name=name, unit="个", chapter=CHAPTER, sources=PROJECT, definition=definition)
    def _figure(ctx: Context) -> Result:
        return Result(value=_set_totals(ctx, set_name)["n"], records=lambda: project_set(ctx, set_name))


def _investment_key(key: str, name: str, set_name: str, definition: str) -> None:
    SET_TOTAL_KEYS.setdefault(set_name, []).append(key)

    @indicator(key, name=name, unit="亿元", chapter=CHAPTER, sources=PROJECT, definition=definition)
    def _figure(ctx: Context) -> Result:
        value = wan_to_yi(_set_totals(ctx, set_name)["investment"])
        return Result(value=value, records=lambda: project_set(ctx, set_name), extra={"floor": approx_floor(value)})


def _lead_key(key: str, name: str, set_name: str, date_field: str, n: int = 1) -> None:
    @indicator(key, name=name, unit="", chapter=CHAPTER, sources=PROJECT,
               definition=f"总投资最大的{'两个' if n == 2 else ''}项目名称（并列按 `{date_field}` 早者、"
                          "再按编号）；去掉末尾“项目”，中东欧项目冠以国名")
    def _figure(ctx: Context) -> Result:
        return lead_result(project_set(ctx, set_name), date_field=date_field, n=n)


_count_key("invest.signed", "新签约项目", "signed", "`investment_project` 的 `signed_on` 在W内（含其后终止的）")
_investment_key("invest.signed.investment", "新签约项目总投资", "signed", "新签约项目 Σ `total_investment`（亿元）")

_count_key("invest.production", "完成投产项目", "production", "`production_on` 在W内")
_investment_key("invest.production.investment", "完成投产项目总投资", "production", "Σ `total_investment`（亿元）")
_lead_key("invest.production.lead", "完成投产领头项目", "production", "production_on")

_count_key("invest.started", "开工建设项目", "started", "`started_on` 在W内")
_investment_key("invest.started.investment", "开工建设项目总投资", "started", "Σ `total_investment`（亿元）")
_lead_key("invest.started.lead", "开工建设领头项目", "started", "started_on")

_count_key("invest.to_start", "预计年底前开工项目", "to_start",
           "`signed_on` ≤ D，D时未开工、未终止，`planned_start_on` 在 (D, Y-12-31]")
_lead_key("invest.to_start.lead", "预计年底前开工领头项目", "to_start", "planned_start_on")

_count_key("invest.pending_review", "待评审即将签约项目", "pending_review",
           "`submitted_on` ≤ D，D时未审核、未签约、未终止")
_lead_key("invest.pending_review.lead", "待评审领头项目", "pending_review", "submitted_on")

_count_key("invest.negotiating", "深入洽谈项目", "negotiating",
           "`contacted_on` ≤ D，D时未提交评审、未签约、未终止")
_investment_key("invest.negotiating.investment", "深入洽谈项目总投资", "negotiating",
                "Σ `total_investment`（亿元，报告用“超”）")
_lead_key("invest.negotiating.leads2", "深入洽谈领头项目（前两个）", "negotiating", "contacted_on", n=2)

_count_key("invest.reviewed", "审核拟落户项目", "reviewed", "`reviewed_on` 在W内")


def _capital_key(key: str, name: str, field: str, unit: str = "亿元") -> None:
    @indicator(key, name=name, unit=unit, chapter=CHAPTER, sources=("park_month",),
               definition=f"Σ `park_month.{field}`，月份在W内" + ("（万元÷10000）" if unit == "亿元" else ""))
    def _figure(ctx: Context) -> Result:
        return park_month_sum(ctx, field, to_yi=unit == "亿元")


_capital_key("invest.domestic_outside_prefecture", "地级市外实到内资", "domestic_capital_outside_prefecture")
_capital_key("invest.domestic_outside_county", "县级市外实到内资", "domestic_capital_outside_county")
_capital_key("invest.zhejiang_merchant_capital", "浙商创新创业资金", "zhejiang_merchant_capital")
_capital_key("invest.fdi_actual", "实际利用外资", "fdi_actual", unit="万美元")


# -- talents ---------------------------------------------------------------------------------------

HIGH_TIERS = (TalentTier.TOP, TalentTier.LEADING, TalentTier.SENIOR)


def _introduced(ctx: Context, tiers) -> QuerySet:
    return ctx.records("talent").filter(ctx.in_w("introduced_on"), tier__in=[str(t) for t in tiers])


@indicator("talent.introduced", name="新引进高级人才(特优、领军、高级)", unit="名", chapter=CHAPTER,
           sources=("talent",), definition="`introduced_on` 在W内、层次为特优/领军/高级的人才")
def talent_introduced(ctx: Context) -> Result:
    return count_result(_introduced(ctx, HIGH_TIERS))


@indicator("talent.introduced.senior", name="新引进高级人才", unit="名", chapter=CHAPTER,
           sources=("talent",), definition="`introduced_on` 在W内、层次为高级的人才")
def talent_introduced_senior(ctx: Context) -> Result:
    return count_result(_introduced(ctx, (TalentTier.SENIOR,)))


def _talents_at_d(ctx: Context) -> QuerySet:
    return ctx.records("talent").filter(ctx.by_d("introduced_on"), ctx.not_by_d("left_on"))


def talent_tier_counts() -> dict[str, Count]:
    """Tier → count of talents of that tier (the aggregates of memo `talent.totals`)."""
    return {str(tier): Count("pk", filter=Q(tier=str(tier))) for tier in TalentTier}


def _talent_totals(ctx: Context) -> dict[str, int]:
    return ctx.memo("talent.totals", lambda: _talents_at_d(ctx).aggregate(**talent_tier_counts()))


def _talent_total_key(tier: TalentTier, name: str) -> None:
    @indicator(f"talent.total.{tier}", name=name, unit="人", chapter=CHAPTER, sources=("talent",),
               definition=f"层次为{tier.label}、`introduced_on` ≤ D 且D时未离开的人才")
    def _figure(ctx: Context) -> Result:
        return Result(value=Decimal(_talent_totals(ctx)[str(tier)]),
                      records=lambda: _talents_at_d(ctx).filter(tier=str(tier)))


_talent_total_key(TalentTier.TOP, "特优人才总数")
_talent_total_key(TalentTier.LEADING, "领军人才总数")
_talent_total_key(TalentTier.SENIOR, "高级人才总数")
_talent_total_key(TalentTier.BASIC, "基础人才总数")


def _applications(ctx: Context) -> QuerySet:
    return ctx.records("talent_application").filter(ctx.in_w("applied_on"))


def _programs(ctx: Context) -> list[str]:
    """Programmes the park has applied to by D (each is listed, with 0 when none in W)."""
    return list(ctx.records("talent_application").filter(ctx.by_d("applied_on"))
                .values_list("program", flat=True).order_by().distinct())


@indicator("talent.applications", name="人才工程申报", unit="项次", chapter=CHAPTER,
           sources=("talent_application",), definition="`applied_on` 在W内的人才工程申报")
def talent_applications(ctx: Context) -> Result:
    return count_result(_applications(ctx))


def _application_counts(ctx: Context) -> dict[str, int]:
    """Applications in W per programme, one grouped query."""
    return ctx.memo("talent.applications", lambda: {
        row["program"]: row["n"]
        for row in _applications(ctx).values("program").annotate(n=Count("pk")).order_by()
    })


@indicator("talent.applications[PROGRAM]", name="人才工程申报（分工程）", unit="项次", chapter=CHAPTER,
           sources=("talent_application",), definition="该人才工程 `applied_on` 在W内的申报",
           params=_programs)
def talent_applications_program(ctx: Context, program: str) -> Result:
    return Result(value=Decimal(_application_counts(ctx).get(program, 0)),
                  records=_applications(ctx).filter(program=program))


def _honours(ctx: Context) -> QuerySet:
    return ctx.records("talent_honour").filter(ctx.in_w("awarded_on"))


def _honour_pairs(ctx: Context) -> dict[tuple[str, str], bool]:
    """(title, talent) → honoured in W, for every title awarded to the park's talents by D: one
    grouped query gives the titles, the talents honoured and the count per title."""
    return ctx.memo("talent.honour_pairs", lambda: {
        (row["title"], row["talent"]): row["in_w"] > 0
        for row in ctx.records("talent_honour").filter(ctx.by_d("awarded_on")).values("title", "talent")
        .annotate(in_w=Count("pk", filter=ctx.in_w("awarded_on"))).order_by()
    })


def _titles(ctx: Context) -> list[str]:
    """Titles awarded to the park's talents by D (each is listed, with 0 when none in W)."""
    return sorted({title for title, _talent in _honour_pairs(ctx)})


@indicator("talent.honours", name="获评人才荣誉", unit="人", chapter=CHAPTER, sources=("talent_honour",),
           definition="W内获评人才荣誉的不同人才数（一人多项只计一次）")
def talent_honours(ctx: Context) -> Result:
    talents = {talent for (_title, talent), in_w in _honour_pairs(ctx).items() if in_w}
    return Result(value=Decimal(len(talents)), records=lambda: _honours(ctx))


def _honour_counts(ctx: Context) -> Counter[str]:
    """Distinct talents honoured in W per title."""
    return Counter(title for (title, _talent), in_w in _honour_pairs(ctx).items() if in_w)


@indicator("talent.honours[TITLE]", name="获评人才荣誉（分称号）", unit="人", chapter=CHAPTER,
           sources=("talent_honour",), definition="W内获评该称号的不同人才数", params=_titles)
def talent_honours_title(ctx: Context, title: str) -> Result:
    return Result(value=Decimal(_honour_counts(ctx).get(title, 0)), records=_honours(ctx).filter(title=title))


# -- platforms -------------------------------------------------------------------------------------

def _platforms(ctx: Context) -> dict[str, dict]:
    """The park's platforms: code → {name, kind, opened_on}, one query."""
    return ctx.memo("platforms", lambda: {
        row["code"]: row for row in ctx.records("platform").values("code", "name", "kind", "opened_on")
    })


def _platform_codes(ctx: Context) -> list[str]:
    return list(_platforms(ctx))


def _project_counts(ctx: Context) -> dict[str, dict[str, int]]:
    """Per platform: projects incubated / recommended / signed / landed by D, one grouped query."""

    def compute() -> dict[str, dict[str, int]]:
        rows = (
            ctx.records("platform_project").values("platform")
            .annotate(
                incubated=Count("pk", filter=ctx.by_d("incubated_on")),
                recommended=Count("pk", filter=ctx.by_d("recommended_on")),
                signed=Count("pk", filter=ctx.by_d("signed_on")),
                landed=Count("pk", filter=ctx.by_d("landed_on")),
            )
            .order_by()
        )
        return {row.pop("platform"): row for row in rows}

    return ctx.memo("platform.projects", compute)


def _tenant_counts(ctx: Context) -> dict[str, int]:
    def compute() -> dict[str, int]:
        rows = (
            ctx.records("platform_tenant").filter(ctx.by_d("moved_in_on"), ctx.not_by_d("moved_out_on"))
            .values("platform").annotate(n=Count("enterprise_name", distinct=True)).order_by()
        )
        return {row["platform"]: row["n"] for row in rows}

    return ctx.memo("platform.tenants", compute)


def _platform_projects(ctx: Context, code: str, field: str) -> QuerySet:
    return ctx.records("platform_project").filter(ctx.by_d(field), platform=code)


def _no_platform(code: str) -> Result:
    return undefined(f"本园区无编号为“{code}”的平台")


def _platform_count_key(key: str, name: str, unit: str, field: str) -> None:
    @indicator(key, name=name, unit=unit, chapter=CHAPTER, sources=("platform_project",),
               definition=f"该平台 `{field}` ≤ D 的平台项目", params=_platform_codes)
    def _figure(ctx: Context, code: str) -> Result:
        if code not in _platforms(ctx):
            return _no_platform(code)
        n = _project_counts(ctx).get(code, {}).get(field.removesuffix("_on"), 0)
        return Result(value=Decimal(n), records=_platform_projects(ctx, code, field))


_platform_count_key("platform.incubated[CODE]", "平台投资孵化项目", "个", "incubated_on")
_platform_count_key("platform.signed[CODE]", "平台引进签约项目", "项", "signed_on")
_platform_count_key("platform.landed[CODE]", "平台完成落地项目", "项", "landed_on")


@indicator("platform.tenants[CODE]", name="平台入驻企业", unit="家", chapter=CHAPTER,
           sources=("platform_tenant",), definition="`moved_in_on` ≤ D 且D时未迁出的入驻企业（按企业名称去重）",
           params=_platform_codes)
def platform_tenants(ctx: Context, code: str) -> Result:
    if code not in _platforms(ctx):
        return _no_platform(code)
    qs = ctx.records("platform_tenant").filter(ctx.by_d("moved_in_on"), ctx.not_by_d("moved_out_on"), platform=code)
    return Result(value=Decimal(_tenant_counts(ctx).get(code, 0)), records=qs)


def _platform_kinds(ctx: Context) -> list[str]:
    """The kinds the park has platforms of (any other valid kind can be asked for and counts 0)."""
    return sorted({row["kind"] for row in _platforms(ctx).values() if row["kind"]})


@indicator("platform.count[KIND]", name="平台数", unit="个", chapter=CHAPTER, sources=("platform",),
           definition="该类型、`opened_on` ≤ D 的平台数", params=_platform_kinds)
def platform_count(ctx: Context, kind: str) -> Result:
    if kind not in PlatformKind.values:
        return undefined(f"未知平台类型“{kind}”")
    codes = [c for c, row in _platforms(ctx).items()
             if row["kind"] == kind and row["opened_on"] and row["opened_on"] <= ctx.d]
    qs = ctx.records("platform").filter(kind=kind).filter(ctx.by_d("opened_on"))
    return Result(value=Decimal(len(codes)), records=qs)


def _kind_total(ctx: Context, kind: str, what: str) -> int:
    counts = _project_counts(ctx)
    return sum(counts.get(code, {}).get(what, 0) for code, row in _platforms(ctx).items() if row["kind"] == kind)


def _kind_projects(ctx: Context, kind: str, field: str) -> QuerySet:
    return ctx.records("platform_project").filter(ctx.by_d(field), platform__kind=kind)


@indicator("platform.intl_recommended", name="国际创新中心累计推荐项目", unit="个", chapter=CHAPTER,
           sources=("platform_project",), definition="国际创新中心类平台 `recommended_on` ≤ D 的项目")
def platform_intl_recommended(ctx: Context) -> Result:
    return Result(value=Decimal(_kind_total(ctx, PlatformKind.INTL_CENTER, "recommended")),
                  records=_kind_projects(ctx, PlatformKind.INTL_CENTER, "recommended_on"))


def intl_top(ctx: Context) -> tuple[str, dict, int] | None:
    """The international centre with most projects landed by D (ties: earliest `opened_on`, an empty
    one last, then code); None when no centre has a landed project (the figure is then undefined)."""
    counts = _project_counts(ctx)
    centres = [(code, row, counts.get(code, {}).get("landed", 0))
               for code, row in _platforms(ctx).items() if row["kind"] == PlatformKind.INTL_CENTER]
    if not centres:
        return None
    centres.sort(key=lambda c: (-c[2], c[1]["opened_on"] is None, c[1]["opened_on"] or date.min, c[0]))
    top = centres[0]
    return top if top[2] > 0 else None


NO_INTL_TOP = "国际创新中心截至D尚无落地项目"


@indicator("platform.intl_top", name="注册项目最多的国际创新中心", unit="", chapter=CHAPTER,
           sources=("platform", "platform_project"),
           definition="截至D落地项目最多的国际创新中心名称（并列按启用日期早者、再按编号）")
def platform_intl_top(ctx: Context) -> Result:
    top = intl_top(ctx)
    if top is None:
        return undefined(NO_INTL_TOP)
    return Result(value=top[1]["name"], records=ctx.records("platform").filter(code=top[0]))


@indicator("platform.intl_top.landed", name="该中心落地项目", unit="个", chapter=CHAPTER,
           sources=("platform_project",), definition="该国际创新中心 `landed_on` ≤ D 的项目")
def platform_intl_top_landed(ctx: Context) -> Result:
    top = intl_top(ctx)
    if top is None:
        return undefined(NO_INTL_TOP)
    return Result(value=Decimal(top[2]), records=_platform_projects(ctx, top[0], "landed_on"))


def _earliest_landed(qs: QuerySet, n: int) -> list[str]:
    rows = qs.order_by("landed_on", bytewise("name"), bytewise("code")).values_list("name", "country")[:n]
    return [clean_name(name, country) for name, country in rows]


@indicator("platform.intl_top.lead", name="该中心领头项目", unit="", chapter=CHAPTER,
           sources=("platform_project",),
           definition="该中心最早落地的项目名称（平台项目无投资额；同日按名称）")
def platform_intl_top_lead(ctx: Context) -> Result:
    top = intl_top(ctx)
    if top is None:
        return undefined(NO_INTL_TOP)
    qs = _platform_projects(ctx, top[0], "landed_on")
    return Result(value=_earliest_landed(qs, 1)[0], records=qs)


@indicator("platform.cee_recommended", name="中东欧创新基地累计引荐项目", unit="个", chapter=CHAPTER,
           sources=("platform_project",), definition="中东欧创新基地类平台 `recommended_on` ≤ D 的项目")
def platform_cee_recommended(ctx: Context) -> Result:
    return Result(value=Decimal(_kind_total(ctx, PlatformKind.CEE_BASE, "recommended")),
                  records=_kind_projects(ctx, PlatformKind.CEE_BASE, "recommended_on"))


@indicator("platform.cee_landed", name="中东欧项目注册落地", unit="个", chapter=CHAPTER,
           sources=("platform_project",), definition="中东欧创新基地类平台 `landed_on` ≤ D 的项目")
def platform_cee_landed(ctx: Context) -> Result:
    return Result(value=Decimal(_kind_total(ctx, PlatformKind.CEE_BASE, "landed")),
                  records=_kind_projects(ctx, PlatformKind.CEE_BASE, "landed_on"))


@indicator("platform.cee_landed.leads2", name="中东欧落地领头项目（前两个）", unit="", chapter=CHAPTER,
           sources=("platform_project",),
           definition="最早落地的两个中东欧项目（同日按名称），名称缺国名时冠以国名，去掉末尾“项目”")
def platform_cee_landed_leads2(ctx: Context) -> Result:
    qs = _kind_projects(ctx, PlatformKind.CEE_BASE, "landed_on")
    names = _earliest_landed(qs, 2)
    if not names:
        return undefined("截至D尚无中东欧项目落地", qs)
    return Result(value="、".join(names), records=qs)


