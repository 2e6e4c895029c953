"""(四) 综合治理: safety letters, insurance, inspections and hazards, outreach, environment, petitions."""
from __future__ import annotations

import random
from datetime import date, timedelta

from parkledger.dataio.demo.context import BuildContext, EnterpriseProfile, money, qty
from parkledger.dataio.demo.dates import day_between, last_day, workday_in_month
from parkledger.governance.models import (
    AirSample,
    Dispute,
    EnvCase,
    GovernanceIssue,
    Hazard,
    Inspection,
    OdourCase,
    Petition,
    SafetyInsurance,
    SafetyLetter,
    SafetyOutreach,
    WaterSample,
)

__all__ = ["build_governance"]

_CAMPAIGNS = {
    2019: ("安全生产大检查", "消防安全专项整治", "有限空间作业专项整治"),
    2020: ("复工复产安全检查", "消防安全专项整治", "危化品使用专项整治"),
    2021: ("安全生产专项整治三年行动", "化工集聚区规范建设", "燃气安全专项整治"),
    2022: ("除险保安", "化工集聚区规范建设", "危化品使用专项整治", "消防安全专项整治"),
}
_HAZARDS = ("消防通道堵塞", "灭火器过期未更换", "应急照明失效", "配电箱未上锁", "电线私拉乱接", "安全出口标志缺失",
            "危化品储存不规范", "特种设备未定期检验", "有限空间未设警示标识", "员工未佩戴劳保用品",
            "机械防护罩缺失", "安全培训记录不全", "叉车司机无证操作", "车间堆放物料超高", "气瓶未固定",
            "可燃气体报警器故障", "应急预案未演练", "厂房内设置员工宿舍", "喷淋系统阀门关闭", "粉尘清扫不及时")
_VIOLATIONS = ("废气未经处理直接排放", "雨污管网混接", "危险废物贮存不规范", "未批先建", "环保设施未正常运行",
               "超标排放废水", "无组织排放挥发性有机物", "固体废物露天堆放", "噪声超标排放")
_PETITION_SUBJECTS = ("企业拖欠工资", "施工噪声扰民", "厂区异味投诉", "道路积水", "征迁补偿诉求", "劳动合同纠纷",
                      "渣土车抛洒", "违章搭建举报", "物业管理纠纷", "工伤待遇诉求", "河道污染反映", "货车乱停放")
_AIR_STATIONS = ("生态园管委会", "化工集聚区", "滨海大道", "姚北工业区")
_WATER_STATIONS = ("四塘横江断面", "新城河断面", "中心河出口", "海涂河断面", "二塘江断面", "七塘横江断面")


def build_governance(ctx: BuildContext) -> dict[str, list]:
    inspections, hazards = _inspections(ctx)
    return {
        "safety_letter": _safety_letters(ctx),
        "safety_insurance": _insurance(ctx),
        "inspection": inspections,
        "hazard": hazards,
        "safety_outreach": _outreach(ctx),
        "odour_case": _odour_cases(ctx),
        "air_sample": _air_samples(ctx),
        "water_sample": _water_samples(ctx),
        "env_case": _env_cases(ctx),
        "governance_issue": _issues(ctx),
        "petition": _petitions(ctx),
        "dispute": _disputes(ctx),
    }


def _safety_letters(ctx: BuildContext) -> list[SafetyLetter]:
    """Each year nearly every active enterprise signs; newcomers sign a few weeks after registering."""
    rng = ctx.rng("safety-letters")
    rows = []
    for year in ctx.years:
        year_end = date(year, 12, 31)
        for e in ctx.enterprises:
            if not (e.registered_on <= year_end and (e.closed_on is None or e.closed_on > date(year, 1, 1))):
                continue
            if e.registered_on < date(year, 1, 1):
                if rng.random() > 0.99:
                    continue
                signed = day_between(rng, date(year, 1, 6), date(year, 4, 28))
            else:
                signed = e.registered_on + timedelta(days=rng.randint(10, 75))
                if signed > year_end or rng.random() > 0.9:
                    continue
            if e.closed_on and signed >= e.closed_on:
                continue
            rows.append(SafetyLetter(uscc_id=e.uscc, year=year, signed_on=signed))
    return rows


def _insurance(ctx: BuildContext) -> list[SafetyInsurance]:
    rng = ctx.rng("insurance")
    rows = []
    end = date(ctx.last_year, 12, 31)
    for e in ctx.enterprises:
        if not e.industrial or rng.random() > (0.75 if e.level > 2000 else 0.35):
            continue
        start = max(e.registered_on + timedelta(days=rng.randint(30, 200)), date(ctx.first_year, 1, 1))
        start = start + timedelta(days=rng.randint(0, 300))
        while start <= end and (e.closed_on is None or start < e.closed_on):
            to = start.replace(year=start.year + 1) - timedelta(days=1) if not (
                start.month == 2 and start.day == 29) else date(start.year + 1, 2, 28)
            rows.append(SafetyInsurance(code=ctx.next_code("SI"), uscc_id=e.uscc, insured_from=start, insured_to=to))
            if rng.random() < 0.08:
                break  # not renewed
            start = to + timedelta(days=1)
    return rows


def _inspections(ctx: BuildContext) -> tuple[list[Inspection], list[Hazard]]:
    rng = ctx.rng("inspections")
    inspections, hazards = [], []
    d_end = date(ctx.last_year, 9, 30)
    end = date(ctx.last_year, 12, 31)
    for year in ctx.years:
        campaigns = _CAMPAIGNS.get(year, _CAMPAIGNS[2022])
        for _ in range(ctx.count(480, rng)):
            month = rng.randint(1, 12)
            inspected = workday_in_month(rng, year, month)
            e = _active_pick(ctx, rng, inspected)
            if e is None:
                continue
            code = ctx.next_code(f"INS-{year}")
            inspections.append(Inspection(code=code, uscc_id=e.uscc, inspected_on=inspected,
                                          campaign=rng.choice(campaigns)))
            for _ in range(rng.choices((0, 1, 2, 3, 4, 5, 6), (10, 18, 22, 20, 14, 9, 7))[0]):
                major = rng.random() < 0.015
                deadline = rectified = None
                if major or rng.random() < 0.12:
                    deadline = inspected + timedelta(days=rng.randint(7, 30))
                    rectified = inspected + timedelta(days=rng.randint(3, (deadline - inspected).days))
                    if rng.random() < 0.06:
                        rectified = deadline + timedelta(days=rng.randint(3, 40))  # late
                    # Hazards found in the summer of the report year whose deadline passed unrectified.
                    if date(ctx.last_year, 7, 1) <= inspected <= date(ctx.last_year, 8, 31) and rng.random() < 0.12:
                        rectified = d_end + timedelta(days=rng.randint(5, 50))
                else:
                    rectified = inspected + timedelta(days=rng.choice((0, 0, 1, 2, 3)))
                hazards.append(Hazard(
                    code=ctx.next_code("HZ"), inspection_id=code, description=rng.choice(_HAZARDS),
                    level="major" if major else "general", deadline=deadline,
                    rectified_on=rectified if rectified <= end else None,
                ))
    _ensure_overdue(ctx, inspections, hazards)
    return inspections, hazards


def _ensure_overdue(ctx: BuildContext, inspections: list[Inspection], hazards: list[Hazard]) -> None:
    """At least two hazards of the report year are past their deadline, unrectified, at its end (D)."""
    d_end = date(ctx.last_year, 9, 30)
    overdue = [h for h in hazards if h.deadline and h.deadline < d_end
               and (h.rectified_on is None or h.rectified_on > d_end)]
    inspected = {i.code: i.inspected_on for i in inspections}
    candidates = [h for h in hazards if h.deadline and date(ctx.last_year, 8, 1) <= h.deadline < date(
        ctx.last_year, 9, 25) and h not in overdue]
    for h in candidates[: max(0, 2 - len(overdue))]:
        h.rectified_on = d_end + timedelta(days=(h.deadline - inspected[h.inspection_id]).days + 20)


def _active_pick(ctx: BuildContext, rng: random.Random, on: date) -> EnterpriseProfile | None:
    for _ in range(40):
        e = rng.choice(ctx.enterprises)
        if e.active_on(on):
            return e
    return None


_OUTREACH = {  # kind → (events a year, quantity range per event)
    "materials": (20, (120, 260)),
    "messages": (24, (190, 330)),
    "cert_training": (6, (35, 65)),
    "staff_training": (40, (230, 420)),
}


def _outreach(ctx: BuildContext) -> list[SafetyOutreach]:
    rng = ctx.rng("outreach")
    rows = []
    for year in ctx.years:
        for kind, (n, (lo, hi)) in _OUTREACH.items():
            for _ in range(n):
                rows.append(SafetyOutreach(
                    code=ctx.next_code("SO"), park_id=ctx.spec.code,
                    held_on=day_between(rng, date(year, 1, 4), date(year, 12, 28)), kind=kind,
                    quantity=qty(rng.randint(lo, hi) * ctx.factor, 0),
                ))
    return rows


def _odour_cases(ctx: BuildContext) -> list[OdourCase]:
    rng = ctx.rng("odour")
    rows = []
    end = date(ctx.last_year, 12, 31)
    listed_before: set[str] = set()
    for year in ctx.years:
        n = ctx.count(18 if year == ctx.last_year else 10, rng)
        pool = [e for e in ctx.active(date(year, 3, 1), industrial=True)
                if e.industry.code in ("2614", "2929", "2761", "2231", "3311") and e.uscc not in listed_before]
        for i, e in enumerate(ctx.pick(rng, pool, n)):
            listed = day_between(rng, date(year, 3, 1), date(year, 8, 31))
            if not e.active_on(listed):
                continue
            listed_before.add(e.uscc)
            target = year + 1 if (year == ctx.last_year and i % 2 == 0) or rng.random() < 0.3 else year
            accepted = day_between(rng, date(target, 9, 1), date(target, 12, 20))
            rows.append(OdourCase(code=ctx.next_code("OC"), uscc_id=e.uscc, listed_on=listed, target_year=target,
                                  accepted_on=accepted if accepted <= end and e.active_on(accepted) else None))
    return rows


def _air_samples(ctx: BuildContext) -> list[AirSample]:
    """About four sampling rounds a month, each at several stations on the same day."""
    rng = ctx.rng("air")
    rows = []
    for year in ctx.years:
        for month in range(1, 13):
            days = sorted({workday_in_month(rng, year, month) for _ in range(4)})
            for sampled in days:
                stations = rng.sample(_AIR_STATIONS, rng.randint(3, 4))
                for station in stations:
                    rows.append(AirSample(
                        code=ctx.next_code("AS"), park_id=ctx.spec.code, station=station, sampled_on=sampled,
                        pm25=qty(rng.uniform(12, 58)), pm10=qty(rng.uniform(28, 90)), so2=qty(rng.uniform(4, 12)),
                        no2=qty(rng.uniform(14, 45)), o3=qty(rng.uniform(55, 160)), co=qty(rng.uniform(0.4, 1.2), 2),
                        voc=qty(rng.uniform(0.2, 1.5), 2),
                    ))
            # The sub-park's own station, sampled on one of the same days.
            rows.append(AirSample(
                code=ctx.next_code("AS"), park_id=ctx.spec.sub_code, station="中东欧产业园", sampled_on=days[0],
                pm25=qty(rng.uniform(12, 50)), pm10=qty(rng.uniform(28, 80)),
            ))
    return rows


def _water_samples(ctx: BuildContext) -> list[WaterSample]:
    rng = ctx.rng("water")
    rows = []
    for year in ctx.years:
        for month in range(1, 13):
            for half in (1, 16):
                sampled = date(year, month, half + rng.randint(0, 10))
                for station in _WATER_STATIONS:
                    compliant = rng.random() < (0.93 if year < ctx.last_year else 0.96)
                    tp = rng.uniform(0.08, 0.28) if compliant else rng.uniform(0.31, 0.45)
                    rows.append(WaterSample(
                        code=ctx.next_code("WS"), park_id=ctx.spec.code, station=station, sampled_on=sampled,
                        total_phosphorus=qty(tp, 3), cod=qty(rng.uniform(10, 29.5)),
                        ammonia_nitrogen=qty(rng.uniform(0.3, 1.4), 2), compliant=compliant,
                    ))
    return rows


def _env_cases(ctx: BuildContext) -> list[EnvCase]:
    rng = ctx.rng("env")
    rows = []
    end = date(ctx.last_year, 12, 31)
    for year in ctx.years:
        n = ctx.count(34, rng)
        forced = ["closure", "penalty", "rectify"] * 2 if year == ctx.last_year else []
        for i in range(n):
            found = day_between(rng, date(year, 1, 10), date(year, 8, 31) if i < len(forced) else date(year, 12, 20))
            e = _active_pick(ctx, rng, found)
            if e is None:
                continue
            action = forced[i] if i < len(forced) else rng.choices(("rectify", "penalty", "closure"), (70, 22, 8))[0]
            deadline = found + timedelta(days=rng.randint(15, 60))
            closed = found + timedelta(days=rng.randint(10, 90))
            rows.append(EnvCase(
                code=ctx.next_code("EC"), uscc_id=e.uscc, found_on=found, violation=rng.choice(_VIOLATIONS),
                action=action, penalty_amount=money(rng.uniform(2, 20)) if action == "penalty" else None,
                deadline=deadline if action != "closure" else None, closed_on=closed if closed <= end else None,
            ))
    return rows


def _issues(ctx: BuildContext) -> list[GovernanceIssue]:
    rng = ctx.rng("issues")
    rows = []
    end = date(ctx.last_year, 12, 31)
    for year in ctx.years:
        for _ in range(ctx.count(620, rng)):
            found = day_between(rng, date(year, 1, 3), date(year, 12, 28))
            rectified = found + timedelta(days=rng.randint(1, 40)) if rng.random() < 0.96 else None
            rows.append(GovernanceIssue(
                code=ctx.next_code("GI"), park_id=ctx.spec.sub_code if rng.random() < 0.1 else ctx.spec.code,
                category=rng.choices(("garbage", "illegal_building", "order", "other"), (35, 25, 30, 10))[0],
                found_on=found, deadline=found + timedelta(days=rng.randint(7, 30)),
                rectified_on=rectified if rectified and rectified <= end else None,
            ))
    return rows


def _petitions(ctx: BuildContext) -> list[Petition]:
    """Petitions closed within 60 days, some extended, a few left open past the deadline."""
    rng = ctx.rng("petitions")
    rows = []
    end = date(ctx.last_year, 12, 31)
    for year in ctx.years:
        n = ctx.count(215, rng)
        stuck = ctx.count(2) if year == ctx.last_year else 0
        for i in range(n):
            received = day_between(rng, date(year, 1, 3), date(year, 12, 29))
            if i < stuck:
                received = day_between(rng, date(year, 5, 20), date(year, 7, 15))
            accepted = received + timedelta(days=rng.randint(0, 5))
            base = accepted + timedelta(days=60)
            extended = None
            r = rng.random()
            if i < stuck:
                closed = date(year, 10, 1) + timedelta(days=rng.randint(20, 80))
                extended = base + timedelta(days=30)
            elif r < 0.06:
                extended = base + timedelta(days=rng.randint(10, 30))
                closed = base + timedelta(days=rng.randint(1, (extended - base).days))
            else:  # most are settled within days, a few take weeks
                span = rng.choices(((1, 10), (11, 30), (31, 58)), (80, 15, 5))[0]
                closed = accepted + timedelta(days=rng.randint(*span))
            replied = max(received, closed - timedelta(days=rng.randint(0, 5)))
            rows.append(Petition(
                code=ctx.next_code(f"XF-{year}"), park_id=ctx.spec.code,
                source=rng.choices(("public", "department", "superior"), (60, 25, 15))[0],
                subject=rng.choice(_PETITION_SUBJECTS), received_on=received,
                forwarded_on=received + timedelta(days=rng.randint(0, 3)), accepted_on=accepted,
                notified_on=min(accepted + timedelta(days=rng.randint(1, 14)), closed), extended_until=extended,
                replied_on=replied if replied <= end else None, closed_on=closed if closed <= end else None,
            ))
    return rows


def _disputes(ctx: BuildContext) -> list[Dispute]:
    rng = ctx.rng("disputes")
    rows = []
    end = date(ctx.last_year, 12, 31)
    for year in ctx.years:
        for _ in range(ctx.count(62, rng)):
            received = day_between(rng, date(year, 1, 3), date(year, 12, 26))
            mediated = received + timedelta(days=rng.randint(3, 25))
            if mediated > end or (mediated > last_day(year, 12) - timedelta(days=10) and rng.random() < 0.5):
                rows.append(Dispute(code=ctx.next_code("DP"), park_id=ctx.spec.code, received_on=received,
                                    outcome="pending"))
                continue
            rows.append(Dispute(code=ctx.next_code("DP"), park_id=ctx.spec.code, received_on=received,
                                mediated_on=mediated,
                                outcome="success" if rng.random() < 0.95 else "failed"))
    return rows
