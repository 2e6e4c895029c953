"""亩均论英雄: compute a park's per-mu evaluation round for a year from the previous year's ledgers.

The round of evaluation year E uses the `enterprise_month` rows of year E−1 and runs for the
top-level park (its sub-parks included). Reading order of the rules (indicators.md §亩均 and
fine print 14):

- Scope: enterprises of the park with rows in E−1 that have an above-scale row in E−1 (规上), or
  whose `land_area_mu` ≥ the scheme's threshold (3亩 by default; 规下).
- Inputs over E−1: Σ tax, Σ value added, Σ energy, Σ R&D, Σ revenue (an empty amount counts as 0),
  employees = the mean over the months whose `employees` is reported (unreported months are not
  counted as 0 people), land = the enterprise's `land_area_mu`.
- Item value = numerator ÷ denominator; a zero or empty denominator makes the item undefined: it
  scores 0 and is left out of the benchmark mean. Benchmark = the scheme's fixed value, else the
  mean of the defined values of the group; a benchmark of 0 (or no defined value) scores 0 for all.
- Item score = weight × value ÷ benchmark (optionally capped at `cap × weight`); the score is the
  sum of the unrounded item scores, rounded half-up to 2 decimals.
- Grades by rank within the group (score desc, ties by `uscc`), or by score bands. Enterprises
  marked 不定等级 are evaluated (they count in the benchmark means) but not ranked, so they do not
  take a place in the grade cut-offs; excluded enterprises are left out of the round entirely.
  A downgrade moves the ranked grade down (D stays D); a fixed grade replaces it.

If any `permu_evaluation` row of the park's enterprises for year E was imported (`computed`
false), the imported round is the round: nothing is computed and computed leftovers are removed.

Reading never writes: a round is computed only by `parkledger permu` (or its background job, or
`parkledger demo` after loading) and read as data. `permu_round_state` says what the figures find:
an imported round, a computed one (stale when an input row changed after it was computed: the
newest `last_updated` of the park's enterprises and of their `enterprise_month` rows of E−1,
two aggregate queries), rows stored by other means, or nothing (the figure is then undefined
with the reason, never computed on the fly). Rows deleted since the round are not seen.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, localcontext

from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from parkledger.core.models import Enterprise, EnterpriseMonth, Park
from parkledger.economy.models import PermuEvaluation
from parkledger.economy.permu_models import (
    PermuAction,
    PermuGradingMode,
    PermuGroup,
    PermuItem,
    PermuResult,
    PermuRound,
    PermuScheme,
    PermuSchemeItem,
)
from parkledger.indicators.helpers import amount, exact_sum
from parkledger.lib.numbers import round_half_up

__all__ = [
    "ItemSpec", "OverrideSpec", "SchemeSpec", "EnterpriseInputs", "Evaluation", "RoundSummary",
    "DEFAULT_ITEMS", "ITEM_RATIOS", "GRADES", "default_scheme", "scheme_for", "evaluate", "grade_cutoffs",
    "root_park", "gather_inputs", "permu_round_compute", "ensure_permu_round", "round_summary",
    "permu_scheme_new_version", "PermuRoundClosed", "RoundState", "permu_round_state", "round_rows",
    "compute_missing_rounds",
]

GRADES = ("A", "B", "C", "D")
PRECISION = 40  # decimal digits for means and ratios (never binary floats)

# item → (numerator input, denominator input)
ITEM_RATIOS: dict[str, tuple[str, str]] = {
    PermuItem.TAX_PER_MU: ("tax", "land"),
    PermuItem.VALUE_ADDED_PER_MU: ("value_added", "land"),
    PermuItem.VALUE_ADDED_PER_ENERGY: ("value_added", "energy"),
    PermuItem.LABOUR_PRODUCTIVITY: ("value_added", "employees"),
    PermuItem.RD_SHARE: ("rd_expense", "revenue"),
    PermuItem.REVENUE_PER_MU: ("revenue", "land"),
}


@dataclass(frozen=True)
class ItemSpec:
    group: str
    item: str
    weight: Decimal
    benchmark: Decimal | None = None
    cap: Decimal | None = None


@dataclass(frozen=True)
class OverrideSpec:
    action: str
    steps: int = 1
    grade: str = ""
    reason: str = ""


@dataclass(frozen=True)
class SchemeSpec:
    """A scheme as the computation reads it (from a stored version or the default)."""

    label: str
    grading_mode: str = PermuGradingMode.PERCENTILE_BANDS
    bands: tuple[Decimal, Decimal, Decimal] = (Decimal(25), Decimal(70), Decimal(95))
    land_threshold_mu: Decimal = Decimal(3)
    items: tuple[ItemSpec, ...] = ()
    overrides: Mapping[str, OverrideSpec] = field(default_factory=dict)
    scheme_id: int | None = None

    def group_items(self, group: str) -> list[ItemSpec]:
        return [spec for spec in self.items if spec.group == group]


DEFAULT_ITEMS: tuple[ItemSpec, ...] = (
    ItemSpec(PermuGroup.ABOVE, PermuItem.TAX_PER_MU, Decimal(30)),
    ItemSpec(PermuGroup.ABOVE, PermuItem.VALUE_ADDED_PER_MU, Decimal(20)),
    ItemSpec(PermuGroup.ABOVE, PermuItem.VALUE_ADDED_PER_ENERGY, Decimal(20)),
    ItemSpec(PermuGroup.ABOVE, PermuItem.LABOUR_PRODUCTIVITY, Decimal(15)),
    ItemSpec(PermuGroup.ABOVE, PermuItem.RD_SHARE, Decimal(15)),
    ItemSpec(PermuGroup.BELOW, PermuItem.TAX_PER_MU, Decimal(100)),
)


def default_scheme() -> SchemeSpec:
    """The dictionary's scheme: 3亩 scope, the five 规上 items 30/20/20/15/15, 规下 亩均税收 100, 25/70/95."""
    return SchemeSpec(label=_("默认方案"), items=DEFAULT_ITEMS)


def _spec_from_scheme(scheme: PermuScheme) -> SchemeSpec:
    items = tuple(
        ItemSpec(row.group, row.item, row.weight, row.benchmark, row.cap) for row in scheme.items.all()
    )
    overrides = {
        row.uscc_id: OverrideSpec(row.action, row.steps, row.grade, row.reason) for row in scheme.overrides.all()
    }
    return SchemeSpec(
        label=_("%(year)s年方案第%(version)s版") % {"year": scheme.year, "version": scheme.version},
        grading_mode=scheme.grading_mode,
        bands=(scheme.band_a, scheme.band_b, scheme.band_c),
        land_threshold_mu=scheme.land_threshold_mu,
        items=items or DEFAULT_ITEMS,
        overrides=overrides,
        scheme_id=scheme.pk,
    )


def scheme_for(park_code: str, year: int) -> SchemeSpec:
    """The highest stored version of the park's scheme for `year`, else the default scheme.

    A stored version without items uses the default items (so a version may change only the bands).
    """
    scheme = (
        PermuScheme.objects.filter(park_id=park_code, year=year)
        .prefetch_related("items", "overrides").order_by("-version").first()
    )
    return _spec_from_scheme(scheme) if scheme else default_scheme()


@transaction.atomic
def permu_scheme_new_version(*, park_code: str, year: int) -> PermuScheme:
    """Store a new editable version of the park's scheme for `year`, copied from the latest one or the default."""
    root = root_park(park_code)
    latest = PermuScheme.objects.filter(park_id=root, year=year).order_by("-version").first()
    spec = _spec_from_scheme(latest) if latest else default_scheme()
    scheme = PermuScheme(
        park_id=root, year=year, version=(latest.version + 1) if latest else 1,
        grading_mode=spec.grading_mode, band_a=spec.bands[0], band_b=spec.bands[1], band_c=spec.bands[2],
        land_threshold_mu=spec.land_threshold_mu, note=latest.note if latest else "",
    )
    scheme.full_clean()
    scheme.save()
    PermuSchemeItem.objects.bulk_create(
        PermuSchemeItem(scheme=scheme, group=s.group, item=s.item, weight=s.weight, benchmark=s.benchmark, cap=s.cap)
        for s in spec.items
    )
    if latest:
        for row in latest.overrides.all():
            row.pk = None
            row.scheme = scheme
            row.save()
    return scheme


# ---------------------------------------------------------------------------
# The pure computation
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class EnterpriseInputs:
    """An enterprise's E−1 inputs (万元, 吨标准煤, 人, 亩); `employees` is None when never reported."""

    uscc: str
    group: str
    tax: Decimal = Decimal(0)
    value_added: Decimal = Decimal(0)
    energy: Decimal = Decimal(0)
    employees: Decimal | None = None
    rd_expense: Decimal = Decimal(0)
    revenue: Decimal = Decimal(0)
    land: Decimal | None = None

    def item_value(self, item: str) -> Decimal | None:
        """numerator ÷ denominator, or None when the denominator is empty or 0."""
        num_name, den_name = ITEM_RATIOS[item]
        num, den = getattr(self, num_name), getattr(self, den_name)
        if den is None or den == 0:
            return None
        with localcontext() as ctx:
            ctx.prec = PRECISION
            return (num or Decimal(0)) / den

    def as_json(self) -> dict[str, str | None]:
        names = ("tax", "value_added", "energy", "employees", "rd_expense", "revenue", "land")
        return {n: None if getattr(self, n) is None else str(getattr(self, n)) for n in names}


@dataclass
class Evaluation:
    uscc: str
    group: str
    values: dict[str, Decimal | None]
    benchmarks: dict[str, Decimal | None]
    item_scores: dict[str, Decimal]
    score: Decimal
    rank: int | None = None
    grade: str = ""
    note: str = ""

    def items_json(self) -> dict[str, dict[str, str | None]]:
        return {
            item: {
                "value": None if self.values[item] is None else str(self.values[item]),
                "benchmark": None if self.benchmarks[item] is None else str(self.benchmarks[item]),
                "score": str(self.item_scores[item]),
            }
            for item in self.values
        }


def grade_cutoffs(n: int, bands: tuple[Decimal, Decimal, Decimal]) -> tuple[int, int, int]:
    """Last ranks of A, B and C for n ranked enterprises: max(1, round(a·n)), round(b·n), round(c·n), half-up."""
    a, b, c = (round_half_up(band * n / 100, 0) for band in bands)
    return max(1, int(a)), int(b), int(c)


def _grade_by_rank(rank: int, cutoffs: tuple[int, int, int]) -> str:
    for grade, last in zip(GRADES, cutoffs, strict=False):
        if rank <= last:
            return grade
    return "D"


def _grade_by_score(score: Decimal, bands: tuple[Decimal, Decimal, Decimal]) -> str:
    for grade, minimum in zip(GRADES, bands, strict=False):
        if score >= minimum:
            return grade
    return "D"


def _apply_override(grade: str, override: OverrideSpec) -> str:
    if override.action == PermuAction.DOWNGRADE and grade:
        return GRADES[min(len(GRADES) - 1, GRADES.index(grade) + max(0, override.steps))]
    if override.action == PermuAction.FIX_GRADE and override.grade:
        return override.grade
    return grade


def evaluate(inputs: Iterable[EnterpriseInputs], scheme: SchemeSpec) -> list[Evaluation]:
    """Scores, ranks and grades of the enterprises in scope (pure: no database access)."""
    overrides = scheme.overrides
    members = [row for row in inputs if overrides.get(row.uscc, OverrideSpec("")).action != PermuAction.EXCLUDE]
    results: list[Evaluation] = []
    with localcontext() as ctx:
        ctx.prec = PRECISION
        for group in (PermuGroup.ABOVE, PermuGroup.BELOW):
            rows = sorted((r for r in members if r.group == group), key=lambda r: r.uscc)
            if not rows:
                continue
            specs = scheme.group_items(group)
            values = {r.uscc: {s.item: r.item_value(s.item) for s in specs} for r in rows}
            benchmarks: dict[str, Decimal | None] = {}
            for spec in specs:
                defined = [values[r.uscc][spec.item] for r in rows if values[r.uscc][spec.item] is not None]
                if spec.benchmark is not None:
                    benchmarks[spec.item] = spec.benchmark
                else:
                    benchmarks[spec.item] = sum(defined, Decimal(0)) / len(defined) if defined else None
            group_results = []
            for r in rows:
                item_scores: dict[str, Decimal] = {}
                for spec in specs:
                    value, bench = values[r.uscc][spec.item], benchmarks[spec.item]
                    if value is None or not bench:
                        item_scores[spec.item] = Decimal(0)
                        continue
                    score = spec.weight * value / bench
                    if spec.cap is not None:
                        score = min(score, spec.cap * spec.weight)
                    item_scores[spec.item] = score
                total = round_half_up(sum(item_scores.values(), Decimal(0)), 2)
                group_results.append(
                    Evaluation(r.uscc, group, values[r.uscc], dict(benchmarks), item_scores, total)
                )
            _grade_group(group_results, scheme)
            results.extend(group_results)
    return results


def _grade_group(results: list[Evaluation], scheme: SchemeSpec) -> None:
    ranked = sorted(
        (e for e in results if scheme.overrides.get(e.uscc, OverrideSpec("")).action != PermuAction.UNGRADED),
        key=lambda e: (-e.score, e.uscc),
    )
    cutoffs = grade_cutoffs(len(ranked), scheme.bands)
    for rank, evaluation in enumerate(ranked, start=1):
        evaluation.rank = rank
        if scheme.grading_mode == PermuGradingMode.SCORE_BANDS:
            evaluation.grade = _grade_by_score(evaluation.score, scheme.bands)
        else:
            evaluation.grade = _grade_by_rank(rank, cutoffs)
    for evaluation in results:
        override = scheme.overrides.get(evaluation.uscc)
        if override is None:
            continue
        evaluation.note = override.reason
        if override.action == PermuAction.UNGRADED:
            evaluation.grade = ""
        else:
            evaluation.grade = _apply_override(evaluation.grade, override)


# ---------------------------------------------------------------------------
# Reading the ledgers and storing the round
# ---------------------------------------------------------------------------

def root_park(park_code: str) -> str:
    """The top-level park above `park_code` (itself when it has no parent); ValueError for an unknown code."""
    parents = dict(Park.objects.values_list("code", "parent_id"))
    if park_code not in parents:
        raise ValueError(_("园区“%(code)s”不存在") % {"code": park_code})
    code, seen = park_code, {park_code}
    while parents.get(code) and parents[code] not in seen:
        code = parents[code]
        seen.add(code)
    return code


def gather_inputs(parks: Iterable[str], data_year: int, threshold_mu: Decimal) -> list[EnterpriseInputs]:
    """The in-scope enterprises of `parks` with their inputs over `data_year` (two queries)."""
    parks = list(parks)
    sums = (
        EnterpriseMonth.objects.filter(
            uscc__park__in=parks, month__gte=f"{data_year:04d}-01", month__lte=f"{data_year:04d}-12"
        )
        .values("uscc")
        .annotate(
            tax=exact_sum("tax"), value_added=exact_sum("value_added"), energy=exact_sum("energy_tce"),
            rd_expense=exact_sum("rd_expense"), revenue=exact_sum("revenue"),
            employees_sum=Sum("employees"), employees_n=Count("employees"),
            above_rows=Count("id", filter=Q(above_scale=True)),
        )
        .order_by("uscc")
    )
    land = dict(Enterprise.objects.filter(park__in=parks).values_list("uscc", "land_area_mu"))
    result = []
    with localcontext() as ctx:
        ctx.prec = PRECISION
        for row in sums:
            uscc = row["uscc"]
            area = land.get(uscc)
            above = row["above_rows"] > 0
            if not above and (area is None or area < threshold_mu):
                continue
            employees = (
                Decimal(row["employees_sum"]) / Decimal(row["employees_n"]) if row["employees_n"] else None
            )
            result.append(EnterpriseInputs(
                uscc=uscc, group=PermuGroup.ABOVE if above else PermuGroup.BELOW,
                tax=amount(row["tax"]), value_added=amount(row["value_added"]), energy=amount(row["energy"]),
                employees=employees, rd_expense=amount(row["rd_expense"]), revenue=amount(row["revenue"]),
                land=area,
            ))
    return result


@dataclass
class RoundSummary:
    """The grade counts of a park's round, per group (规上/规下), and where the round came from."""

    park: str
    year: int
    imported: bool
    scheme_label: str
    counts: dict[str, Counter] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(sum(c.values()) for c in self.counts.values())


def _imported_rows(parks: list[str], year: int):
    return PermuEvaluation.objects.filter(year=year, computed=False, uscc__park__in=parks)


class PermuRoundClosed(ValueError):
    """The evaluation year's December is closed (封账): the round cannot be computed again."""


@transaction.atomic
def permu_round_compute(park_code: str, year: int) -> RoundSummary:
    """Compute and store the round of the top-level park above `park_code` for evaluation year `year`.

    Replaces an earlier computed round; does nothing but report when an imported round exists.
    Refused (PermuRoundClosed) when December of `year` is closed for the park: a `permu_evaluation`
    row is dated by its year's December. The stored rows are written in bulk and the round is
    recorded as one audit entry (the rows replaced are deleted one by one, each audited).
    """
    from parkledger.periods.locks import is_month_closed

    root = root_park(park_code)
    if is_month_closed(root, f"{year:04d}-12"):
        raise PermuRoundClosed(
            _("%(park)s %(year)s年12月已封账，不能计算或重算该年度亩均评价") % {"park": root, "year": year}
        )
    parks = Park.objects.descendant_codes(root)
    computed_rows = PermuEvaluation.objects.filter(year=year, computed=True, uscc__park__in=parks)
    if _imported_rows(parks, year).exists():
        computed_rows.delete()
        PermuRound.objects.filter(park_id=root, year=year).delete()
        return round_summary(root, year)
    scheme = scheme_for(root, year)
    inputs = gather_inputs(parks, year - 1, scheme.land_threshold_mu)
    evaluations = evaluate(inputs, scheme)
    computed_rows.delete()
    PermuRound.objects.filter(park_id=root, year=year).delete()
    permu_round = PermuRound.objects.create(
        park_id=root, year=year, scheme_id=scheme.scheme_id, scheme_label=scheme.label
    )
    inputs_by_uscc = {row.uscc: row.as_json() for row in inputs}
    PermuEvaluation.objects.bulk_create(
        PermuEvaluation(uscc_id=e.uscc, year=year, score=e.score, grade=e.grade, computed=True)
        for e in evaluations
    )
    PermuResult.objects.bulk_create(
        PermuResult(
            round=permu_round, uscc_id=e.uscc, group=e.group, inputs=inputs_by_uscc.get(e.uscc, {}),
            items=e.items_json(), score=e.score, rank=e.rank, grade=e.grade, note=e.note,
        )
        for e in evaluations
    )
    _audit_round(permu_round, len(evaluations))
    return round_summary(root, year)


def _audit_round(permu_round: PermuRound, rows: int) -> None:
    from parkledger.audit.log import audit_log
    from parkledger.audit.models import AuditAction

    audit_log(
        AuditAction.CREATE, kind="permu_evaluation",
        detail={"computed_round": permu_round.pk, "park": permu_round.park_id, "year": permu_round.year,
                "scheme": permu_round.scheme_label, "rows": rows},
    )


def ensure_permu_round(park_code: str, year: int) -> None:
    """Compute the round of `year` for the park's top-level park unless one exists (imported,
    computed, or rows stored by other means). For commands and jobs, never for reading figures."""
    if permu_round_state(park_code, year).source != RoundState.MISSING:
        return
    try:
        permu_round_compute(root_park(park_code), year)
    except IntegrityError:  # computed concurrently
        pass
    except PermuRoundClosed:  # a closed year keeps whatever rows it has
        pass


@dataclass(frozen=True)
class RoundState:
    """What the figures of a park find for an evaluation year (see the module docstring)."""

    IMPORTED = "imported"
    COMPUTED = "computed"
    STORED = "stored"
    MISSING = "missing"

    park: str  # the top-level park the round belongs to
    year: int
    source: str
    computed_at: datetime | None = None
    changed_at: datetime | None = None  # the newest change of an input row after computed_at
    # rows of the year for the park's enterprises (its sub-parks included) by (computed, grade)
    counts: Mapping[tuple[bool, str], int] = field(default_factory=dict, compare=False)

    @property
    def exists(self) -> bool:
        return self.source != self.MISSING

    def graded(self, grade: str) -> int:
        """Enterprises of the round (the whole top-level park) graded `grade`: one row per
        enterprise and year, so rows; an imported round counts its own rows only (`round_rows`)."""
        return sum(n for (computed, g), n in self.counts.items()
                   if g == grade and not (computed and self.source == self.IMPORTED))

    @property
    def stale(self) -> bool:
        return self.changed_at is not None

    def missing_reason(self) -> str:
        return _("%(year)s年度亩均评价尚未计算（请运行 parkledger permu --park %(park)s --year %(year)s）") % {
            "year": self.year, "park": self.park}

    def stale_note(self) -> str:
        return _("%(year)s年度亩均评价计算于%(at)s，此后台账有变动（%(changed)s），结果可能已过时："
                 "请重新运行 parkledger permu --park %(park)s --year %(year)s") % {
            "year": self.year, "park": self.park, "at": _local(self.computed_at), "changed": _local(self.changed_at)}


def _local(moment: datetime | None) -> str:
    from django.utils import timezone

    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def permu_round_state(park_code: str, year: int) -> RoundState:
    """The round the figures of `park_code` read for evaluation year `year` (a few queries, no writes)."""
    root = root_park(park_code)
    parks = Park.objects.descendant_codes(root)
    # one read of the year's rows by (computed, grade): whether the round was imported or stored,
    # and the grade counts a figure of the top-level park reads (`RoundState.graded`)
    counts = {(computed, grade): n for computed, grade, n in (
        PermuEvaluation.objects.filter(
            year=year, uscc__in=Enterprise.objects.filter(park__in=parks).values("uscc")).order_by()
        .values_list("computed", "grade").annotate(n=Count("*")).values_list("computed", "grade", "n"))}
    if any(not computed for computed, _grade in counts):
        return RoundState(root, year, RoundState.IMPORTED, counts=counts)
    computed_at = PermuRound.objects.filter(park_id=root, year=year).values_list("created", flat=True).first()
    if computed_at is None:
        return RoundState(root, year, RoundState.STORED if counts else RoundState.MISSING, counts=counts)
    months = EnterpriseMonth.objects.filter(
        uscc__park__in=parks, month__gte=f"{year - 1:04d}-01", month__lte=f"{year - 1:04d}-12")
    newest = [
        months.aggregate(at=Max("last_updated"))["at"],
        Enterprise.objects.filter(park__in=parks).aggregate(at=Max("last_updated"))["at"],
    ]
    changed = max((at for at in newest if at is not None and at > computed_at), default=None)
    return RoundState(root, year, RoundState.COMPUTED, computed_at=computed_at, changed_at=changed, counts=counts)


def round_rows(rows: QuerySet, state: RoundState) -> QuerySet:
    """The `permu_evaluation` rows of the round `state` describes: an imported round's own rows only
    (computed leftovers are ignored until `parkledger permu` removes them)."""
    rows = rows.filter(year=state.year)
    return rows.filter(computed=False) if state.source == RoundState.IMPORTED else rows


def compute_missing_rounds(park_codes: Iterable[str], years: Iterable[int]) -> list[RoundSummary]:
    """Compute each round of these top-level parks and years that neither exists nor is closed
    (`parkledger demo` after loading); the summaries of the rounds computed."""
    summaries = []
    for park in park_codes:
        for year in years:
            state = permu_round_state(park, year)
            parks = Park.objects.descendant_codes(state.park)
            data = EnterpriseMonth.objects.filter(
                uscc__park__in=parks, month__gte=f"{year - 1:04d}-01", month__lte=f"{year - 1:04d}-12")
            if state.exists or not data.exists():  # a round of a year without data would grade nobody
                continue
            try:
                summaries.append(permu_round_compute(state.park, year))
            except PermuRoundClosed:
                continue
    return summaries


def round_summary(park_code: str, year: int) -> RoundSummary:
    """Grade counts per group of the round of `year` for the park (its sub-parks included).

    For a computed round the group comes from the round's detail; for an imported round an
    enterprise is 规上 when it has an above-scale row in year − 1, else 规下. An empty grade is
    counted as 不定等级 (key "").
    """
    parks = Park.objects.descendant_codes(park_code)
    imported = _imported_rows(parks, year).exists()
    rows = PermuEvaluation.objects.filter(year=year, uscc__park__in=parks, computed=not imported)
    if imported:
        above = set(
            EnterpriseMonth.objects.filter(
                uscc__park__in=parks, above_scale=True,
                month__gte=f"{year - 1:04d}-01", month__lte=f"{year - 1:04d}-12",
            ).values_list("uscc", flat=True).distinct()
        )
        groups = {u: PermuGroup.ABOVE if u in above else PermuGroup.BELOW
                  for u in rows.values_list("uscc", flat=True)}
        label = _("导入的评价结果")
    else:
        root = root_park(park_code)
        groups = dict(
            PermuResult.objects.filter(round__park_id=root, round__year=year, uscc__park__in=parks)
            .values_list("uscc", "group")
        )
        label = (
            PermuRound.objects.filter(park_id=root, year=year).values_list("scheme_label", flat=True).first() or ""
        )
    summary = RoundSummary(park=park_code, year=year, imported=imported, scheme_label=label)
    for group in (PermuGroup.ABOVE, PermuGroup.BELOW):
        summary.counts[group] = Counter()
    for uscc, grade in rows.values_list("uscc", "grade"):
        summary.counts[groups.get(uscc, PermuGroup.BELOW)][grade or ""] += 1
    return summary
