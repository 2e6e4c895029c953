"""Reads behind the web pages: ledger list presets, dashboard series, funnel and alarms.

Every function runs a fixed number of aggregate queries, whatever the data size (the page
query-count baselines in `tests/web/query_counts.json` hold them to it).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Value, Window
from django.utils.translation import gettext_lazy as _

from parkledger.core.kinds import kind_models
from parkledger.core.models import (
    CaseMixin,
    Enterprise,
    EnterpriseMonth,
    LedgerModel,
    Park,
    ParkMonth,
    descendants,
    park_children,
)
from parkledger.dataio.cells import format_decimal
from parkledger.governance.models import PETITION_CONCLUDE_DAYS, Hazard, Petition
from parkledger.indicators.helpers import amount, exact_sum
from parkledger.investment.models import InvestmentProject
from parkledger.lib.periods import Period, month_key

__all__ = [
    "ParkScope", "park_codes", "in_parks", "overdue_q", "open_q", "PRESETS", "presets_for", "apply_preset",
    "monthly_series", "pipeline_funnel", "FUNNEL_STAGES", "alarms", "Alarm", "AlarmItem", "yi",
]

HUNDRED_MILLION_IN_WAN = Decimal(10000)


def yi(amount_wan: Decimal | None) -> Decimal:
    """万元 → 亿元, rounded half-up to 2 decimals (for charts)."""
    return (Decimal(amount_wan or 0) / HUNDRED_MILLION_IN_WAN).quantize(Decimal("0.01"), ROUND_HALF_UP)


@dataclass(frozen=True)
class ParkScope:
    """A park and all parks below it; `whole` when that is every park of the deployment (then no
    record needs filtering by park)."""

    codes: tuple[str, ...]
    whole: bool

    def __iter__(self):
        return iter(self.codes)


def park_codes(code: str) -> ParkScope:
    """A park and all parks below it (transitively), in one query."""
    if not code:
        return ParkScope((), False)
    every = list(Park.objects.values_list("code", "parent_id"))
    found = descendants(park_children(every), code)
    return ParkScope(tuple(found), whole=len(found) == len(every))


def in_parks(model: type[LedgerModel], codes: Iterable[str] | ParkScope) -> Q:
    """Q: the records of a kind that belong to one of the parks (through its `park_path`).

    A path through other records (`inspection__uscc__park`) becomes a correlated EXISTS, so the
    database can still use the indexes of the other conditions (deadlines, dates) first.
    """
    if isinstance(codes, ParkScope) and codes.whole:
        return Q()
    codes = list(codes)
    path = model.park_path
    if not path:
        return Q()
    if path == "code":
        return Q(code__in=codes)
    if path == "park":
        return Q(park_id__in=codes)
    first, rest = path.split("__", 1)
    fld = model._meta.get_field(first)
    related = fld.related_model
    inner = related.objects.filter(**{fld.target_field.attname: OuterRef(fld.attname), f"{rest}_id__in": codes})
    return Q(Exists(inner))


# ---------------------------------------------------------------------------
# Case states as queries (mirror CaseMixin.case_state)
# ---------------------------------------------------------------------------

def _not_closed_q(model: type[CaseMixin], as_of: date) -> Q:
    closed = model.case_closed_field
    return Q(**{f"{closed}__isnull": True}) | Q(**{f"{closed}__gt": as_of})


def overdue_q(model: type[CaseMixin], as_of: date) -> Q:
    """Q: cases past their deadline and not closed as of a date (CaseMixin.case_state == overdue)."""
    not_closed = _not_closed_q(model, as_of)
    if model is Petition:
        cutoff = as_of - timedelta(days=PETITION_CONCLUDE_DAYS)
        late = (
            Q(extended_until__lt=as_of)
            | Q(extended_until__isnull=True, accepted_on__isnull=False, accepted_on__lt=cutoff)
            | Q(extended_until__isnull=True, accepted_on__isnull=True, received_on__lt=cutoff)
        )
        return late & not_closed
    if model.case_deadline_field:
        return Q(**{f"{model.case_deadline_field}__lt": as_of}) & not_closed
    if model.case_days is not None:
        cutoff = as_of - timedelta(days=model.case_days)
        return Q(**{f"{model.case_opened_field}__lt": cutoff}) & not_closed
    return Q(pk__in=[])


def open_q(model: type[CaseMixin], as_of: date) -> Q:
    """Q: cases not closed as of a date (open or overdue)."""
    return _not_closed_q(model, as_of)


def petitions_over_60_q(as_of: date) -> Q:
    """Q: petitions not closed as of a date and registered more than 60 days before it."""
    cutoff = as_of - timedelta(days=PETITION_CONCLUDE_DAYS)
    return Q(received_on__lt=cutoff) & (Q(closed_on__isnull=True) | Q(closed_on__gt=as_of))


def not_started_q(as_of: date) -> Q:
    """Q: projects signed by a date, past their planned start, not started and not terminated."""
    return (
        Q(signed_on__lte=as_of, planned_start_on__lt=as_of)
        & (Q(started_on__isnull=True) | Q(started_on__gt=as_of))
        & (Q(terminated_on__isnull=True) | Q(terminated_on__gt=as_of))
    )


# The investment pipeline: a project has reached a stage when that stage's date, or a later
# stage's, is on or before the as-of date. Terminated projects leave the pipeline.
FUNNEL_STAGES: tuple[tuple[str, object, tuple[str, ...]], ...] = (
    ("contacted", _("洽谈"), ("contacted_on", "submitted_on", "reviewed_on", "signed_on", "started_on",
                             "production_on")),
    ("submitted", _("提交评审"), ("submitted_on", "reviewed_on", "signed_on", "started_on", "production_on")),
    ("reviewed", _("审核完成"), ("reviewed_on", "signed_on", "started_on", "production_on")),
    ("signed", _("签约"), ("signed_on", "started_on", "production_on")),
    ("started", _("开工"), ("started_on", "production_on")),
    ("production", _("投产"), ("production_on",)),
)


def _reached_q(fields: tuple[str, ...], as_of: date) -> Q:
    q = Q()
    for fld in fields:
        q |= Q(**{f"{fld}__lte": as_of})
    return q


def _active_project_q(as_of: date) -> Q:
    return Q(terminated_on__isnull=True) | Q(terminated_on__gt=as_of)


def missed_return_q(period: Period) -> Q:
    """Q on enterprises: reported the month before the period's month but not the month itself."""
    this_month = period.key
    before = month_key(period.year - 1, 12) if period.month == 1 else month_key(period.year, period.month - 1)
    # two lists of the month's reporters (read from the (month, uscc) index) rather than two
    # lookups per enterprise: about twice as fast on SQLite and PostgreSQL at city scale
    return Q(uscc__in=EnterpriseMonth.objects.filter(month=before).values("uscc")) & ~Q(
        uscc__in=EnterpriseMonth.objects.filter(month=this_month).values("uscc"))


# ---------------------------------------------------------------------------
# Presets: the list filters the dashboard links to, beyond the shared FilterSets
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Preset:
    key: str
    label: object
    applies: Callable[[type[LedgerModel]], bool]
    condition: Callable[[type[LedgerModel], date, Period], Q]
    stage: object = None

    @property
    def text(self) -> str:
        """The label in the active language."""
        return str(self.label) % {"stage": self.stage} if self.stage is not None else str(self.label)


def _reached_condition(fields: tuple[str, ...]) -> Callable[[type[LedgerModel], date, Period], Q]:
    def condition(model: type[LedgerModel], as_of: date, period: Period) -> Q:
        return _reached_q(fields, as_of) & _active_project_q(as_of)

    return condition


def _is_case(model: type[LedgerModel]) -> bool:
    return issubclass(model, CaseMixin)


PRESETS: dict[str, Preset] = {
    p.key: p
    for p in [
        Preset("open", _("未办结"), _is_case, lambda m, as_of, per: open_q(m, as_of)),
        Preset("overdue", _("已超期"), _is_case, lambda m, as_of, per: overdue_q(m, as_of)),
        Preset("over60", _("登记超过60日未办结"), lambda m: m is Petition,
               lambda m, as_of, per: petitions_over_60_q(as_of)),
        Preset("not_started", _("已签约未按计划开工"), lambda m: m is InvestmentProject,
               lambda m, as_of, per: not_started_q(as_of)),
        Preset("missed_return", _("上月已报、本月未报月报"), lambda m: m is Enterprise,
               lambda m, as_of, per: missed_return_q(per)),
        *[
            Preset(f"reached_{key}", _("已到达阶段：%(stage)s"), lambda m: m is InvestmentProject,
                   _reached_condition(fields), stage=label)
            for key, label, fields in FUNNEL_STAGES
        ],
    ]
}


def presets_for(model: type[LedgerModel]) -> list[Preset]:
    return [p for p in PRESETS.values() if p.applies(model)]


def apply_preset(qs: QuerySet, key: str, as_of: date, period: Period) -> tuple[QuerySet, Preset | None]:
    """The queryset filtered by a preset (unknown or inapplicable presets are ignored)."""
    preset = PRESETS.get(key or "")
    if preset is None or not preset.applies(qs.model):
        return qs, None
    return qs.filter(preset.condition(qs.model, as_of, period)), preset


# ---------------------------------------------------------------------------
# Dashboard
# ---------------------------------------------------------------------------

def _twelve(rows: dict[str, Decimal | None], year: int) -> list[str]:
    return [str(yi(rows.get(month_key(year, m)))) for m in range(1, 13)]


def monthly_series(codes: ParkScope, period: Period, *, enterprise_qs: QuerySet | None = None,
                   park_month_qs: QuerySet | None = None) -> dict[str, dict[str, list[str]]]:
    """Monthly (当月) output, fixed-asset investment and fiscal revenue in 亿元, this year and last.

    One query: the months of `enterprise_month` grouped (output) and the months of `park_month`
    grouped (FAI, fiscal revenue), as one `UNION ALL`; exact sums on every database.
    """
    first, last = month_key(period.year - 1, 1), month_key(period.year, 12)
    em = enterprise_qs if enterprise_qs is not None else EnterpriseMonth.objects.all()
    if not (isinstance(codes, ParkScope) and codes.whole) or not em.query.where:
        # also when nothing else restricts the returns: read through the enterprises, the
        # database sums them from its (uscc, month, …, output) index instead of the table
        em = em.filter(uscc_id__in=Enterprise.objects.filter(park_id__in=list(codes)).values("uscc"))
    pm = park_month_qs if park_month_qs is not None else ParkMonth.objects.all()
    # the column a side does not have: NULL, typed as the other side's exact sum
    absent = Value(None, output_field=exact_sum("output_value").output_field)
    columns = ("month", "output", "fai", "fiscal")
    outputs = (
        em.filter(month__gte=first, month__lte=last).order_by().values("month")
        .annotate(output=exact_sum("output_value"), fai=absent, fiscal=absent).values_list(*columns)
    )
    park_sums = (
        pm.filter(in_parks(ParkMonth, codes), month__gte=first, month__lte=last).order_by().values("month")
        .annotate(output=absent, fai=exact_sum("fixed_asset_investment"), fiscal=exact_sum("fiscal_revenue_total"))
        .values_list(*columns)
    )
    series: dict[str, dict[str, Decimal]] = {"output": {}, "fai": {}, "fiscal": {}}
    for month, *values in outputs.union(park_sums, all=True):
        for name, value in zip(("output", "fai", "fiscal"), values, strict=True):
            if value is not None:
                series[name][month] = amount(value)
    return {
        name: {"this": _twelve(rows, period.year), "last": _twelve(rows, period.year - 1)}
        for name, rows in series.items()
    }


def pipeline_funnel(codes: ParkScope, as_of: date, *, qs: QuerySet | None = None) -> list[dict]:
    """The investment pipeline as of a date: per stage, projects that reached it and their Σ investment.

    One aggregate query.
    """
    base = (qs if qs is not None else InvestmentProject.objects.all()).filter(
        in_parks(InvestmentProject, codes) & _active_project_q(as_of)
    )
    aggregates = {}
    for key, _label, fields in FUNNEL_STAGES:
        cond = _reached_q(fields, as_of)
        aggregates[f"{key}_n"] = Count("pk", filter=cond)
        aggregates[f"{key}_amount"] = exact_sum("total_investment", cond)
    row = base.aggregate(**aggregates)
    return [
        {"key": key, "label": str(label), "count": row[f"{key}_n"] or 0, "amount_yi": str(yi(amount(row[f"{key}_amount"])))}
        for key, label, _fields in FUNNEL_STAGES
    ]


@dataclass(frozen=True)
class AlarmItem:
    """One record an alarm lists: its pk (for the detail link) and its text."""

    pk: int
    label: str

    def __str__(self) -> str:
        return self.label


@dataclass
class Alarm:
    key: str
    label: str
    kind: str
    preset: str
    count: int
    items: list[AlarmItem]


ALARM_SAMPLE = 5


def _visible_q(kind: str, model: type[LedgerModel], scope: Callable[[str, QuerySet], QuerySet]) -> Q:
    """The user's scope of a kind as a condition on each record (a correlated EXISTS on its pk), so
    that the database starts from the alarm's own condition (a deadline, a date) and its index
    instead of from every record the user may see."""
    return Q(Exists(scope(kind, model.objects.filter(pk=OuterRef("pk")))))


def alarms(codes: ParkScope, period: Period, as_of: date, scope: Callable[[str, QuerySet], QuerySet]) -> list[Alarm]:
    """Hazards past deadline, petitions past 60 days, projects not started, missed monthly returns.

    One query per alarm: its first few records (pk and text) with the count of all of them
    (`COUNT(*) OVER ()`).
    """
    specs = [
        # key, label, kind, list preset, condition, order of the sample, the records' text
        ("hazards", _("隐患超期未整改"), "hazard", "overdue", overdue_q(Hazard, as_of), ("deadline", "code"),
         "description"),
        ("petitions", _("信访件登记超60日未办结"), "petition", "over60", petitions_over_60_q(as_of),
         ("received_on", "code"), "subject"),
        ("projects", _("已签约未按计划开工项目"), "investment_project", "not_started", not_started_q(as_of),
         ("planned_start_on", "code"), "name"),
        ("returns", _("本月未报月报企业"), "enterprise", "missed_return", missed_return_q(period), ("uscc",), "name"),
    ]
    result = []
    for key, label, kind, preset, condition, order, text in specs:
        model = kind_models()[kind]
        rows = list(
            model.objects.filter(condition & in_parks(model, codes) & _visible_q(kind, model, scope))
            .annotate(total=Window(Count("pk")))
            .order_by(*order)
            .values_list("pk", text, "total")[:ALARM_SAMPLE]
        )
        result.append(Alarm(
            key=key, label=str(label), kind=kind, preset=preset, count=rows[0][2] if rows else 0,
            items=[AlarmItem(pk, str(label_text)) for pk, label_text, _total in rows],
        ))
    return result


# ---------------------------------------------------------------------------
# Headline figures (from the indicator engine) with target progress
# ---------------------------------------------------------------------------

# (figure key, growth key or "") shown as the dashboard's headline cards, in order.
HEADLINE_KEYS: tuple[tuple[str, str], ...] = (
    ("econ.output", "econ.output.yoy"),
    ("econ.above_scale_output", "econ.above_scale_output.yoy"),
    ("econ.fai", "econ.fai.yoy"),
    ("econ.industrial_investment", "econ.industrial_investment.yoy"),
    ("econ.fiscal_revenue_total", ""),
    ("econ.general_budget_revenue", ""),
    ("invest.signed", ""),
    ("invest.fdi_actual", ""),
)


@dataclass
class Headline:
    key: str
    name: str
    unit: str
    text: str | None
    reason: str
    yoy: str | None
    yoy_negative: bool
    target: Decimal | None
    progress: Decimal | None
    on_track: bool | None


def _known_keys(keys: Iterable[str]) -> list[str]:
    from parkledger.indicators.registry import resolve

    known = []
    for key in keys:
        try:
            resolve(key)
        except KeyError:
            continue
        known.append(key)
    return known


def time_progress(period: Period) -> Decimal:
    """Share of the year gone by at the end of the period (M/12), in %, 1 decimal."""
    return (Decimal(period.month) * 100 / 12).quantize(Decimal("0.1"), ROUND_HALF_UP)


def headline_figures(park: str, period: Period) -> list[Headline]:
    """The headline cards: figure, growth and progress against the year's target (时间过半任务过半).

    Progress = YTD value ÷ the park's target of year Y for the same key (in the key's display unit).
    """
    from parkledger.plans.models import Target
    from parkledger.web import figcache

    wanted = _known_keys([k for pair in HEADLINE_KEYS for k in pair if k])
    figures = figcache.figures(park, period.key, wanted) if wanted else {}
    targets = dict(
        Target.objects.filter(park_id=park, year=period.year, indicator__in=[k for k, _g in HEADLINE_KEYS])
        .values_list("indicator", "value")
    )
    cards = []
    for key, growth_key in HEADLINE_KEYS:
        fig = figures.get(key)
        if fig is None:
            continue
        growth = figures.get(growth_key) if growth_key else None
        target = targets.get(key)
        progress = None
        if target and isinstance(fig.value, Decimal):
            progress = (fig.value / target * 100).quantize(Decimal("0.1"), ROUND_HALF_UP)
        cards.append(Headline(
            key=key, name=fig.name, unit=fig.unit, text=fig.text, reason=fig.reason,
            yoy=growth.text if growth is not None else None,
            yoy_negative=bool(growth is not None and isinstance(growth.value, Decimal) and growth.value < 0),
            target=target, progress=progress,
            on_track=None if progress is None else progress >= time_progress(period),
        ))
    return cards


# ---------------------------------------------------------------------------
# Enterprise 360 (一企一档)
# ---------------------------------------------------------------------------

# (kind key, lookup from the kind to the enterprise's uscc) of the sections of the 360 page, in order.
ENTERPRISE_SECTIONS: tuple[tuple[str, str], ...] = (
    ("permu_evaluation", "uscc_id"),
    ("qualification", "uscc_id"),
    ("patent", "uscc_id"),
    ("disbursement", "uscc_id"),
    ("tech_upgrade_acceptance", "uscc_id"),
    ("talent", "employer_uscc_id"),
    ("service_request", "uscc_id"),
    ("inspection", "uscc_id"),
    ("hazard", "inspection__uscc_id"),
    ("env_case", "uscc_id"),
    ("odour_case", "uscc_id"),
    ("land_transfer", "uscc_id"),
    ("union", "uscc_id"),
    ("safety_letter", "uscc_id"),
    ("safety_insurance", "uscc_id"),
)
SECTION_LIMIT = 200


def enterprise_returns(uscc: str, qs: QuerySet | None = None) -> list[EnterpriseMonth]:
    """An enterprise's monthly returns, oldest first (one query)."""
    base = qs if qs is not None else EnterpriseMonth.objects.all()
    return list(base.filter(uscc_id=uscc).order_by("month"))


def returns_chart(returns: list[EnterpriseMonth], labels: dict[str, str]) -> dict:
    """Line-chart data (万元) of output, revenue and tax by month."""
    def values(attr: str) -> list[str | None]:
        return [None if getattr(r, attr) is None else format_decimal(getattr(r, attr)) for r in returns]

    return {
        "months": [r.month for r in returns],
        "unit": labels.get("unit", "万元"),
        "series": [
            {"name": labels[attr], "values": values(attr)}
            for attr in ("output_value", "revenue", "tax")
        ],
    }


def enterprise_sections(uscc: str, scope: Callable[[str, QuerySet], QuerySet],
                        related: Callable[[str], Iterable[str]]) -> list[tuple[str, list]]:
    """[(kind, records)] of every ledger that refers to the enterprise (one query per kind)."""
    sections = []
    for kind, lookup in ENTERPRISE_SECTIONS:
        model = kind_models()[kind]
        qs = scope(kind, model.objects.filter(**{lookup: uscc})).select_related(*related(kind))
        sections.append((kind, list(qs[:SECTION_LIMIT])))
    return sections
