"""(五) 改革创新与资金保障 figures: state assets, financing, policy payments, support packages (`finance.*`).

Readings where the dictionary leaves room:
- `finance.financing_projects`: started by D and not approved before Y-01-01 (still in progress,
  or approved this year — including approvals after D, which were still in progress at D).
- `finance.special_bonds_approved.names` is undefined when no bond was approved in W; names are
  ordered by `approved_on`, then by name compared as plain text, and quoted as entered.
- `finance.investment_policy` counts distinct enterprises of the payments (rows without `uscc`
  add to `.amount` but not to the count); `.share` divides the unrounded amounts (both in 亿元,
  the same ratio as in 万元) and is undefined when the budget expenditure is undefined or 0.
- `finance.package.*[CODE]` read the latest row of that code with `as_of` ≤ D; the keys are
  expanded for the packages having such a row. An empty amount in that row is undefined.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db.models import Count, F, Q

from parkledger.economy.choices import DisbursementKind
from parkledger.finance.choices import FinancingKind
from parkledger.indicators.context import Context
from parkledger.indicators.helpers import amount, bytewise, count_result, exact_sum, undefined, wan_to_yi
from parkledger.indicators.registry import indicator
from parkledger.indicators.types import Result
from parkledger.lib.chinese import join_and

CHAPTER = "finance"


@indicator("finance.asset_filings", name="完成审批、备案事项", unit="项", chapter=CHAPTER, sources=("asset_filing",),
           definition="`decided_on` 在W内的国资审批、备案事项数")
def finance_asset_filings(ctx: Context) -> Result:
    return count_result(ctx.records("asset_filing").filter(ctx.in_w("decided_on")))


@indicator("finance.financing_projects", name="推进重大融资项目", unit="个", chapter=CHAPTER,
           sources=("financing_project",),
           definition="`started_on` ≤ D 且未在Y年1月1日前获批（`approved_on` 为空或 ≥ Y-01-01）的融资项目数")
def finance_financing_projects(ctx: Context) -> Result:
    year_start = date(ctx.period.year, 1, 1)
    qs = ctx.records("financing_project").filter(ctx.by_d("started_on")).filter(
        Q(approved_on__isnull=True) | Q(approved_on__gte=year_start)
    )
    return Result(value=Decimal(qs.count()), records=qs)


def _bonds(ctx: Context):
    return ctx.records("financing_project").filter(ctx.in_w("approved_on"), kind=FinancingKind.SPECIAL_BOND)


@indicator("finance.special_bonds_approved", name="获批政府专项债", unit="只", chapter=CHAPTER,
           sources=("financing_project",), definition="类型为专项债且 `approved_on` 在W内的融资项目数")
def finance_special_bonds_approved(ctx: Context) -> Result:
    return Result(value=Decimal(len(_bond_names(ctx))), records=lambda: _bonds(ctx))


def _bond_names(ctx: Context) -> list[str]:
    """The names of the bonds approved in W, by `approved_on` then name: one query for both keys."""
    return ctx.memo("finance.bond_names", lambda: list(
        _bonds(ctx).order_by(F("approved_on").asc(), bytewise("name")).values_list("name", flat=True)))


@indicator("finance.special_bonds_approved.names", name="获批政府专项债名称", unit="", chapter=CHAPTER,
           sources=("financing_project",),
           definition="W内获批专项债的名称，按 `approved_on`、名称排序，两项为“A和B”，多项为“A、B和C”")
def finance_special_bonds_approved_names(ctx: Context) -> Result:
    qs = _bonds(ctx)
    names = _bond_names(ctx)
    if not names:
        return undefined("W内无获批专项债", qs)
    return Result(value=join_and([n.strip() for n in names]), records=qs)


def _policy_payments(ctx: Context):
    return ctx.records("disbursement").filter(ctx.in_w("paid_on"), kind=DisbursementKind.INVESTMENT_POLICY)


def _payments(ctx: Context) -> dict[str, Decimal | int]:
    """The investment-policy payments of W (distinct enterprises, Σ amount) and the rent reliefs of W
    (Σ amount): one query for the four keys."""

    def compute() -> dict[str, Decimal | int]:
        policy, relief = Q(kind=DisbursementKind.INVESTMENT_POLICY), Q(kind=DisbursementKind.RENT_RELIEF)
        row = ctx.records("disbursement").filter(ctx.in_w("paid_on"), policy | relief).aggregate(
            policy_enterprises=Count("uscc", distinct=True, filter=policy),
            policy_amount=exact_sum("amount", policy), rent_relief=exact_sum("amount", relief),
        )
        return {"policy_enterprises": row["policy_enterprises"],
                "policy_amount": amount(row["policy_amount"]), "rent_relief": amount(row["rent_relief"])}

    return ctx.memo("finance.payments", compute)


def _policy_amount(ctx: Context) -> Decimal:
    return _payments(ctx)["policy_amount"]


@indicator("finance.investment_policy", name="审核招商政策兑现企业", unit="家", chapter=CHAPTER,
           sources=("disbursement",),
           definition="W内兑付（`paid_on` 在W内）招商政策兑现款的企业家数（去重；无信用代码的不计家数）")
def finance_investment_policy(ctx: Context) -> Result:
    return Result(value=Decimal(_payments(ctx)["policy_enterprises"]), records=lambda: _policy_payments(ctx))


@indicator("finance.investment_policy.amount", name="招商政策兑现金额", unit="亿元", chapter=CHAPTER,
           sources=("disbursement",), definition="Σ `amount`，W内兑付的招商政策兑现款（万元÷10000）")
def finance_investment_policy_amount(ctx: Context) -> Result:
    return Result(value=wan_to_yi(_policy_amount(ctx)), records=lambda: _policy_payments(ctx))


@indicator("finance.investment_policy.share", name="兑现补助占一般公共预算支出比重", unit="%", chapter=CHAPTER,
           sources=("disbursement", "park_month"),
           definition="招商政策兑现金额 ÷ 一般公共预算支出（`econ.general_budget_expenditure`）× 100")
def finance_investment_policy_share(ctx: Context) -> Result:
    expenditure = ctx.figure("econ.general_budget_expenditure")
    records = [_policy_payments(ctx)]
    behind = ctx.result("econ.general_budget_expenditure").records
    if behind is not None:
        records.extend(behind if isinstance(behind, list) else [behind])
    if expenditure.value is None:
        return undefined(f"一般公共预算支出无值（{expenditure.reason}），比重无法计算", records)
    if expenditure.value == 0:
        return undefined("一般公共预算支出为0，比重无意义", records)
    return Result(value=wan_to_yi(_policy_amount(ctx)) / Decimal(expenditure.value) * 100, records=records)


@indicator("finance.rent_relief", name="减免国有经营性用房租金", unit="万元", chapter=CHAPTER,
           sources=("disbursement",), definition="Σ `amount`，类型为国有房租减免，`paid_on` 在W内")
def finance_rent_relief(ctx: Context) -> Result:
    return Result(value=_payments(ctx)["rent_relief"],
                  records=lambda: ctx.records("disbursement").filter(ctx.in_w("paid_on"),
                                                                     kind=DisbursementKind.RENT_RELIEF))


# -- support packages --------------------------------------------------------------------------------

def _package_codes(ctx: Context):
    return (
        ctx.records("support_package").filter(ctx.by_d("as_of"))
        .order_by("code").values_list("code", flat=True).distinct()
    )


def _latest_packages(ctx: Context) -> dict[str, dict]:
    """code → the latest row with `as_of` ≤ D (one query for every `finance.package.*` key)."""

    def compute() -> dict[str, dict]:
        latest: dict[str, dict] = {}
        rows = ctx.records("support_package").filter(ctx.by_d("as_of")).order_by("code", "as_of").values(
            "pk", "code", "as_of", "fund_amount", "subsidy_amount", "paid_amount"
        )
        for row in rows:
            latest[row["code"]] = row  # ascending as_of: the last one wins
        return latest

    return ctx.memo("finance.packages", compute)


def _package_value(ctx: Context, code: str, field: str, label: str) -> Result:
    row = _latest_packages(ctx).get(code)
    if row is None:
        return undefined("截至D本园区无该扶持方案记录")
    records = [("support_package", row["pk"])]
    if row[field] is None:
        return undefined(f"最新一期扶持方案（截至{row['as_of'].isoformat()}）未填报{label}", records)
    return Result(value=wan_to_yi(Decimal(row[field])), records=records, extra={"as_of": row["as_of"]})


@indicator("finance.package.fund[CODE]", name="重大项目扶持方案基金", unit="亿", chapter=CHAPTER,
           sources=("support_package",), definition="该方案 `as_of` ≤ D 的最新一条记录的 `fund_amount`（万元÷10000）",
           params=_package_codes)
def finance_package_fund(ctx: Context, code: str) -> Result:
    return _package_value(ctx, code, "fund_amount", "基金")


@indicator("finance.package.subsidy[CODE]", name="重大项目扶持方案政策补助", unit="亿", chapter=CHAPTER,
           sources=("support_package",),
           definition="该方案 `as_of` ≤ D 的最新一条记录的 `subsidy_amount`（万元÷10000）", params=_package_codes)
def finance_package_subsidy(ctx: Context, code: str) -> Result:
    return _package_value(ctx, code, "subsidy_amount", "政策补助")


@indicator("finance.package.paid[CODE]", name="重大项目扶持方案已兑付", unit="亿元", chapter=CHAPTER,
           sources=("support_package",),
           definition="该方案 `as_of` ≤ D 的最新一条记录的 `paid_amount`（万元÷10000）", params=_package_codes)
def finance_package_paid(ctx: Context, code: str) -> Result:
    return _package_value(ctx, code, "paid_amount", "已兑付金额")


@indicator("finance.package.as_of_month[CODE]", name="重大项目扶持方案截至月份", unit="月", chapter=CHAPTER,
           sources=("support_package",),
           definition="该方案 `as_of` ≤ D 的最新一条记录的截至月份（月份数字，如“截至9月”）", params=_package_codes)
def finance_package_as_of_month(ctx: Context, code: str) -> Result:
    row = _latest_packages(ctx).get(code)
    if row is None:
        return undefined("截至D本园区无该扶持方案记录")
    return Result(value=Decimal(row["as_of"].month), records=[("support_package", row["pk"])],
                  extra={"as_of": row["as_of"]})
