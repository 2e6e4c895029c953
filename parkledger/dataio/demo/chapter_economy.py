"""(二) 经济运行: qualifications, patents, 亩均 grades, disbursements, tech upgrades, services, support."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from parkledger.dataio.demo.context import BuildContext, EnterpriseProfile, money
from parkledger.dataio.demo.dates import day_between
from parkledger.economy.models import (
    Disbursement,
    Patent,
    PermuEvaluation,
    Qualification,
    ServiceRequest,
    SupportPackage,
    TechUpgradeAcceptance,
)

__all__ = ["build_economy", "SUPPORT_PACKAGE"]

SUPPORT_PACKAGE = "SP-YOUSI"

# Per year at the demo park: (kind, count, applied from-to month, months to grant or None).
_QUALIFICATIONS = (
    ("engineering_center", 5, (3, 6), (2, 4)),
    ("hte_pool", 28, (2, 5), (1, 3)),
    ("hte", 18, (4, 7), (4, 6)),
    ("provincial_tech_sme", 42, (3, 8), (1, 3)),
    ("national_tech_sme", 36, (2, 7), (1, 2)),
)

_SERVICE_KINDS = ("工商注册登记", "项目审批代办", "用工招聘对接", "政策咨询", "水电气报装", "消防验收协调",
                  "人才申报指导", "融资对接", "规划许可代办", "出口退税辅导", "知识产权申请", "环评手续代办")

_TECH_UPGRADES = ("智能化生产线改造项目", "数字化车间建设项目", "节能降耗技术改造项目", "自动化仓储改造项目",
                  "工业机器人替代项目", "MES系统建设项目", "废气治理设施提升项目", "精密加工中心购置项目")


def build_economy(ctx: BuildContext) -> dict[str, list]:
    return {
        "qualification": _qualifications(ctx),
        "patent": _patents(ctx),
        "permu_evaluation": _permu_published(ctx),
        "disbursement": _disbursements(ctx),
        "tech_upgrade_acceptance": _tech_upgrades(ctx),
        "service_request": _service_requests(ctx),
        "support_package": _support_package(ctx),
    }


def _industrial_active(ctx: BuildContext, on: date) -> list[EnterpriseProfile]:
    return [e for e in ctx.enterprises if e.industrial and e.active_on(on)]


def _qualifications(ctx: BuildContext) -> list[Qualification]:
    rng = ctx.rng("qualifications")
    rows = []
    for year in ctx.years:
        pool = _industrial_active(ctx, date(year, 3, 1))
        for kind, n, (m1, m2), (g1, g2) in _QUALIFICATIONS:
            for e in ctx.pick(rng, pool, ctx.count(n, rng)):
                applied = day_between(rng, date(year, m1, 1), date(year, m2, 28))
                if not e.active_on(applied):
                    continue
                granted = applied + timedelta(days=30 * rng.randint(g1, g2) + rng.randint(0, 20))
                if kind in ("hte", "provincial_tech_sme", "national_tech_sme") and rng.random() < 0.2:
                    granted = None  # not granted (yet)
                if granted and (granted > date(ctx.last_year, 12, 31) or not e.active_on(granted)):
                    granted = None
                rows.append(Qualification(code=ctx.next_code("QL"), uscc_id=e.uscc, kind=kind,
                                          applied_on=applied, granted_on=granted))
    return rows


def _patents(ctx: BuildContext) -> list[Patent]:
    rng = ctx.rng("patents")
    rows = []
    numbers: set[str] = set()
    for year in ctx.years:
        pool = [e for e in _industrial_active(ctx, date(year, 1, 1)) if e.rd_rate > 0] or _industrial_active(
            ctx, date(year, 1, 1))
        for _ in range(ctx.count(390, rng)):
            kind = rng.choices(("invention", "utility", "design"), (12, 70, 18))[0]
            granted = day_between(rng, date(year, 1, 4), date(year, 12, 28))
            filed = granted.year - (rng.randint(2, 4) if kind == "invention" else rng.randint(0, 1))
            type_digit = {"invention": "1", "utility": "2", "design": "3"}[kind]
            while True:
                serial = f"{ctx.spec.index:02d}{rng.randint(0, 99999):05d}"
                body = f"{filed}{type_digit}{serial}"
                number = f"ZL{body}.{_patent_check(body)}"
                if number not in numbers:
                    numbers.add(number)
                    break
            owner = next((e for e in (rng.choice(pool) for _ in range(20)) if e.active_on(granted)), None)
            if owner is not None:
                rows.append(Patent(uscc_id=owner.uscc, number=number, kind=kind, granted_on=granted))
    return rows


def _patent_check(body: str) -> str:
    """The check character of a Chinese patent application number (weights 2..9 cycling, mod 11)."""
    weights = (2, 3, 4, 5, 6, 7, 8, 9)
    total = sum(int(c) * weights[i % 8] for i, c in enumerate(body))
    r = total % 11
    return "X" if r == 10 else str(r)


def _permu_published(ctx: BuildContext) -> list[PermuEvaluation]:
    """The authority's published 亩均 grades of past rounds (the product computes later rounds itself).

    A published round E grades the enterprises by their annual data of E−1; the demo imports the
    round whose data year is the first data year, a simple 亩均税收 ranking as the authority's result.
    """
    rng = ctx.rng("permu")
    year = ctx.first_year + 1
    scored = []
    for e in ctx.enterprises:
        if not e.reports_in(ctx.first_year, 12) or not e.industrial:
            continue
        if not (e.above_scale(ctx.first_year) or (e.land_mu is not None and e.land_mu >= 3)):
            continue
        land = float(e.land_mu) if e.land_mu else 5.0
        tax = e.annual_output(ctx.first_year) * e.revenue_ratio * e.tax_rate
        scored.append((tax / land * rng.uniform(0.9, 1.1), e))
    scored.sort(key=lambda item: (-item[0], item[1].uscc))
    best = max(item[0] for item in scored) if scored else 1.0
    rows = []
    n = len(scored)
    for rank, (value, e) in enumerate(scored, start=1):
        grade = "A" if rank <= max(1, round(0.25 * n)) else "B" if rank <= round(0.7 * n) else (
            "C" if rank <= round(0.95 * n) else "D")
        rows.append(PermuEvaluation(uscc_id=e.uscc, year=year, score=money(100 * value / best),
                                    grade=grade, computed=False))
    return rows


# Per year at the demo park: kind → (payments, amount range 万元, months, with enterprise?).
_DISBURSEMENTS = {
    "loan_interest": (24, (3, 40), (3, 11), True),
    "quality_award": (30, (5, 60), (4, 8), True),
    "investment_policy": (28, (80, 700), (2, 11), True),
    "industry_support": (40, (5, 45), (5, 9), True),
    "other": (10, (2, 30), (1, 12), True),
}


def _disbursements(ctx: BuildContext) -> list[Disbursement]:
    rng = ctx.rng("disbursements")
    rows = []

    def pay(kind: str, e: EnterpriseProfile | None, amount: float, paid: date, note: str = "") -> None:
        if e is not None and not e.active_on(paid):
            return
        park = e.park if e else ctx.spec.code
        rows.append(Disbursement(code=ctx.next_code("DB"), uscc_id=e.uscc if e else None, park_id=park,
                                 kind=kind, amount=money(amount), paid_on=paid, note=note))

    for year in ctx.years:
        pool = _industrial_active(ctx, date(year, 6, 30))
        for kind, (n, (lo, hi), (m1, m2), _with) in _DISBURSEMENTS.items():
            for e in ctx.pick(rng, pool, ctx.count(n, rng)):
                pay(kind, e, rng.uniform(lo, hi), day_between(rng, date(year, m1, 1), date(year, m2, 28)))
        if year >= 2021:
            # 留甬员工过年红包 and 自行来甬交通补助 around the Spring Festival.
            for e in ctx.pick(rng, pool, ctx.count(55, rng)):
                pay("staff_retention", e, rng.uniform(2, 30), day_between(rng, date(year, 2, 20), date(year, 4, 15)),
                    "留甬员工过年红包")
            for _ in range(ctx.count(6, rng)):
                pay("travel", None, rng.uniform(20, 90), day_between(rng, date(year, 2, 25), date(year, 4, 30)),
                    "自行来甬交通补助（按批次发放）")
        if year in (2020, 2022):
            # 减免国有经营性用房租金 for the tenants of the park's state-owned buildings.
            small = [e for e in pool if e.level < 2000] or pool
            for e in ctx.pick(rng, small, ctx.count(26, rng)):
                pay("rent_relief", e, rng.uniform(3, 25), day_between(rng, date(year, 4, 1), date(year, 8, 31)),
                    "国有经营性用房租金减免")
    return rows


def _tech_upgrades(ctx: BuildContext) -> list[TechUpgradeAcceptance]:
    rng = ctx.rng("tech-upgrades")
    rows = []
    for year in ctx.years:
        pool = [e for e in _industrial_active(ctx, date(year, 1, 1)) if e.level > 800]
        for e in ctx.pick(rng, pool, ctx.count(17, rng)):
            accepted = day_between(rng, date(year, 3, 1), date(year, 11, 30))
            if not e.active_on(accepted):
                continue
            rows.append(TechUpgradeAcceptance(
                code=ctx.next_code("TU"), uscc_id=e.uscc, project_name=rng.choice(_TECH_UPGRADES),
                accepted_on=accepted,
                subsidy=money(rng.uniform(15, 160)),
            ))
    return rows


def _service_requests(ctx: BuildContext) -> list[ServiceRequest]:
    rng = ctx.rng("service-requests")
    rows = []
    end = date(ctx.last_year, 12, 31)
    for year in ctx.years:
        for _ in range(ctx.count(720, rng)):
            received = day_between(rng, date(year, 1, 3), date(year, 12, 30))
            resolved = received + timedelta(days=rng.choice((0, 1, 2, 3, 5, 7, 10, 15, 25, 40)))
            actives = [e for e in rng.sample(ctx.enterprises, 3) if e.active_on(received)]
            e = actives[0] if actives and rng.random() < 0.85 else None
            rows.append(ServiceRequest(
                code=ctx.next_code("SR"), park_id=e.park if e else ctx.spec.code, uscc_id=e.uscc if e else None,
                kind=rng.choice(_SERVICE_KINDS), received_on=received,
                resolved_on=resolved if resolved <= end else None,
            ))
    return rows


def _support_package(ctx: BuildContext) -> list[SupportPackage]:
    """甬矽电子二期项目: a 10亿 fund and 5亿 of policy subsidy, paid in instalments."""
    paid = ((2021, 12, 31, 0), (2022, 3, 31, 8000), (2022, 6, 30, 16500), (2022, 9, 30, 23500), (2022, 12, 31, 32000))
    return [
        SupportPackage(code=ctx.code(SUPPORT_PACKAGE), park_id=ctx.spec.code, project_name="甬矽电子二期项目",
                       fund_amount=Decimal(100000), subsidy_amount=Decimal(50000), paid_amount=Decimal(amount),
                       as_of=date(y, m, d))
        for y, m, d, amount in paid
    ]

