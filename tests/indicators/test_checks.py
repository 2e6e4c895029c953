"""数据质量: the consistency checks on a small hand-built ledger, P = 2022-03.

W = 2022-01 … 2022-03, W′ = 2021-01 … 2021-03. Parks: ECO with sub-park ECO-CEE, and OTHER.
park_month (万元):
  ECO 2021-01..03: fai 100 each → 300 in W′ (industrial 50 each, fiscal 10, budget revenue 5, expenditure 100)
  ECO 2022-01: fai 100, industrial 150 (a month whose part exceeds its whole), fiscal 10, budget revenue 50,
               expenditure 1000
  ECO 2022-02: missing
  ECO 2022-03: fai 300, industrial 100, fiscal 10, budget revenue empty, expenditure empty
  ECO-CEE 2022-01 only (fai 0, industrial 0, fiscal 0, budget revenue 0, expenditure 0)
  → fai 400 ≥ industrial 250 (totals fine, one month not); fiscal 20 < budget revenue 50 (error);
    fai growth (400 − 300) / 300 = +33.3% (no flag); industrial (250 − 150) / 150 = +66.7% (flagged)
Disbursement investment_policy 5000万元 in W: share = 0.5亿 ÷ 0.1亿 (expenditure 1000万) = 500% (error)
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from parkledger.core.models import Enterprise, EnterpriseMonth, Park, ParkMonth
from parkledger.economy.models import Disbursement
from parkledger.indicators.checks import RECORD_CAP, CheckFailure, run_checks
from parkledger.indicators.engine import compute_figures
from parkledger.indicators.types import Figure, FigureSet
from parkledger.lib.uscc import make_uscc

pytestmark = pytest.mark.django_db

E1, E2, E3, X1 = (make_uscc(f"91330281MA2{n:06d}") for n in range(1, 5))


def D(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


@pytest.fixture
def ledger():
    Park.objects.create(code="ECO", name="生态园")
    Park.objects.create(code="ECO-CEE", name="中东欧国际产业合作园", parent_id="ECO")
    Park.objects.create(code="OTHER", name="别的园区")
    for month in ("2021-01", "2021-02", "2021-03"):
        ParkMonth.objects.create(park_id="ECO", month=month, fixed_asset_investment=D("100"),
                                 industrial_investment=D("50"), fiscal_revenue_total=D("10"),
                                 general_budget_revenue=D("5"), general_budget_expenditure=D("100"))
    ParkMonth.objects.create(park_id="ECO", month="2022-01", fixed_asset_investment=D("100"),
                             industrial_investment=D("150"), fiscal_revenue_total=D("10"),
                             general_budget_revenue=D("50"), general_budget_expenditure=D("1000"))
    ParkMonth.objects.create(park_id="ECO", month="2022-03", fixed_asset_investment=D("300"),
                             industrial_investment=D("100"), fiscal_revenue_total=D("10"))
    ParkMonth.objects.create(park_id="ECO-CEE", month="2022-01", fixed_asset_investment=D("0"),
                             industrial_investment=D("0"), fiscal_revenue_total=D("0"),
                             general_budget_revenue=D("0"), general_budget_expenditure=D("0"))
    ParkMonth.objects.create(park_id="OTHER", month="2022-01", industrial_investment=D("999"))
    for uscc, park, closed in [(E1, "ECO", None), (E2, "ECO", date(2022, 1, 15)), (E3, "ECO-CEE", None),
                               (X1, "OTHER", None)]:
        Enterprise.objects.create(uscc=uscc, name=f"企业{uscc[-3:]}", park_id=park, registered_on=date(2015, 1, 1),
                                  closed_on=closed)
    for uscc, months in [
        (E1, ["2021-01", "2021-02", "2021-12", "2022-01", "2022-03"]),  # gaps: 2021-03 and 2022-02
        (E2, ["2022-01"]),              # closed 15 Jan: February is not expected
        (E3, ["2022-02", "2022-03"]),   # new in February: January is not expected
        (X1, ["2022-01", "2022-03"]),   # another park
    ]:
        for month in months:
            EnterpriseMonth.objects.create(uscc_id=uscc, month=month, output_value=D("10"), value_added=D("3"))
    Disbursement.objects.create(park_id="ECO", uscc_id=E1, kind="investment_policy", amount=D("5000"),
                                paid_on=date(2022, 2, 1))


def by_code(failures: list[CheckFailure], code: str) -> list[CheckFailure]:
    return [f for f in failures if f.code == code]


def test_budget_revenue_over_fiscal_revenue_is_an_error(ledger):
    [f] = by_code(run_checks("ECO", "2022-03"), "budget_revenue_exceeds_fiscal_revenue")
    # Σ budget revenue 50 + 0 = 50万元 = 0.005亿元 > Σ fiscal 10 + 10 + 0 = 20万元 = 0.002亿元
    assert f.severity == "error" and f.key == "econ.general_budget_revenue"
    assert "一般公共预算收入（0.01亿元）大于财政总收入（0.00亿元）" == f.message
    # the month whose part exceeds its whole is the record behind it
    assert [(r.kind, r.natural_key) for r in f.records] == [("park_month", "ECO/2022-01")]


def test_a_month_over_its_whole_is_a_warning_when_totals_agree(ledger):
    [f] = by_code(run_checks("ECO", "2022-03"), "industrial_investment_exceeds_fai")
    assert f.severity == "warning"  # 250 ≤ 400 over W, but 2022-01 has 150 > 100
    assert [r.natural_key for r in f.records] == ["ECO/2022-01"]


def test_rates_out_of_range(ledger):
    failures = run_checks("ECO", "2022-03")
    [f] = by_code(failures, "rate_out_of_range")
    # 5000万元 = 0.5亿元 over expenditure 1000 + 0 + empty = 1000万元 = 0.1亿元 → 500%
    assert f.key == "finance.investment_policy.share" and f.severity == "error"
    assert f.message == "兑现补助占一般公共预算支出比重为500%，超出0–100%"
    # the records behind it: the payment and the park's expenditure rows of W
    payment = Disbursement.objects.get(uscc_id=E1, kind="investment_policy")
    assert [(r.kind, r.natural_key) for r in f.records] == [
        ("disbursement", payment.code), ("park_month", "ECO/2022-01"), ("park_month", "ECO/2022-03"),
        ("park_month", "ECO-CEE/2022-01"),
    ]


def test_growth_beyond_fifty_percent_is_flagged(ledger):
    flagged = {f.key for f in by_code(run_checks("ECO", "2022-03"), "growth_outlier")}
    # industrial (250 − 150) / 150 = +66.7% → flagged; fai (400 − 300) / 300 = +33.3% → not
    assert "econ.industrial_investment.yoy" in flagged
    assert "econ.fai.yoy" not in flagged


def test_undefined_figures_with_their_reasons(ledger):
    undefined = {f.key: f for f in by_code(run_checks("ECO", "2022-03"), "undefined_figure")}
    assert "env.water_compliance_rate" in undefined
    assert undefined["env.water_compliance_rate"].message == (
        "水质达标率（env.water_compliance_rate）无法计算：W内无水质监测记录，达标率无意义")
    assert all(f.severity == "warning" for f in undefined.values())


def test_enterprise_month_missing_after_a_reported_month(ledger):
    failures = by_code(run_checks("ECO", "2022-03"), "enterprise_month_missing")
    # E1 only: 2021-03 (2021-02 reported) and 2022-02 (2022-01 reported); E2 closed, E3 new, X1 other park
    assert len(failures) == 1
    [f] = failures
    assert f.message == f"企业{E1[-3:]}（{E1}）缺少2021-03、2022-02月报（上月已报送）"
    assert [(r.kind, r.natural_key) for r in f.records] == [
        ("enterprise", E1), ("enterprise_month", f"{E1}/2021-02"), ("enterprise_month", f"{E1}/2022-01")]


def test_park_month_missing(ledger):
    failures = {f.records[0].natural_key: f for f in by_code(run_checks("ECO", "2022-03"), "park_month_missing")}
    assert set(failures) == {"ECO", "ECO-CEE"}
    assert failures["ECO"].message == "生态园（ECO）缺少2022-02园区月度统计"
    assert failures["ECO-CEE"].message == (
        "中东欧国际产业合作园（ECO-CEE）缺少2021-01、2021-02、2021-03、2022-02、2022-03园区月度统计")


def test_park_month_missing_for_a_park_without_any_row():
    Park.objects.create(code="NEW", name="新园区")
    [f] = by_code(run_checks("NEW", "2022-02"), "park_month_missing")
    assert f.message == "新园区（NEW）缺少2021-01、2021-02、2022-01、2022-02园区月度统计"


def test_empty_amounts_are_listed(ledger):
    empty = by_code(run_checks("ECO", "2022-03"), "empty_amount")
    [revenue] = [f for f in empty if "一般公共预算收入" in f.message]
    # only ECO 2022-03 has it empty among the rows of W and W′ (ECO-CEE reported 0, OTHER is not counted)
    assert revenue.message == "园区月度统计有1条记录的“一般公共预算收入”为空（按0计入合计）"
    assert [r.natural_key for r in revenue.records] == ["ECO/2022-03"]


def test_errors_come_first(ledger):
    severities = [f.severity for f in run_checks("ECO", "2022-03")]
    assert severities == sorted(severities, key=lambda s: s != "error")


def test_the_part_of_whole_check_on_given_figures(ledger):
    def figure(key: str, name: str, value: str) -> Figure:
        return Figure(key=key, name=name, unit="亿元", value=Decimal(value), text=value, reason="",
                      definition="", chapter="economy", base_key=key)

    figures = FigureSet("ECO", "2022-03", {
        "econ.output": figure("econ.output", "工业总产值", "1.00"),
        "econ.above_scale_output": figure("econ.above_scale_output", "规上工业总产值", "1.50"),
    })
    [f] = by_code(run_checks("ECO", "2022-03", figures), "above_scale_output_exceeds_output")
    assert f.severity == "error" and f.message == "规上工业总产值（1.50亿元）大于工业总产值（1.00亿元）"
    # no figure was recomputed: only the two given ones are looked at
    assert not by_code(run_checks("ECO", "2022-03", figures), "rate_out_of_range")


def test_the_command_prints_failures_and_exits_1_on_errors(ledger):
    out = StringIO()
    with pytest.raises(CommandError) as exc:
        call_command("check", park="ECO", period="2022-03", stdout=out)
    assert exc.value.returncode == 1
    text = out.getvalue()
    assert "[错误] budget_revenue_exceeds_fiscal_revenue" in text
    assert "    - park_month ECO/2022-01" in text


def test_the_command_passes_with_warnings_only():
    Park.objects.create(code="NEW", name="新园区")
    out = StringIO()
    call_command("check", park="NEW", period="2022-02", stdout=out)  # warnings only: no exception
    assert "0项错误" in out.getvalue()


def test_the_command_without_park_runs_the_system_checks():
    out = StringIO()
    call_command("check", stdout=out)
    assert "System check identified no issues" in out.getvalue()


def test_the_command_needs_both_options():
    with pytest.raises(CommandError, match="同时指定"):
        call_command("check", park="ECO", stdout=StringIO())


def add_gappy_enterprises(first: int, count: int) -> None:
    """`count` ECO enterprises reporting like E1 (gaps 2021-03 and 2022-02), value added left empty."""
    for n in range(first, first + count):
        uscc = make_uscc(f"91330281MB3{n:06d}")
        Enterprise.objects.create(uscc=uscc, name=f"新企业{n}", park_id="ECO", registered_on=date(2016, 1, 1))
        for month in ["2021-01", "2021-02", "2021-12", "2022-01", "2022-03"]:
            EnterpriseMonth.objects.create(uscc_id=uscc, month=month, output_value=D("10"), value_added=None)


def checked(park: str = "ECO", period: str = "2022-03") -> tuple[list[CheckFailure], int, int]:
    """The failures, the queries of the checks over given figures, and those of a whole run (after
    a first run: computing some figures stores what later runs read, e.g. the 亩均 round)."""
    figures = compute_figures(park, period)
    with CaptureQueriesContext(connection) as queries:
        failures = run_checks(park, period, figures)
    run_checks(park, period)
    with CaptureQueriesContext(connection) as whole:
        assert run_checks(park, period) == failures
    return failures, len(queries.captured_queries), len(whole.captured_queries)


def test_query_count_does_not_grow_with_the_enterprises(ledger):
    add_gappy_enterprises(0, 2)
    small, small_queries, small_whole = checked()
    add_gappy_enterprises(2, 8)  # 2 → 10 new enterprises: five times as many
    big, big_queries, big_whole = checked()
    assert big_queries == small_queries
    assert big_whole == small_whole
    # every new enterprise misses 2021-03 and 2022-02, as E1 does: 1 + 2 failures, then 1 + 10
    assert len(by_code(small, "enterprise_month_missing")) == 3
    assert len(by_code(big, "enterprise_month_missing")) == 11
    [value_added] = [f for f in by_code(big, "empty_amount") if "工业增加值" in f.message]
    # 10 enterprises × 4 returns within W′ ∪ W (2021-12 is outside both) = 40 empty values
    assert value_added.records_total == 40 and len(value_added.records) == 40


def test_records_are_capped_with_their_total(ledger):
    add_gappy_enterprises(0, 15)
    [value_added] = [f for f in by_code(run_checks("ECO", "2022-03"), "empty_amount") if "工业增加值" in f.message]
    # 15 enterprises × 4 returns in W′ ∪ W = 60 empty values, the first 50 listed
    assert value_added.records_total == 60
    assert len(value_added.records) == RECORD_CAP == 50
    assert value_added.message == "企业月报有60条记录的“工业增加值”为空（按0计入合计）"
    assert all(r.kind == "enterprise_month" for r in value_added.records)


def test_a_month_with_an_empty_whole_counts_it_as_zero(ledger):
    # ECO 2022-03's FAI emptied: FAI over W = 100 + 0 (empty) + 0 (ECO-CEE) = 100 < industrial
    # 150 + 100 + 0 = 250 → an error whose records are the months whose part exceeds their whole:
    # 2022-01 (150 > 100) and 2022-03 (100 > empty, counted as 0)
    ParkMonth.objects.filter(park_id="ECO", month="2022-03").update(fixed_asset_investment=None)
    [f] = by_code(run_checks("ECO", "2022-03"), "industrial_investment_exceeds_fai")
    assert f.severity == "error"
    assert [r.natural_key for r in f.records] == ["ECO/2022-01", "ECO/2022-03"] and f.records_total == 2
