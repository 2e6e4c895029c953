"""数据质量: the consistency checks run before a report is issued, each failure with the records behind it.

`run_checks(park, period, figures=None)` returns a list of `CheckFailure`; the report prints it as
its data-quality list and `parkledger check` prints it for a person (exit status 1 on any error).

Checks (severity in brackets):
- `above_scale_output_exceeds_output`, `industrial_investment_exceeds_fai`,
  `budget_revenue_exceeds_fiscal_revenue` [error]: the part exceeds the whole over W. A single
  `park_month` row whose part exceeds its whole is listed as a [warning] when the totals agree.
- `rate_out_of_range` [error]: a rate (unit %, not a growth `.yoy` and not a `plan.*` key, since
  progress against a target may pass 100) outside 0–100.
- `growth_outlier` [warning]: a growth beyond ±50% (checked on the exact value), for review.
- `undefined_figure` [warning]: every undefined figure with its reason.
- `enterprise_month_missing` [warning]: a month of W′ or W missing for an enterprise that reported
  the month before (not when the enterprise closed before that month began).
- `park_month_missing` [warning]: a month of W′ or W missing from `park_month` for a park (the park
  or a sub-park) that reports: one with at least one row in W′ ∪ W; when no park of the tree has
  any row, the park asked for is listed.
- `empty_amount` [warning]: empty amounts of the rows the figures sum (they count as 0).
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, F, Q, QuerySet, Window
from django.utils.translation import gettext as _

from parkledger.core.indicators import PARK_MONTH_FIELDS
from parkledger.core.kinds import kind_model
from parkledger.indicators.context import Context
from parkledger.indicators.engine import evaluate, expand_keys, make_context, record_refs
from parkledger.indicators.types import FigureSet, RecordRef
from parkledger.lib.numbers import display
from parkledger.lib.periods import month_key

__all__ = ["CheckFailure", "run_checks", "ERROR", "WARNING", "RECORD_CAP", "GROWTH_LIMIT"]

ERROR = "error"
WARNING = "warning"
RECORD_CAP = 50
GROWTH_LIMIT = Decimal(50)


@dataclass(frozen=True)
class CheckFailure:
    """A failed check: a stable `code`, its severity, a Chinese message and the records behind it.

    `records` is capped at `RECORD_CAP`; `records_total` says how many there are; `key` names the
    figure concerned when there is one.
    """

    code: str
    severity: str
    message: str
    records: list[RecordRef] = field(default_factory=list)
    key: str | None = None
    records_total: int = 0

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR


def run_checks(park: str, period: str, figures: FigureSet | None = None) -> list[CheckFailure]:
    """Every consistency check of a park (with its sub-parks) and period; errors first, then warnings.

    `figures` is the park-period's FigureSet when the caller has it already (else it is computed).
    Unknown park or bad period → ValueError (Chinese message).

    The number of queries does not grow with the data: each check reads its rows in a fixed number
    of aggregate queries (failing records included, capped); only the figures out of range add the
    queries of their own records, and there are at most as many of those as there are keys.
    """
    ctx = make_context(park, period)
    if figures is None:
        # the same computation as `compute_figures`, in this context, so that the records of a
        # failing figure come from the figure already computed
        figures = FigureSet(ctx.park, ctx.period.key, {key: evaluate(ctx, key) for key in expand_keys(ctx)})
    failures: list[CheckFailure] = []
    failures += _part_of_whole(ctx, figures)
    failures += _rates(ctx, figures)
    failures += _growth(ctx, figures)
    failures += _undefined(figures)
    failures += _enterprise_months(ctx)
    failures += _park_months(ctx)
    failures += _empty_amounts(ctx)
    failures += _permu_round(ctx)
    return sorted(failures, key=lambda f: f.severity != ERROR)


def _permu_round(ctx: Context) -> list[CheckFailure]:
    """A warning when the 亩均 round the figures read is older than a change of its input rows
    (a missing round makes its figure undefined, which `_undefined` reports)."""
    from parkledger.economy.permu import permu_round_state

    state = permu_round_state(ctx.park, ctx.period.year)
    if not state.stale:
        return []
    return [CheckFailure("permu_round_stale", WARNING, state.stale_note(), key="support.permu_grade_a")]


def _refs(records: object) -> tuple[list[RecordRef], int]:
    refs, total = record_refs(records, cap=RECORD_CAP)
    return list(refs), total


def _ref_of(obj) -> RecordRef:
    """A record's reference (natural key joined with `/`, label its text), from an instance in hand."""
    natural = "/".join("" if v is None else str(v) for v in obj.natural_key())
    return RecordRef(kind=obj.kind_key, natural_key=natural, pk=obj.pk, label=str(obj))


def _capped(qs: QuerySet) -> tuple[list[RecordRef], int]:
    """The first `RECORD_CAP` records of a queryset and how many there are, in one query."""
    rows = list(qs.annotate(_total=Window(Count("pk")))[:RECORD_CAP])
    return [_ref_of(obj) for obj in rows], (rows[0]._total if rows else 0)


def _figure_records(ctx: Context, key: str) -> tuple[list[RecordRef], int]:
    """The records behind a figure (as `explain_figure` lists them), computed in the run's context."""
    return _refs(ctx.result(key).records)


def _text(fig) -> str:
    return f"{fig.text}{fig.unit}" if fig.text is not None else "—"


# -- a part never exceeds its whole ----------------------------------------------------------------------

PART_OF_WHOLE = (
    # code, part key, whole key, kind, part field, whole field
    ("above_scale_output_exceeds_output", "econ.above_scale_output", "econ.output", "enterprise_month",
     None, None),
    ("industrial_investment_exceeds_fai", "econ.industrial_investment", "econ.fai", "park_month",
     "industrial_investment", "fixed_asset_investment"),
    ("budget_revenue_exceeds_fiscal_revenue", "econ.general_budget_revenue", "econ.fiscal_revenue_total",
     "park_month", "general_budget_revenue", "fiscal_revenue_total"),
)


def _exceeds(part_field: str, whole_field: str) -> Q:
    """A row whose part exceeds its whole, an empty amount counting as 0 (as in the figures)."""
    return (
        Q(**{f"{part_field}__gt": F(whole_field)})
        | Q(**{f"{whole_field}__isnull": True, f"{part_field}__gt": 0})
        | Q(**{f"{part_field}__isnull": True, f"{whole_field}__lt": 0})
    )


def _part_of_whole(ctx: Context, figures: FigureSet) -> list[CheckFailure]:
    """One query per check: the rows whose part exceeds their whole (capped, with their count)."""
    out = []
    for code, part_key, whole_key, kind, part_field, whole_field in PART_OF_WHOLE:
        part, whole = figures.get(part_key), figures.get(whole_key)
        if part is None or whole is None or part.value is None or whole.value is None:
            continue
        rows = ctx.records(kind).filter(ctx.in_months_w())
        if part_field is None:
            if part.value > whole.value:
                refs, total = _capped(rows.filter(above_scale=True))
                out.append(_part_failure(code, ERROR, part, whole, part_key, refs, total))
            continue
        refs, total = _capped(rows.filter(_exceeds(part_field, whole_field)))
        if part.value > whole.value:
            if not total:  # figures given by the caller that the rows no longer bear out
                refs, total = _capped(rows)
            out.append(_part_failure(code, ERROR, part, whole, part_key, refs, total))
        elif total:
            out.append(CheckFailure(
                code, WARNING,
                _("合计未超出，但有%(n)s条园区月度统计的%(part)s大于%(whole)s") % {
                    "n": total, "part": part.name, "whole": whole.name},
                refs, part_key, total,
            ))
    return out


def _part_failure(code: str, severity: str, part, whole, key: str, refs: list[RecordRef],
                  total: int) -> CheckFailure:
    return CheckFailure(
        code, severity,
        _("%(part)s（%(pv)s）大于%(whole)s（%(wv)s）") % {
            "part": part.name, "pv": _text(part), "whole": whole.name, "wv": _text(whole)},
        refs, key, total,
    )


# -- rates, growth, undefined figures -----------------------------------------------------------------

def _is_rate(fig) -> bool:
    return fig.unit == "%" and not fig.key.endswith(".yoy") and not fig.key.startswith("plan.")


def _rates(ctx: Context, figures: FigureSet) -> list[CheckFailure]:
    out = []
    for key, fig in figures.items():
        if not _is_rate(fig) or not isinstance(fig.value, Decimal):
            continue
        if fig.value < 0 or fig.value > 100:
            refs, total = _figure_records(ctx, key)
            out.append(CheckFailure(
                "rate_out_of_range", ERROR,
                _("%(name)s为%(value)s%%，超出0–100%%") % {"name": fig.name, "value": display(fig.value, "%")},
                refs, key, total,
            ))
    return out


def _growth(ctx: Context, figures: FigureSet) -> list[CheckFailure]:
    out = []
    for key, fig in figures.items():
        if not key.endswith(".yoy") or not isinstance(fig.value, Decimal):
            continue
        if abs(fig.value) > GROWTH_LIMIT:
            refs, total = _figure_records(ctx, key)
            out.append(CheckFailure(
                "growth_outlier", WARNING,
                _("%(name)s为%(value)s%%，增减幅度超过50%%，请核实") % {
                    "name": fig.name, "value": display(fig.value, "%")},
                refs, key, total,
            ))
    return out


def _undefined(figures: FigureSet) -> list[CheckFailure]:
    return [
        CheckFailure(
            "undefined_figure", WARNING,
            _("%(name)s（%(key)s）无法计算：%(reason)s") % {"name": fig.name, "key": key, "reason": fig.reason},
            [], key, 0,
        )
        for key, fig in figures.items() if fig.value is None
    ]


# -- missing months ----------------------------------------------------------------------------------------

def _month_before(month: str) -> str:
    year, mon = int(month[:4]), int(month[5:7])
    return month_key(year - 1, 12) if mon == 1 else month_key(year, mon - 1)


def _month_start(month: str) -> date:
    return date(int(month[:4]), int(month[5:7]), 1)


def _checked_months(ctx: Context) -> list[str]:
    """The months of W′ and of W, in order."""
    prev, cur = ctx.period.prev, ctx.period
    return [month_key(prev.year, m) for m in range(1, prev.month + 1)] + [
        month_key(cur.year, m) for m in range(1, cur.month + 1)
    ]


def _enterprise_months(ctx: Context) -> list[CheckFailure]:
    """Two queries: the (enterprise, month) pairs reported from the month before W′ to the end of W,
    and the park's enterprises (name, closing date); the gaps are found in those pairs.

    (A `NOT EXISTS` per return, or `LEAD(month)` over each enterprise's returns, gives the same
    rows in one query but took longer at city scale on both databases: one index probe, or one
    sort, per return.)
    """
    months = _checked_months(ctx)
    first = _month_before(months[0])
    reported: dict[str, dict[str, int]] = defaultdict(dict)
    rows = ctx.records("enterprise_month").filter(month__gte=first, month__lte=months[-1]).order_by()
    for uscc, month, pk in rows.values_list("uscc", "month", "pk"):
        reported[uscc][month] = pk
    if not reported:
        return []
    enterprises = {
        uscc: (pk, name, closed)
        for uscc, pk, name, closed in ctx.records("enterprise").order_by().values_list("uscc", "pk", "name", "closed_on")
    }
    enterprise, month_model = kind_model("enterprise"), kind_model("enterprise_month")
    out = []
    for uscc in sorted(reported):
        have = reported[uscc]
        ent_pk, name, closed = enterprises.get(uscc, (None, uscc, None))
        missing, behind = [], []
        for month in months:
            before = _month_before(month)
            if month in have or before not in have:
                continue
            if closed and closed < _month_start(month):
                continue
            missing.append(month)
            behind.append(_ref_of(month_model(pk=have[before], uscc_id=uscc, month=before)))
        if not missing:
            continue
        records = ([_ref_of(enterprise(pk=ent_pk, uscc=uscc, name=name))] if ent_pk is not None else []) + behind
        out.append(CheckFailure(
            "enterprise_month_missing", WARNING,
            _("%(name)s（%(uscc)s）缺少%(months)s月报（上月已报送）") % {
                "name": name, "uscc": uscc, "months": "、".join(missing)},
            records[:RECORD_CAP], None, len(records),
        ))
    return out


def _park_months(ctx: Context) -> list[CheckFailure]:
    """Two queries: the months each park of the tree reported, and the parks' names."""
    months = _checked_months(ctx)
    rows = ctx.records("park_month").filter(month__gte=months[0], month__lte=months[-1])
    reported: dict[str, set[str]] = defaultdict(set)
    for park, month in rows.values_list("park", "month"):
        reported[park].add(month)
    expected = sorted(reported) or [ctx.park]
    parks = {p["code"]: p for p in kind_model("park").objects.filter(code__in=ctx.parks).values("pk", "code", "name")}
    out = []
    for code in expected:
        missing = [m for m in months if m not in reported.get(code, set())]
        if not missing:
            continue
        park = parks[code]
        out.append(CheckFailure(
            "park_month_missing", WARNING,
            _("%(name)s（%(code)s）缺少%(months)s园区月度统计") % {
                "name": park["name"], "code": code, "months": "、".join(missing)},
            [RecordRef("park", code, park["pk"], park["name"])], None, 1,
        ))
    return out


# -- empty amounts -----------------------------------------------------------------------------------------

def _amount_sources(ctx: Context) -> Iterable[tuple[str, tuple[str, ...], QuerySet]]:
    """(kind, fields, rows) whose empty amounts the figures count as 0."""
    y = ctx.period.year
    both_windows = Q(ctx.in_months_w()) | Q(ctx.in_months_w_prev())
    yield "enterprise_month", ("output_value", "value_added"), ctx.records("enterprise_month").filter(both_windows)
    yield "park_month", PARK_MONTH_FIELDS, ctx.records("park_month").filter(both_windows)
    yield "investment_project", ("total_investment",), ctx.records("investment_project").filter(
        Q(terminated_on__isnull=True) | Q(terminated_on__gte=date(y, 1, 1))
    )
    yield "gov_project", ("total_investment",), ctx.records("gov_project").filter(plan_year=y)
    yield "gov_project_month", ("invested",), ctx.records("gov_project_month").filter(ctx.in_months_w())
    yield "disbursement", ("amount",), ctx.records("disbursement").filter(ctx.in_w("paid_on"))
    yield "tech_upgrade_acceptance", ("subsidy",), ctx.records("tech_upgrade_acceptance").filter(
        ctx.in_w("accepted_on"))
    yield "land_transfer", ("area_mu",), ctx.records("land_transfer").filter(ctx.in_w("transferred_on"))
    yield "sea_use", ("area_mu",), ctx.records("sea_use").filter(ctx.by_d("approved_on"), kind="infrastructure")
    yield ("stock_release", ("benthic_10k", "fish_10k", "contract_amount"),
           ctx.records("stock_release").filter(ctx.in_w("released_on")))
    yield "wetland", ("planned_area_ha",), ctx.records("wetland")
    yield "safety_outreach", ("quantity",), ctx.records("safety_outreach").filter(ctx.in_w("held_on"))
    yield "party_activity", ("participants",), ctx.records("party_activity").filter(
        ctx.in_w("held_on"), kind__in=("training", "duty"))
    yield ("support_package", ("fund_amount", "subsidy_amount", "paid_amount"),
           ctx.records("support_package").filter(ctx.by_d("as_of")))


def _empty_amounts(ctx: Context) -> list[CheckFailure]:
    """One aggregate per ledger kind (the empty values of each field counted), then the first rows
    of each field that has any."""
    out = []
    for kind, fields, rows in _amount_sources(ctx):
        model = kind_model(kind)
        counts = rows.aggregate(**{name: Count("pk", filter=Q(**{f"{name}__isnull": True})) for name in fields})
        for name in fields:
            if not counts[name]:
                continue
            total = counts[name]
            refs = [_ref_of(obj) for obj in rows.filter(**{f"{name}__isnull": True})[:RECORD_CAP]]
            out.append(CheckFailure(
                "empty_amount", WARNING,
                _("%(kind)s有%(n)s条记录的“%(field)s”为空（按0计入合计）") % {
                    "kind": model._meta.verbose_name, "n": total, "field": model._meta.get_field(name).verbose_name},
                refs, None, total,
            ))
    return out
