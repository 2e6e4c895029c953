"""(四) 综合治理 figures: safety, environment and social governance (`safety.*`, `env.*`, `gov.*`).

Readings where the dictionary leaves room:
- `safety.letter_rate`: the numerator counts only active enterprises (a letter of an enterprise
  closed by D, or registered after D, is in neither part of the ratio).
- `safety.insured` counts policies covering D whatever the enterprise's state (the ledger of
  policies is the authority).
- `safety.hazards_overdue` and `gov.petitions_overdue` are stocks as of D over every record of
  the park, whenever found/received. The petition rule is the dictionary's: D − `received_on`
  > 60 days (an extension recorded on the petition does not change this alarm figure).
- Counts in 家 count distinct enterprises (`env.odour_listed`, `env.odour_next_year`,
  `env.violators*`, `safety.ordered`, `safety.insured`).
- `env.odour_next_year` follows the dictionary literally: listed by D with `target_year` = Y+1.
- `env.air_samples_per_month`: distinct sampling dates in W ÷ M, rounded half-up to an integer.
- Disputes with outcome pending are not mediated, whatever their `mediated_on`.
"""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.db.models import Count, Q

from parkledger.governance.choices import DisputeOutcome, EnvAction, OutreachKind
from parkledger.governance.models import HazardDeadline
from parkledger.indicators.context import Context
from parkledger.indicators.helpers import amount, count_distinct, count_result, exact_sum, ratio_pct
from parkledger.indicators.registry import indicator
from parkledger.indicators.types import Result
from parkledger.lib.numbers import round_half_up

CHAPTER = "governance"
PETITION_OVERDUE_DAYS = 60


# -- safety -------------------------------------------------------------------------------------------

@indicator("safety.letter_rate", name="安全生产责任书签订率", unit="%", chapter=CHAPTER,
           sources=("enterprise", "safety_letter"),
           definition="截至D在册企业（注册日期 ≤ D 且截至D未注销）中，已签订Y年度安全生产责任书（`signed_on` ≤ D）的比例")
def safety_letter_rate(ctx: Context) -> Result:
    active = ctx.records("enterprise").filter(ctx.by_d("registered_on")).filter(ctx.not_by_d("closed_on"))
    letters = ctx.records("safety_letter").filter(ctx.by_d("signed_on"), year=ctx.period.year)
    signed = Q(uscc__in=letters.values("uscc"))
    counts = active.aggregate(n=Count("pk"), signed=Count("pk", filter=signed))
    return ratio_pct(
        Decimal(counts["signed"]), Decimal(counts["n"]), reason="截至D无在册企业，签订率无意义",
        records=[active.filter(signed), active.exclude(signed)],
    )


@indicator("safety.insured", name="目前投保安全生产责任险", unit="家", chapter=CHAPTER,
           sources=("safety_insurance",),
           definition="保单覆盖D（`insured_from` ≤ D 且 `insured_to` 为空或 ≥ D）的企业家数（去重）")
def safety_insured(ctx: Context) -> Result:
    d = ctx.d
    qs = ctx.records("safety_insurance").filter(ctx.by_d("insured_from")).filter(
        Q(insured_to__isnull=True) | Q(insured_to__gte=d)
    )
    return Result(value=Decimal(count_distinct(qs, "uscc")), records=qs)


def _inspections(ctx: Context):
    return ctx.records("inspection").filter(ctx.in_w("inspected_on"))


def _hazards_found(ctx: Context):
    return ctx.records("hazard").filter(ctx.in_w("inspection__inspected_on"))


@indicator("safety.inspections", name="检查企业", unit="家次", chapter=CHAPTER, sources=("inspection",),
           definition="`inspected_on` 在W内的检查次数（报告以“余”引用）")
def safety_inspections(ctx: Context) -> Result:
    return count_result(_inspections(ctx))


@indicator("safety.hazards", name="发现隐患", unit="处", chapter=CHAPTER, sources=("inspection", "hazard"),
           definition="W内检查发现的隐患数（报告以“余”引用）")
def safety_hazards(ctx: Context) -> Result:
    return Result(value=Decimal(_hazard_counts(ctx)["n"]), records=lambda: _hazards_found(ctx))


def _hazard_counts(ctx: Context) -> dict[str, int]:
    """Hazards found in W and the distinct enterprises ordered to rectify: one query for both keys."""

    def compute() -> dict[str, int]:
        return _hazards_found(ctx).aggregate(
            # COUNT(*): counted from the (inspection, deadline, …) index without reading the hazards
            n=Count("*"), ordered=Count("inspection__uscc", distinct=True, filter=Q(deadline__isnull=False)),
        )

    return ctx.memo("governance.hazards_found", compute)


@indicator("safety.ordered", name="责令限时整改企业", unit="家", chapter=CHAPTER, sources=("inspection", "hazard"),
           definition="W内检查中有设定整改期限（`deadline`）隐患的企业家数（去重）")
def safety_ordered(ctx: Context) -> Result:
    return Result(value=Decimal(_hazard_counts(ctx)["ordered"]),
                  records=lambda: _hazards_found(ctx).filter(deadline__isnull=False))


@indicator("safety.hazards_overdue", name="逾期未整改隐患", unit="处", chapter=CHAPTER, sources=("hazard",),
           definition="整改期限早于D（`deadline` < D）且截至D未整改（`rectified_on` 为空或晚于D）的隐患数")
def safety_hazards_overdue(ctx: Context) -> Result:
    # counted on the park's rows of `governance_hazard_deadline` (the same hazards, kept with their
    # park by the database), not through every inspection the park ever had
    n = HazardDeadline.objects.filter(park__in=ctx.parks, deadline__lt=ctx.d).filter(ctx.not_by_d("rectified_on"))
    return Result(value=Decimal(n.count()),
                  records=lambda: ctx.records("hazard").filter(ctx.not_by_d("rectified_on"), deadline__lt=ctx.d))


def _outreach(ctx: Context):
    return ctx.records("safety_outreach").filter(ctx.in_w("held_on"))


def _outreach_sums(ctx: Context) -> dict[str, Decimal]:
    """Σ quantity per kind over W, one query for the four keys."""

    def compute() -> dict[str, Decimal]:
        out = _outreach(ctx).aggregate(**{kind: exact_sum("quantity", Q(kind=kind)) for kind in OutreachKind.values})
        return {kind: amount(value) for kind, value in out.items()}

    return ctx.memo("governance.outreach", compute)


def _outreach_key(key: str, name: str, unit: str, kind: str, wording: str) -> None:
    @indicator(key, name=name, unit=unit, chapter=CHAPTER, sources=("safety_outreach",),
               definition=f"Σ `safety_outreach.quantity`，类型 {kind}，`held_on` 在W内（报告{wording}）")
    def _figure(ctx: Context) -> Result:
        return Result(value=Decimal(_outreach_sums(ctx)[kind]),
                      records=lambda: _outreach(ctx).filter(kind=kind))


_outreach_key("safety.materials", "发放宣传资料", "册", OutreachKind.MATERIALS, "以“余”引用")
_outreach_key("safety.messages", "传播安全微信及短消息", "条", OutreachKind.MESSAGES, "以“多”引用")
_outreach_key("safety.cert_training", "负责人和安管员取证培训", "人次", OutreachKind.CERT_TRAINING, "引用精确值")
_outreach_key("safety.staff_training", "企业员工培训", "人次", OutreachKind.STAFF_TRAINING, "以“余”引用")


# -- environment ---------------------------------------------------------------------------------------

@indicator("env.odour_listed", name="重点整治臭气异味企业", unit="家", chapter=CHAPTER, sources=("odour_case",),
           definition="`listed_on` 在W内的臭气异味整治企业家数（去重）")
def env_odour_listed(ctx: Context) -> Result:
    return Result(value=Decimal(_odour_counts(ctx)["listed"]),
                  records=lambda: ctx.records("odour_case").filter(ctx.in_w("listed_on")))


def _odour_counts(ctx: Context) -> dict[str, int]:
    """Distinct enterprises listed in W, and listed by D for Y+1: one query over the cases listed by D
    (W ends at D) for both keys."""

    def compute() -> dict[str, int]:
        return ctx.records("odour_case").filter(ctx.by_d("listed_on")).aggregate(
            listed=Count("uscc", distinct=True, filter=ctx.in_w("listed_on")),
            next_year=Count("uscc", distinct=True, filter=Q(target_year=ctx.period.year + 1)),
        )

    return ctx.memo("governance.odour", compute)


@indicator("env.odour_next_year", name="明年完成提升改造企业", unit="家", chapter=CHAPTER, sources=("odour_case",),
           definition="截至D已列入（`listed_on` ≤ D）且计划完成年度 `target_year` = Y+1 的企业家数（去重）")
def env_odour_next_year(ctx: Context) -> Result:
    return Result(value=Decimal(_odour_counts(ctx)["next_year"]),
                  records=lambda: ctx.records("odour_case").filter(ctx.by_d("listed_on"),
                                                                   target_year=ctx.period.year + 1))


@indicator("env.air_samples_per_month", name="每月大气质量抽检", unit="次", chapter=CHAPTER,
           sources=("air_sample",),
           definition="W内 `air_sample` 的不同抽检日期数 ÷ M，四舍五入取整（同一天多点位抽检算一次）")
def env_air_samples_per_month(ctx: Context) -> Result:
    qs = ctx.records("air_sample").filter(ctx.in_w("sampled_on"))
    days = qs.aggregate(n=Count("sampled_on", distinct=True))["n"]
    value = round_half_up(Decimal(days) / Decimal(ctx.period.month), 0)
    return Result(value=value, records=qs, extra={"sample_days": days})


@indicator("env.water_compliance_rate", name="水质达标率", unit="%", chapter=CHAPTER, sources=("water_sample",),
           definition="W内达标的 `water_sample` 记录数 ÷ W内记录数")
def env_water_compliance_rate(ctx: Context) -> Result:
    qs = ctx.records("water_sample").filter(ctx.in_w("sampled_on"))
    counts = qs.aggregate(n=Count("pk"), ok=Count("pk", filter=Q(compliant=True)))
    return ratio_pct(Decimal(counts["ok"]), Decimal(counts["n"]), reason="W内无水质监测记录，达标率无意义",
                     records=qs)


def _env_cases(ctx: Context):
    return ctx.records("env_case").filter(ctx.in_w("found_on"))


def _violator_counts(ctx: Context) -> dict[str, int]:
    """Distinct enterprises in W, overall and per action: one query for the four keys."""

    def compute() -> dict[str, int]:
        return _env_cases(ctx).aggregate(
            all=Count("uscc", distinct=True),
            **{a: Count("uscc", distinct=True, filter=Q(action=a)) for a in EnvAction.values},
        )

    return ctx.memo("governance.violators", compute)


@indicator("env.violators", name="查处违规企业", unit="家", chapter=CHAPTER, sources=("env_case",),
           definition="`found_on` 在W内有环境执法案件的企业家数（去重）")
def env_violators(ctx: Context) -> Result:
    return Result(value=Decimal(_violator_counts(ctx)["all"]), records=lambda: _env_cases(ctx))


def _violator_key(key: str, name: str, action: str) -> None:
    @indicator(key, name=name, unit="家", chapter=CHAPTER, sources=("env_case",),
               definition=f"`found_on` 在W内、处理方式为 {action} 的企业家数（去重）")
    def _figure(ctx: Context) -> Result:
        return Result(value=Decimal(_violator_counts(ctx)[action]),
                      records=lambda: _env_cases(ctx).filter(action=action))


_violator_key("env.violators.rectify", "责令整改企业", EnvAction.RECTIFY)
_violator_key("env.violators.penalty", "行政处罚企业", EnvAction.PENALTY)
_violator_key("env.violators.closure", "关停企业", EnvAction.CLOSURE)


# -- social governance -------------------------------------------------------------------------------

@indicator("gov.issues_rectified", name="完成整改问题", unit="个", chapter=CHAPTER, sources=("governance_issue",),
           definition="`rectified_on` 在W内的综合整治问题数")
def gov_issues_rectified(ctx: Context) -> Result:
    return count_result(ctx.records("governance_issue").filter(ctx.in_w("rectified_on")))


@indicator("gov.petitions_closed", name="办结信访件", unit="件", chapter=CHAPTER, sources=("petition",),
           definition="`closed_on` 在W内的信访件数（不论何时登记）")
def gov_petitions_closed(ctx: Context) -> Result:
    return Result(value=Decimal(_petition_counts(ctx)["closed_in_w"]),
                  records=lambda: ctx.records("petition").filter(ctx.in_w("closed_on")))


def _petition_counts(ctx: Context) -> dict[str, int]:
    """Petitions closed in W, received in W, and received in W and closed by D: one query over the
    petitions received or closed in W, for both keys."""

    def compute() -> dict[str, int]:
        received = ctx.in_w("received_on")
        return ctx.records("petition").filter(ctx.in_w("closed_on") | received).aggregate(
            closed_in_w=Count("pk", filter=ctx.in_w("closed_on")), n=Count("pk", filter=received),
            closed=Count("pk", filter=received & ctx.by_d("closed_on")),
        )

    return ctx.memo("governance.petitions", compute)


@indicator("gov.petition_closure_rate", name="信访办结率", unit="%", chapter=CHAPTER, sources=("petition",),
           definition="W内登记且截至D办结的信访件 ÷ W内登记的信访件")
def gov_petition_closure_rate(ctx: Context) -> Result:
    received = ctx.records("petition").filter(ctx.in_w("received_on"))
    counts = _petition_counts(ctx)
    return ratio_pct(Decimal(counts["closed"]), Decimal(counts["n"]), reason="W内无登记信访件，办结率无意义",
                     records=received)


@indicator("gov.petitions_overdue", name="超期未办结信访件", unit="件", chapter=CHAPTER, sources=("petition",),
           definition="截至D未办结且D − `received_on` > 60天的信访件数")
def gov_petitions_overdue(ctx: Context) -> Result:
    latest = ctx.d - timedelta(days=PETITION_OVERDUE_DAYS)  # D − received > 60 ⟺ received < D − 60
    return count_result(ctx.records("petition").filter(ctx.not_by_d("closed_on"), received_on__lt=latest))


def _mediated(ctx: Context):
    return ctx.records("dispute").filter(
        ctx.in_w("mediated_on"), outcome__in=(DisputeOutcome.SUCCESS, DisputeOutcome.FAILED)
    )


@indicator("gov.disputes_mediated", name="调解纠纷", unit="起", chapter=CHAPTER, sources=("dispute",),
           definition="`mediated_on` 在W内且结果为成功或不成功的纠纷数（调解中的不计）")
def gov_disputes_mediated(ctx: Context) -> Result:
    return Result(value=Decimal(_mediated_counts(ctx)["n"]), records=lambda: _mediated(ctx))


def _mediated_counts(ctx: Context) -> dict[str, int]:
    """Disputes mediated in W and the successful ones: one query for both keys."""
    return ctx.memo("governance.mediated", lambda: _mediated(ctx).aggregate(
        n=Count("pk"), ok=Count("pk", filter=Q(outcome=DisputeOutcome.SUCCESS))))


@indicator("gov.mediation_success_rate", name="调解成功率", unit="%", chapter=CHAPTER, sources=("dispute",),
           definition="W内调解的纠纷中，成功数 ÷（成功 + 不成功）")
def gov_mediation_success_rate(ctx: Context) -> Result:
    qs = _mediated(ctx)
    counts = _mediated_counts(ctx)
    return ratio_pct(Decimal(counts["ok"]), Decimal(counts["n"]), reason="W内无调解完成的纠纷，成功率无意义",
                     records=qs)
