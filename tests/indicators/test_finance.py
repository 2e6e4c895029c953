"""(五) 改革创新与资金保障: `finance.*` on a small hand-built ledger (P = 2022-09 unless said).

W = 2022-01-01 … 2022-09-30; D = 2022-09-30. Parks: ECO with sub-park ECO-CEE, and OTHER.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from parkledger.core.models import Enterprise, Park, ParkMonth
from parkledger.economy.models import Disbursement, SupportPackage
from parkledger.finance.models import AssetFiling, FinancingProject
from parkledger.indicators.engine import compute_figures
from parkledger.lib.uscc import make_uscc

pytestmark = pytest.mark.django_db

E1, E2, E3, C1, X1 = (make_uscc(f"91330281MA2{n:06d}") for n in range(1, 6))


def D(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def fig(park: str, key: str, period: str = "2022-09"):
    return compute_figures(park, period, [key])[key]


def check(park: str, key: str, value: str | None, text: str | None, period: str = "2022-09") -> None:
    f = fig(park, key, period)
    assert (f.value, f.text) == (None if value is None else Decimal(value), text), f.reason


@pytest.fixture
def parks():
    Park.objects.create(code="ECO", name="生态园")
    Park.objects.create(code="ECO-CEE", name="中东欧国际产业合作园", parent_id="ECO")
    Park.objects.create(code="OTHER", name="别的园区")
    for uscc, park in [(E1, "ECO"), (E2, "ECO"), (E3, "ECO"), (C1, "ECO-CEE"), (X1, "OTHER")]:
        Enterprise.objects.create(uscc=uscc, name=f"企业{uscc[-3:]}", park_id=park, registered_on=date(2015, 1, 1))


def test_asset_filings(parks):
    for park, on in [("ECO", date(2022, 1, 1)), ("ECO-CEE", date(2022, 9, 30)), ("ECO", date(2021, 12, 31)),
                     ("ECO", date(2022, 10, 1)), ("OTHER", date(2022, 3, 1)), ("ECO", None)]:
        AssetFiling.objects.create(park_id=park, kind="filing", subject="事项", decided_on=on)
    check("ECO", "finance.asset_filings", "2", "2")
    check("ECO-CEE", "finance.asset_filings", "1", "1")


@pytest.fixture
def financing(parks):
    rows = [
        # name, park, kind, started, approved
        ("F1", "ECO", "bank_loan", date(2021, 6, 1), None),                       # in progress → yes
        ("F2", "ECO", "fund", date(2021, 6, 1), date(2021, 12, 31)),              # approved last year → no
        ("园区基础设施专项债", "ECO", "special_bond", date(2021, 6, 1), date(2022, 1, 1)),  # approved 1 Jan → yes
        ("F4", "ECO-CEE", "other", date(2022, 9, 30), None),                      # started on D → yes
        ("F5", "ECO", "other", date(2022, 10, 1), None),                          # started after D → no
        ("F6", "ECO", "other", None, None),                                       # never started → no
        ("F7", "OTHER", "other", date(2022, 1, 1), None),                         # other park
        ("F8", "ECO", "bank_loan", date(2022, 2, 1), date(2022, 11, 1)),          # approved after D → yes
        ("乙项目专项债", "ECO", "special_bond", date(2022, 1, 1), date(2022, 5, 1)),
        ("甲项目专项债", "ECO", "special_bond", date(2022, 1, 1), date(2022, 5, 1)),
        ("人才公寓专项债", "ECO-CEE", "special_bond", date(2022, 1, 1), date(2022, 6, 1)),
        ("标准厂房专项债", "ECO-CEE", "special_bond", date(2022, 1, 1), date(2022, 9, 30)),
        ("贷款", "ECO", "bank_loan", date(2022, 1, 1), date(2022, 3, 1)),
        ("旧专项债", "ECO", "special_bond", date(2021, 1, 1), date(2021, 12, 31)),
        ("别的专项债", "OTHER", "special_bond", date(2022, 1, 1), date(2022, 2, 1)),
        ("十月专项债", "ECO", "special_bond", date(2022, 1, 1), date(2022, 10, 1)),
    ]
    for name, park, kind, started, approved in rows:
        FinancingProject.objects.create(name=name, park_id=park, kind=kind, started_on=started, approved_on=approved)


def test_financing_projects(financing):
    # started by D and not approved before 2022-01-01:
    #   F1, 园区基础设施专项债, F4, F8, 乙, 甲, 人才公寓, 标准厂房, 贷款, 十月专项债 → 10
    #   (F2 and 旧专项债 approved in 2021; F5 started after D; F6 never; F7 and 别的专项债 OTHER)
    check("ECO", "finance.financing_projects", "10", "10")


def test_special_bonds_approved_and_names(financing):
    # special bonds approved in W: 园区基础设施 (1 Jan), 乙 and 甲 (1 May), 人才公寓 (1 Jun), 标准厂房 (30 Sep) → 5
    # (旧专项债 31 Dec 2021, 十月专项债 1 Oct, 别的专项债 OTHER are out; 贷款 is not a bond)
    check("ECO", "finance.special_bonds_approved", "5", "5")
    # ordered by date, then name as plain text (乙 U+4E59 before 甲 U+7532)
    f = fig("ECO", "finance.special_bonds_approved.names")
    assert f.value == f.text == "园区基础设施专项债、乙项目专项债、甲项目专项债、人才公寓专项债和标准厂房专项债"
    # two names: A和B
    assert fig("ECO-CEE", "finance.special_bonds_approved.names").value == "人才公寓专项债和标准厂房专项债"
    # one name alone
    assert fig("ECO", "finance.special_bonds_approved.names", "2022-04").value == "园区基础设施专项债"
    # none approved in W of 2021 (旧专项债 is 31 Dec, after 2021-09-30): undefined
    f = fig("ECO", "finance.special_bonds_approved.names", "2021-09")
    assert f.value is None and f.text is None and f.reason


@pytest.fixture
def payments(parks):
    rows = [
        # park, uscc, kind, amount, paid_on
        ("ECO", E1, "investment_policy", "1000", date(2022, 1, 1)),
        ("ECO", E1, "investment_policy", "500", date(2022, 9, 30)),    # the same enterprise
        ("ECO-CEE", C1, "investment_policy", "0", date(2022, 5, 1)),   # zero amount still counts
        ("ECO", None, "investment_policy", "250", date(2022, 3, 1)),   # no uscc: amount only
        ("ECO", E2, "investment_policy", None, date(2022, 4, 1)),      # empty amount: counts, adds 0
        ("ECO", E3, "investment_policy", "999", date(2021, 12, 31)),
        ("ECO", E3, "investment_policy", "999", date(2022, 10, 1)),
        ("ECO", E3, "investment_policy", "999", None),
        ("OTHER", X1, "investment_policy", "777", date(2022, 2, 1)),
        ("OTHER", E1, "investment_policy", "777", date(2022, 2, 1)),   # belongs to its own park OTHER
        ("ECO", E3, "rent_relief", "12.345", date(2022, 2, 1)),
        ("ECO-CEE", None, "rent_relief", "10", date(2022, 9, 30)),
        ("ECO", None, "rent_relief", "10", date(2021, 9, 30)),
    ]
    for park, uscc, kind, amount, paid in rows:
        Disbursement.objects.create(park_id=park, uscc_id=uscc, kind=kind, amount=D(amount), paid_on=paid)
    for park, month, gbe in [("ECO", "2022-01", "20000"), ("ECO-CEE", "2022-09", "8000"), ("ECO", "2021-12", "99999"),
                             ("ECO", "2022-10", "99999"), ("OTHER", "2022-02", "0")]:
        ParkMonth.objects.create(park_id=park, month=month, general_budget_expenditure=D(gbe))


def test_investment_policy(payments):
    # distinct enterprises paid in W: E1, C1, E2 → 3 (the row without uscc adds no enterprise)
    check("ECO", "finance.investment_policy", "3", "3")
    # 1000 + 500 + 0 + 250 + empty = 1750万元 = 0.175亿元 → half-up "0.18"
    check("ECO", "finance.investment_policy.amount", "0.175", "0.18")
    # OTHER's own payments: X1 and E1 (paid by OTHER) → 2
    check("OTHER", "finance.investment_policy", "2", "2")


def test_investment_policy_share(payments):
    # general budget expenditure in W: 20000 + 8000 = 28000万元 = 2.8亿元; 0.175 / 2.8 × 100 = 6.25 → "6.3"
    check("ECO", "finance.investment_policy.share", "6.25", "6.3")
    # OTHER: expenditure 0 → undefined, not 0 and no error
    f = fig("OTHER", "finance.investment_policy.share")
    assert f.value is None and f.text is None and "为0" in f.reason


def test_rent_relief(payments):
    check("ECO", "finance.rent_relief", "22.345", "22.35")  # 12.345 + 10 (30 Sep, ECO-CEE); 2021 row out


@pytest.fixture
def packages(parks):
    rows = [
        # code, park, as_of, fund, subsidy, paid (万元)
        ("SP-YOUSI", "ECO", date(2022, 6, 30), "100000", "25000", "12345"),
        ("SP-YOUSI", "ECO", date(2022, 9, 30), "100000", "30000", "23450"),
        ("SP-YOUSI", "ECO", date(2022, 10, 31), "1", "1", "1"),
        ("SP-EMPTY", "ECO-CEE", date(2022, 3, 31), None, "5000", "0"),
        ("SP-LATE", "ECO", date(2022, 10, 15), "1", "1", "1"),
        ("SP-X", "OTHER", date(2022, 1, 1), "1", "1", "1"),
    ]
    for code, park, as_of, fund, subsidy, paid in rows:
        SupportPackage.objects.create(code=code, park_id=park, project_name=code, as_of=as_of,
                                      fund_amount=D(fund), subsidy_amount=D(subsidy), paid_amount=D(paid))


def test_package_latest_row_by_d(packages):
    # latest row with as_of ≤ 2022-09-30 is the one of 30 September
    check("ECO", "finance.package.fund[SP-YOUSI]", "10", "10")        # 100000万 = 10亿, zeros dropped
    check("ECO", "finance.package.subsidy[SP-YOUSI]", "3", "3")       # 30000万 = 3亿
    check("ECO", "finance.package.paid[SP-YOUSI]", "2.345", "2.35")   # 23450万 = 2.345亿元 → half-up
    check("ECO", "finance.package.as_of_month[SP-YOUSI]", "9", "9")
    # P = 2022-08: the row of 30 June
    check("ECO", "finance.package.subsidy[SP-YOUSI]", "2.5", "2.5", period="2022-08")
    check("ECO", "finance.package.paid[SP-YOUSI]", "1.2345", "1.23", period="2022-08")
    check("ECO", "finance.package.as_of_month[SP-YOUSI]", "6", "6", period="2022-08")


def test_package_empty_and_missing(packages):
    assert fig("ECO", "finance.package.fund[SP-EMPTY]").value is None  # empty fund in the latest row
    check("ECO", "finance.package.subsidy[SP-EMPTY]", "0.5", "0.5")
    check("ECO", "finance.package.paid[SP-EMPTY]", "0", "0.00")
    assert fig("ECO", "finance.package.fund[SP-LATE]").value is None  # first row after D
    assert fig("ECO", "finance.package.fund[SP-X]").value is None  # another park's package


def test_package_keys_expand_to_packages_existing_by_d(packages):
    keys = {k for k in compute_figures("ECO", "2022-09") if k.startswith("finance.package.fund[")}
    assert keys == {"finance.package.fund[SP-YOUSI]", "finance.package.fund[SP-EMPTY]"}
