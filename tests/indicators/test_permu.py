"""亩均论英雄: a two-group round worked out by hand, score bands, overrides, caps and imported rounds.

Evaluation year E = 2022 uses the data of 2021. Parks: ECO with sub-park ECO-CEE, and OTHER.

规上 (an above-scale row in 2021), all rows in 2021 unless said:
  U1 (ECO) land 10: 2021-01 tax 100 VA 400 energy 200 emp 40 rd 20 rev 1000,
                     2021-12 tax 200 VA 600 energy 300 emp 60 rd 40 rev 2000
                     → Σ tax 300, VA 1000, energy 500, employees mean (40+60)/2 = 50, rd 60, rev 3000
                     (its 2020-12 and 2022-01 rows are outside E−1 and must be ignored)
  U2 (ECO) land 20: tax 300 VA 1000 energy 250 emp 100 rd 30 rev 3000
  U3 (ECO) land 10: tax 150 VA 500 energy 250 emp 25 rd 15 rev 1500
  U4 (ECO) land 10: the same as U3 (a tie, broken by uscc: U3 < U4)
规下 (no above-scale row in 2021, land ≥ 3):
  L1 (ECO-CEE) land 5: tax 100 → 20/亩;  L2 (ECO) land 3 (the boundary): tax 30 → 10/亩
Out of scope: L3 land 2.99; L5 land 1 with an above-scale row only in 2022; X9 of park OTHER;
  N6 (land 50) with rows only in 2020.

Item values (规上):            U1     U2     U3     U4    mean (benchmark)
  亩均税收 tax/land             30     15     15     15    75/4 = 18.75
  亩均增加值 VA/land            100    50     50     50    250/4 = 62.5
  单位能耗增加值 VA/energy       2      4      2      2     10/4 = 2.5
  全员劳动生产率 VA/emp          20     10     20     20    70/4 = 17.5
  R&D占比 rd/rev               0.02   0.01   0.01   0.01  0.05/4 = 0.0125
Scores = Σ weight × value ÷ benchmark:
  U1 = 30·30/18.75 + 20·100/62.5 + 20·2/2.5 + 15·20/17.5 + 15·0.02/0.0125
     = 48 + 32 + 16 + 17.142857… + 24 = 137.142857… → 137.14
  U2 = 24 + 16 + 32 + 8.571428… + 12 = 92.571428… → 92.57
  U3 = U4 = 24 + 16 + 16 + 17.142857… + 12 = 85.142857… → 85.14
  n = 4: A ≤ max(1, round(1.0)) = 1, B ≤ round(2.8) = 3, C ≤ round(3.8) = 4
  → U1 A (r1), U2 B (r2), U3 B (r3, wins the tie by uscc), U4 C (r4)
规下: benchmark (20 + 10)/2 = 15; L1 = 100·20/15 = 133.333… → 133.33; L2 = 100·10/15 = 66.666… → 66.67
  n = 2: A ≤ max(1, round(0.5)) = 1, B ≤ round(1.4) = 1, C ≤ round(1.9) = 2 → L1 A, L2 C
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from parkledger.core.models import Enterprise, EnterpriseMonth, Park
from parkledger.economy.models import PermuEvaluation
from parkledger.economy.permu import (
    DEFAULT_ITEMS,
    EnterpriseInputs,
    ItemSpec,
    SchemeSpec,
    ensure_permu_round,
    evaluate,
    grade_cutoffs,
    permu_round_compute,
    permu_scheme_new_version,
)
from parkledger.economy.permu_models import (
    PermuAction,
    PermuGradingMode,
    PermuOverride,
    PermuResult,
    PermuRound,
    PermuScheme,
    PermuSchemeItem,
)
from parkledger.indicators.engine import compute_figures
from parkledger.lib.uscc import make_uscc

pytestmark = pytest.mark.django_db

U1, U2, U3, U4, L1, L2, L3, L5, N6, X9 = (make_uscc(f"91330281MA2{n:06d}") for n in range(1, 11))


def ent(uscc: str, park: str, land: str | None) -> None:
    Enterprise.objects.create(
        uscc=uscc, name=f"企业{uscc[-4:]}", park_id=park, registered_on=date(2015, 1, 1),
        land_area_mu=None if land is None else Decimal(land),
    )


def em(uscc: str, month: str, *, above: bool = True, tax=0, va=0, energy=0, emp=None, rd=0, rev=0) -> None:
    EnterpriseMonth.objects.create(
        uscc_id=uscc, month=month, above_scale=above, tax=Decimal(tax), value_added=Decimal(va),
        energy_tce=Decimal(energy), employees=emp, rd_expense=Decimal(rd), revenue=Decimal(rev),
    )


@pytest.fixture
def round_data():
    Park.objects.create(code="ECO", name="生态园")
    Park.objects.create(code="ECO-CEE", name="中东欧国际产业合作园", parent_id="ECO")
    Park.objects.create(code="OTHER", name="别的园区")
    for uscc, park, land in [
        (U1, "ECO", "10"), (U2, "ECO", "20"), (U3, "ECO", "10"), (U4, "ECO", "10"),
        (L1, "ECO-CEE", "5"), (L2, "ECO", "3"), (L3, "ECO", "2.99"), (L5, "ECO", "1"),
        (N6, "ECO", "50"), (X9, "OTHER", "100"),
    ]:
        ent(uscc, park, land)
    em(U1, "2020-12", tax=9999, va=9999, energy=1, emp=1, rd=1, rev=1)
    em(U1, "2021-01", tax=100, va=400, energy=200, emp=40, rd=20, rev=1000)
    em(U1, "2021-12", tax=200, va=600, energy=300, emp=60, rd=40, rev=2000)
    em(U1, "2022-01", tax=9999, va=9999, energy=1, emp=1, rd=1, rev=1)
    em(U2, "2021-06", tax=300, va=1000, energy=250, emp=100, rd=30, rev=3000)
    em(U3, "2021-06", tax=150, va=500, energy=250, emp=25, rd=15, rev=1500)
    em(U4, "2021-06", tax=150, va=500, energy=250, emp=25, rd=15, rev=1500)
    em(L1, "2021-03", above=False, tax=100)
    em(L2, "2021-03", above=False, tax=30)
    em(L3, "2021-03", above=False, tax=500)
    em(L5, "2021-03", above=False, tax=500)
    em(L5, "2022-03", above=True, tax=500)
    em(N6, "2020-03", above=True, tax=500, va=500, energy=5, emp=5, rd=5, rev=500)
    em(X9, "2021-03", above=True, tax=500, va=500, energy=5, emp=5, rd=5, rev=500)


def stored() -> dict[str, tuple[Decimal, str]]:
    return {r.uscc_id: (r.score, r.grade) for r in PermuEvaluation.objects.filter(year=2022)}


def test_the_default_round_is_worked_out_by_hand(round_data):
    permu_round_compute("ECO", 2022)
    assert stored() == {
        U1: (Decimal("137.14"), "A"), U2: (Decimal("92.57"), "B"),
        U3: (Decimal("85.14"), "B"), U4: (Decimal("85.14"), "C"),
        L1: (Decimal("133.33"), "A"), L2: (Decimal("66.67"), "C"),
    }
    assert all(r.computed for r in PermuEvaluation.objects.all())
    detail = PermuResult.objects.get(uscc_id=U1)
    assert detail.group == "above" and detail.rank == 1
    assert Decimal(detail.inputs["employees"]) == 50  # (40 + 60) / 2
    assert Decimal(detail.items["tax_per_mu"]["benchmark"]) == Decimal("18.75")
    assert Decimal(detail.items["tax_per_mu"]["score"]) == 48  # 30 × 30 / 18.75


def test_a_sub_park_reads_the_round_of_its_top_level_park(round_data):
    permu_round_compute("ECO-CEE", 2022)  # computed for the top-level park
    permu_round_compute("OTHER", 2022)
    assert PermuRound.objects.get(year=2022, park_id="ECO").park_id == "ECO"
    # support.permu_grade_a: ECO has U1 and L1 graded A → 2; the sub-park ECO-CEE only L1 → 1
    assert compute_figures("ECO-CEE", "2022-09", ["support.permu_grade_a"])["support.permu_grade_a"].value == 1
    assert compute_figures("ECO", "2022-09", ["support.permu_grade_a"])["support.permu_grade_a"].value == 2
    assert compute_figures("OTHER", "2022-09", ["support.permu_grade_a"])["support.permu_grade_a"].value == 1


def test_ensure_computes_once(round_data, django_assert_max_num_queries):
    ensure_permu_round("ECO", 2022)
    first = PermuRound.objects.get(year=2022).pk
    with django_assert_max_num_queries(6):
        ensure_permu_round("ECO", 2022)
    assert PermuRound.objects.get(year=2022).pk == first


def test_reading_the_figures_writes_nothing(round_data):
    from parkledger.audit.models import AuditEntry

    entries = AuditEntry.objects.count()
    figure = compute_figures("ECO", "2022-09", ["support.permu_grade_a"])["support.permu_grade_a"]
    assert figure.value is None
    assert figure.reason == "2022年度亩均评价尚未计算（请运行 parkledger permu --park ECO --year 2022）"
    assert not PermuRound.objects.exists() and not PermuEvaluation.objects.exists()
    assert AuditEntry.objects.count() == entries


def test_a_round_older_than_its_inputs_is_flagged_on_the_figure_and_by_check(round_data):
    from parkledger.indicators.checks import run_checks

    permu_round_compute("ECO", 2022)
    figure = compute_figures("ECO", "2022-09", ["support.permu_grade_a"])["support.permu_grade_a"]
    assert figure.value == 2 and "note" not in figure.extra
    assert "permu_round_stale" not in [f.code for f in run_checks("ECO", "2022-09")]
    row = EnterpriseMonth.objects.get(uscc_id=U2, month="2021-06")
    row.tax = Decimal("301")
    row.save()
    figure = compute_figures("ECO-CEE", "2022-09", ["support.permu_grade_a"])["support.permu_grade_a"]
    assert figure.value == 1  # the stored round is still read
    assert figure.extra["note"].startswith("2022年度亩均评价计算于")
    assert figure.extra["note"].endswith("结果可能已过时：请重新运行 parkledger permu --park ECO --year 2022")
    (stale,) = [f for f in run_checks("ECO", "2022-09") if f.code == "permu_round_stale"]
    assert stale.severity == "warning" and stale.message == figure.extra["note"]
    # a row of another year, or of another park, is not an input of the round
    permu_round_compute("ECO", 2022)
    EnterpriseMonth.objects.filter(uscc_id=U1, month="2022-01").update(tax=Decimal("1"))
    EnterpriseMonth.objects.filter(uscc_id=X9).update(tax=Decimal("1"))
    assert "note" not in compute_figures("ECO", "2022-09", ["support.permu_grade_a"])["support.permu_grade_a"].extra
    # an enterprise of the park (its land) is
    Enterprise.objects.filter(uscc=L2).update(land_area_mu=Decimal("4"), last_updated=timezone.now())
    assert "note" in compute_figures("ECO", "2022-09", ["support.permu_grade_a"])["support.permu_grade_a"].extra


def test_the_demo_loader_computes_the_rounds_it_does_not_publish():
    from parkledger.dataio.demo.generator import DEFAULT_SEED
    from parkledger.dataio.demo.load import load_demo
    from parkledger.dataio.demo.scales import SCALES

    counts = load_demo(DEFAULT_SEED, SCALES["demo"])
    assert counts["permu_evaluation"] == PermuEvaluation.objects.count()
    assert sorted(PermuRound.objects.values_list("park_id", "year")) == [("ECO", 2022), ("ECO", 2023)]
    assert PermuEvaluation.objects.filter(year=2021, computed=False).exists()  # the published round
    figure = compute_figures("ECO", "2022-09", ["support.permu_grade_a"])["support.permu_grade_a"]
    assert figure.value is not None and figure.value > 0 and "note" not in figure.extra
    # a demo database loaded without its rounds gets them from `demo --if-empty`
    PermuEvaluation.objects.filter(computed=True).delete()
    PermuRound.objects.all().delete()
    call_command("demo", "--if-empty", stdout=StringIO())
    assert sorted(PermuRound.objects.values_list("park_id", "year")) == [("ECO", 2022), ("ECO", 2023)]
    assert PermuEvaluation.objects.count() == counts["permu_evaluation"]


def test_score_bands_of_the_latest_scheme_version(round_data):
    # version 1 keeps the percentile bands; version 2 grades by score: A ≥ 100, B ≥ 80, C ≥ 60
    permu_scheme_new_version(park_code="ECO", year=2022)
    v2 = permu_scheme_new_version(park_code="ECO", year=2022)
    v2.grading_mode = PermuGradingMode.SCORE_BANDS
    v2.band_a, v2.band_b, v2.band_c = Decimal(100), Decimal(80), Decimal(60)
    v2.full_clean()
    v2.save()
    assert PermuSchemeItem.objects.filter(scheme=v2).count() == 6  # copied: 5 规上 + 1 规下 items
    permu_round_compute("ECO", 2022)
    # 137.14 ≥ 100 → A; 92.57 and 85.14 ≥ 80 → B; L1 133.33 → A; L2 66.67 ≥ 60 → C
    assert {u: g for u, (_, g) in stored().items()} == {U1: "A", U2: "B", U3: "B", U4: "B", L1: "A", L2: "C"}
    assert "第2版" in PermuRound.objects.get(year=2022).scheme_label


def test_overrides_ungraded_downgrade_and_exclusion(round_data):
    scheme = permu_scheme_new_version(park_code="ECO", year=2022)
    PermuOverride.objects.create(scheme=scheme, uscc_id=U1, action=PermuAction.DOWNGRADE, steps=1,
                                 reason="发生较大安全生产事故")
    PermuOverride.objects.create(scheme=scheme, uscc_id=U2, action=PermuAction.UNGRADED, reason="公用事业")
    PermuOverride.objects.create(scheme=scheme, uscc_id=L2, action=PermuAction.EXCLUDE, reason="未投产")
    permu_round_compute("ECO", 2022)
    # 规上: U2 still counts in the benchmarks (scores unchanged) but is not ranked: n = 3 →
    #   A ≤ max(1, round(0.75)) = 1, B ≤ round(2.1) = 2, C ≤ round(2.85) = 3
    #   U1 r1 A → downgraded one step to B; U3 r2 B; U4 r3 C; U2 不定等级 (empty grade)
    # 规下 without L2: benchmark 20 → L1 = 100 · 20 / 20 = 100.00, n = 1 → A
    assert stored() == {
        U1: (Decimal("137.14"), "B"), U2: (Decimal("92.57"), ""),
        U3: (Decimal("85.14"), "B"), U4: (Decimal("85.14"), "C"),
        L1: (Decimal("100.00"), "A"),
    }
    assert PermuResult.objects.get(uscc_id=U1).note == "发生较大安全生产事故"


def test_a_cap_limits_an_item(round_data):
    scheme = permu_scheme_new_version(park_code="ECO", year=2022)
    PermuSchemeItem.objects.filter(scheme=scheme, group="below").update(cap=Decimal("1.2"))
    permu_round_compute("ECO", 2022)
    # L1 = min(133.333…, 1.2 × 100) = 120.00; L2 66.67 is under the cap
    assert stored()[L1] == (Decimal("120.00"), "A")
    assert stored()[L2] == (Decimal("66.67"), "C")


def test_the_imported_round_wins(round_data):
    permu_round_compute("ECO", 2022)  # a computed round first: U1 and L1 are A
    PermuEvaluation.objects.filter(uscc_id=U3).delete()
    PermuEvaluation.objects.create(uscc_id=U3, year=2022, score=Decimal("90"), grade="A", computed=False)
    # once one row of the park's enterprises is imported, it is the round: only U3 is A; the
    # computed leftovers are ignored by the figures and removed by the next `permu`
    figure = compute_figures("ECO", "2022-09", ["support.permu_grade_a"])["support.permu_grade_a"]
    assert figure.value == 1
    # the sub-park's only A is L1's computed leftover, which the imported round ignores
    assert compute_figures("ECO-CEE", "2022-09", ["support.permu_grade_a"])["support.permu_grade_a"].value == 0
    assert PermuEvaluation.objects.filter(year=2022, computed=True).count() == 5
    summary = permu_round_compute("ECO", 2022)
    assert summary.imported and summary.total == 1
    assert list(PermuEvaluation.objects.filter(year=2022).values_list("uscc", flat=True)) == [U3]


def test_the_command_prints_grade_counts_per_group(round_data):
    out = StringIO()
    call_command("permu", park="ECO-CEE", year=2022, stdout=out)
    text = out.getvalue()
    assert "依据2021年数据" in text
    assert "规上：共4家，A 1家，B 2家，C 1家，D 0家" in text
    assert "规下：共2家，A 1家，B 0家，C 1家，D 0家" in text
    assert "其中ECO-CEE：" in text and "  规下：共1家，A 1家，B 0家，C 0家，D 0家" in text


def test_the_command_rejects_an_unknown_park(round_data):
    with pytest.raises(CommandError, match="园区“NOPE”不存在"):
        call_command("permu", park="NOPE", year=2022, stdout=StringIO())


def test_the_new_scheme_version_option_stores_the_default(round_data):
    call_command("permu", park="ECO", year=2023, new_scheme_version=True, stdout=StringIO())
    scheme = PermuScheme.objects.get(park_id="ECO", year=2023)
    weights = {(i.group, i.item): i.weight for i in scheme.items.all()}
    assert weights == {
        ("above", "tax_per_mu"): 30, ("above", "value_added_per_mu"): 20, ("above", "value_added_per_energy"): 20,
        ("above", "labour_productivity"): 15, ("above", "rd_share"): 15, ("below", "tax_per_mu"): 100,
    }
    assert (scheme.band_a, scheme.band_b, scheme.band_c, scheme.land_threshold_mu) == (25, 70, 95, 3)


# -- the pure computation -------------------------------------------------------------------------------------

def test_undefined_items_score_zero_and_leave_the_benchmark():
    a = EnterpriseInputs("A", "above", tax=Decimal(10), value_added=Decimal(10), energy=Decimal(0),
                         employees=None, rd_expense=Decimal(0), revenue=Decimal(100), land=Decimal(1))
    b = EnterpriseInputs("B", "above", tax=Decimal(30), value_added=Decimal(30), energy=Decimal(10),
                         employees=Decimal(3), rd_expense=Decimal(0), revenue=Decimal(100), land=Decimal(1))
    result = {e.uscc: e for e in evaluate([b, a], SchemeSpec(label="t", items=DEFAULT_ITEMS))}
    # tax/land 10, 30 → mean 20: A 30·10/20 = 15, B 30·30/20 = 45
    # VA/land 10, 30 → mean 20: A 20·10/20 = 10, B 30
    # VA/energy: A undefined (energy 0) → 0, left out of the mean → mean 3: B 20·3/3 = 20
    # VA/employees: A undefined (never reported) → 0, mean 10: B 15·10/10 = 15
    # R&D share 0 and 0 → benchmark 0 → 0 for both
    assert result["A"].score == Decimal("25.00") and result["B"].score == Decimal("110.00")
    assert result["A"].benchmarks["value_added_per_energy"] == 3
    assert result["B"].benchmarks["rd_share"] == 0
    # a group of two: A and C
    assert (result["B"].grade, result["A"].grade) == ("A", "C")


def test_the_score_is_rounded_half_up_to_two_decimals():
    # fixed benchmark 1, weight 1: score = 12.345 / 1 → 12.35 (half-up, not 12.34)
    spec = SchemeSpec(label="t", items=(ItemSpec("below", "tax_per_mu", Decimal(1), benchmark=Decimal(1)),))
    [e] = evaluate([EnterpriseInputs("A", "below", tax=Decimal("12.345"), land=Decimal(1))], spec)
    assert e.score == Decimal("12.35")


@pytest.mark.parametrize(("n", "cutoffs"), [
    (1, (1, 1, 1)),     # max(1, round(0.25)) = 1; round(0.7) = 1; round(0.95) = 1
    (2, (1, 1, 2)),     # round(0.5) = 1 (half-up), round(1.4) = 1, round(1.9) = 2 → A, C
    (10, (3, 7, 10)),   # round(2.5) = 3 (half-up), round(7.0) = 7, round(9.5) = 10
    (20, (5, 14, 19)),  # 5, 14, 19 → the 20th is D
])
def test_grade_cutoffs(n, cutoffs):
    assert grade_cutoffs(n, (Decimal(25), Decimal(70), Decimal(95))) == cutoffs



def test_a_closed_year_is_not_recomputed(round_data):
    from parkledger.periods.models import ClosedPeriod

    permu_round_compute("ECO", 2022)
    ClosedPeriod.objects.create(park_id="ECO", month="2022-12")
    with pytest.raises(CommandError, match="已封账"):
        call_command("permu", park="ECO", year=2022, stdout=StringIO())
    # the stored round stays, and the figure still reads it: U1 and L1 are A
    assert compute_figures("ECO", "2022-09", ["support.permu_grade_a"])["support.permu_grade_a"].value == 2


def test_the_computed_round_is_audited_once(round_data):
    from parkledger.audit.models import AuditEntry

    permu_round_compute("ECO", 2022)
    entries = AuditEntry.objects.filter(object_kind="permu_evaluation", action="create")
    assert entries.count() == 1 and entries.get().detail["rows"] == 6
