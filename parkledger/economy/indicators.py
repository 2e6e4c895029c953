"""(二) 企业创新与助企纾困 figures: qualifications and patents (`innov.*`), support to enterprises (`support.*`).

Counts in 家 are distinct enterprises (fine print 13): a disbursement without `uscc` adds to sums but
not to counts, and zero-amount rows count.
"""
from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, Q, QuerySet

from parkledger.economy.choices import DisbursementKind, Grade, PatentKind, QualificationKind
from parkledger.indicators.context import Context
from parkledger.indicators.helpers import amount, count_distinct, exact_sum
from parkledger.indicators.registry import indicator
from parkledger.indicators.types import Result
from parkledger.lib.numbers import approx_floor

CHAPTER = "economy"


# -- qualifications and patents --------------------------------------------------------------------

def _qualifications(ctx: Context, kind: str, date_field: str) -> QuerySet:
    return ctx.records("qualification").filter(ctx.in_w(date_field), kind=kind)


# Key → (qualification kind, date field) of the qualification counts (memo `innov.qualifications`).
QUALIFICATION_KEYS: dict[str, tuple[str, str]] = {}


def qualification_conditions(ctx: Context) -> dict[str, Q]:
    """Key → the condition of its qualification rows in W (whatever the park)."""
    return {key: ctx.in_w(date_field) & Q(kind=kind) for key, (kind, date_field) in QUALIFICATION_KEYS.items()}


def _qualification_counts(ctx: Context) -> dict[str, int]:
    """Distinct enterprises of every qualification key, one query."""
    return ctx.memo("innov.qualifications", lambda: ctx.records("qualification").aggregate(**{
        key: Count("uscc", distinct=True, filter=cond) for key, cond in qualification_conditions(ctx).items()
    }))


def _qualification_key(key: str, name: str, kind: str, date_field: str, what: str) -> None:
    QUALIFICATION_KEYS[key] = (str(kind), date_field)

    @indicator(key, name=name, unit="家", chapter=CHAPTER, sources=("qualification",),
               definition=f"资质类型 {kind}、`{date_field}` 在W内的不同企业数（{what}）")
    def _figure(ctx: Context) -> Result:
        return Result(value=Decimal(_qualification_counts(ctx)[key]),
                      records=lambda: _qualifications(ctx, kind, date_field))


_qualification_key("innov.engineering_centers", "新增市企业工程(技术)中心",
                   QualificationKind.ENGINEERING_CENTER, "granted_on", "认定")
_qualification_key("innov.hte_pool_added", "充实高新技术企业培育库", QualificationKind.HTE_POOL, "granted_on", "入库")
_qualification_key("innov.applied.hte", "新申报高企", QualificationKind.HTE, "applied_on", "申报")
_qualification_key("innov.applied.provincial_tech_sme", "新申报省科小",
                   QualificationKind.PROVINCIAL_TECH_SME, "applied_on", "申报")
_qualification_key("innov.applied.national_tech_sme", "新申报国科小",
                   QualificationKind.NATIONAL_TECH_SME, "applied_on", "申报")


def _patents(ctx: Context) -> QuerySet:
    return ctx.records("patent").filter(ctx.in_w("granted_on"))


def patent_conditions(ctx: Context) -> dict[str, Q]:
    """Part → the condition of its patents granted in W (memo `innov.patents`: `all`, `invention`)."""
    return {"all": ctx.in_w("granted_on"), "invention": ctx.in_w("granted_on") & Q(kind=PatentKind.INVENTION)}


def _patent_counts(ctx: Context) -> dict[str, int]:
    # every part is of W: W also bounds the rows read, and counting `granted_on` (never null in W,
    # so the same count as the rows) lets the database count from the (uscc, granted_on, kind) index
    return ctx.memo("innov.patents", lambda: _patents(ctx).aggregate(**{
        part: Count("granted_on", filter=cond) for part, cond in patent_conditions(ctx).items()
    }))


@indicator("innov.patents", name="授权入库专利", unit="项", chapter=CHAPTER, sources=("patent",),
           definition="`granted_on` 在W内的专利")
def innov_patents(ctx: Context) -> Result:
    return Result(value=Decimal(_patent_counts(ctx)["all"]), records=lambda: _patents(ctx))


@indicator("innov.patents.invention", name="其中发明专利", unit="项", chapter=CHAPTER, sources=("patent",),
           definition="`granted_on` 在W内、类型为发明的专利")
def innov_patents_invention(ctx: Context) -> Result:
    return Result(value=Decimal(_patent_counts(ctx)["invention"]),
                  records=lambda: _patents(ctx).filter(kind=PatentKind.INVENTION))


# -- support to enterprises ------------------------------------------------------------------------

@indicator("support.permu_grade_a", name="亩均评价A级企业", unit="家", chapter=CHAPTER,
           sources=("permu_evaluation",), definition="`permu_evaluation` 中评价年度为Y、等级为A的企业")
def support_permu_grade_a(ctx: Context) -> Result:
    """Rows of evaluation year Y graded A, for the park's enterprises (one row per enterprise and
    year, so rows = distinct enterprises). The round is read as stored (`parkledger permu` computes
    it; reading never writes): none stored → undefined with the reason; a computed round older than
    a change of its input rows → the value, with the note that it may be out of date as
    `extra["note"]` (shown beside the figure on the 指标 page; `parkledger check` warns)."""
    from parkledger.economy.permu import permu_round_state, round_rows

    state = permu_round_state(ctx.park, ctx.period.year)
    if not state.exists:
        return Result(value=None, reason=state.missing_reason())
    qs = round_rows(ctx.records("permu_evaluation"), state).filter(grade=Grade.A)
    # the top-level park's count came with the round's state; a sub-park counts its own rows
    value = state.graded(Grade.A) if state.park == ctx.park else count_distinct(qs, "uscc")
    return Result(value=Decimal(value), records=qs,
                  extra={"note": state.stale_note()} if state.stale else {})


def _acceptances(ctx: Context) -> QuerySet:
    return ctx.records("tech_upgrade_acceptance").filter(ctx.in_w("accepted_on"))


def _acceptance_totals(ctx: Context) -> dict[str, int | Decimal]:
    """Distinct enterprises (`n`) and Σ subsidy (`subsidy`, 万元) of the acceptances in W, one query."""

    def compute() -> dict[str, int | Decimal]:
        out = _acceptances(ctx).aggregate(n=Count("uscc", distinct=True), subsidy=exact_sum("subsidy"))
        return {"n": out["n"], "subsidy": amount(out["subsidy"])}

    return ctx.memo("support.tech_upgrade", compute)


@indicator("support.tech_upgrade", name="技改竣工验收", unit="家", chapter=CHAPTER,
           sources=("tech_upgrade_acceptance",), definition="`accepted_on` 在W内的不同企业数")
def support_tech_upgrade(ctx: Context) -> Result:
    return Result(value=Decimal(_acceptance_totals(ctx)["n"]), records=lambda: _acceptances(ctx))


@indicator("support.tech_upgrade.subsidy", name="技改补贴资金", unit="万元", chapter=CHAPTER,
           sources=("tech_upgrade_acceptance",), definition="W内验收项目 Σ `subsidy`（万元）")
def support_tech_upgrade_subsidy(ctx: Context) -> Result:
    return Result(value=_acceptance_totals(ctx)["subsidy"], records=lambda: _acceptances(ctx))


def disbursements(ctx: Context, *kinds: str) -> QuerySet:
    """Disbursements of the park (by their own `park`) of the given kinds, paid in W."""
    return ctx.records("disbursement").filter(ctx.in_w("paid_on"), kind__in=[str(k) for k in kinds])


def disbursement_groups(ctx: Context) -> dict[str, dict[str | None, int | Decimal]]:
    """Disbursements paid in W: kind → enterprise (None: without one) → Σ amount as summed by
    `exact_sum` (read with `amount`), one query (memo `support.disbursements`). Distinct enterprises
    are the non-empty keys; an enterprise is counted once whichever of the park's rows name it."""

    def compute() -> dict[str, dict[str | None, int | Decimal]]:
        out: dict[str, dict[str | None, int | Decimal]] = {}
        rows = (ctx.records("disbursement").filter(ctx.in_w("paid_on")).values("kind", "uscc")
                .annotate(amount=exact_sum("amount")).order_by())
        for row in rows:
            out.setdefault(row["kind"], {})[row["uscc"]] = row["amount"]
        return out

    return ctx.memo("support.disbursements", compute)


def _disbursed_enterprises(ctx: Context, kind: str) -> Decimal:
    return Decimal(sum(1 for uscc in disbursement_groups(ctx).get(str(kind), {}) if uscc))


def _disbursed_amount(ctx: Context, *kinds: str) -> Decimal:
    groups = disbursement_groups(ctx)
    total = sum((v for kind in kinds for v in groups.get(str(kind), {}).values()), start=0)
    return amount(total)


@indicator("support.loan_interest", name="贷款贴息企业", unit="家", chapter=CHAPTER, sources=("disbursement",),
           definition="类型贷款贴息、`paid_on` 在W内的不同企业数（无信用代码的不计）")
def support_loan_interest(ctx: Context) -> Result:
    return Result(value=_disbursed_enterprises(ctx, DisbursementKind.LOAN_INTEREST),
                  records=lambda: disbursements(ctx, DisbursementKind.LOAN_INTEREST))


@indicator("support.quality_award", name="高质量发展奖励企业", unit="家", chapter=CHAPTER,
           sources=("disbursement",), definition="类型高质量发展奖励、`paid_on` 在W内的不同企业数")
def support_quality_award(ctx: Context) -> Result:
    return Result(value=_disbursed_enterprises(ctx, DisbursementKind.QUALITY_AWARD),
                  records=lambda: disbursements(ctx, DisbursementKind.QUALITY_AWARD))


@indicator("support.quality_award.amount", name="高质量发展奖励金额", unit="万元", chapter=CHAPTER,
           sources=("disbursement",), definition="类型高质量发展奖励、W内 Σ `amount`（万元）")
def support_quality_award_amount(ctx: Context) -> Result:
    return Result(value=_disbursed_amount(ctx, DisbursementKind.QUALITY_AWARD),
                  records=lambda: disbursements(ctx, DisbursementKind.QUALITY_AWARD))


RELIEF_KINDS = (DisbursementKind.STAFF_RETENTION, DisbursementKind.TRAVEL, DisbursementKind.INDUSTRY_SUPPORT)


@indicator("support.relief_total", name="留工红包、交通、工业扶持等补助", unit="万元", chapter=CHAPTER,
           sources=("disbursement",), definition="类型留工红包、交通补助、工业经济扶持，W内 Σ `amount`（报告用“超”）")
def support_relief_total(ctx: Context) -> Result:
    value = _disbursed_amount(ctx, *RELIEF_KINDS)
    return Result(value=value, records=lambda: disbursements(ctx, *RELIEF_KINDS),
                  extra={"floor": approx_floor(value)})


def _service_requests(ctx: Context) -> QuerySet:
    return ctx.records("service_request").filter(ctx.in_w("received_on"))


@indicator("support.service_requests", name="受理各类业务", unit="件", chapter=CHAPTER,
           sources=("service_request",), definition="`received_on` 在W内的企业服务事项")
def support_service_requests(ctx: Context) -> Result:
    n = ctx.memo("support.service_requests", lambda: _service_requests(ctx).count())
    return Result(value=Decimal(n), records=lambda: _service_requests(ctx))
