"""The context an indicator function computes in: one park (with its sub-parks) and one period."""
from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet

from parkledger.core.kinds import kind_model
from parkledger.lib.periods import Period, month_key

if TYPE_CHECKING:
    from parkledger.indicators.types import Figure, Result

__all__ = ["Context", "UNROLLED_KINDS"]

# Kinds whose rows belong to exactly one park and are never rolled up into a parent.
UNROLLED_KINDS = frozenset({"target", "estimate", "manual_figure"})
# Milestone subject kind → kind key of the subject (the milestone takes its subject's park).
MILESTONE_SUBJECTS = ("gov_project", "investment_project", "platform", "wetland")


class Context:
    """One computation of figures for a park and a period.

    - `park`: the park's code; `parks`: the park and all its descendants' codes.
    - `period`: the report period P (`.year`, `.month`, `.start`, `.end` = D, `.prev` = the period of W′).
    - Figures asked through `figure()` are computed once and cached for the whole run.
    - `frozen`: for a closed month of the park, the figures frozen at the close (key → Figure);
      the engine hands them out instead of computing (None: the month is open, or live asked).
    - `from_ledgers`: compute from the ledger rows themselves, never from stored sums
      (`parkledger.core.rollup`): a live recomputation (closing a month, `period verify`) makes
      or checks a record of the figures, so it reads the rows as they are.
    """

    def __init__(self, park: str, parks: tuple[str, ...], period: Period, *,
                 frozen: dict[str, Figure] | None = None, from_ledgers: bool = False) -> None:
        self.park = park
        self.from_ledgers = from_ledgers
        self.parks = parks
        self.period = period
        self.frozen = frozen
        self._figures: dict[str, Figure] = {}
        self._results: dict[str, Result] = {}
        self._computing: list[str] = []
        self._memo: dict[str, Any] = {}
        self._bases: dict[str, QuerySet] = {}

    def __repr__(self) -> str:
        return f"<Context {self.park} {self.period}>"

    # -- windows ----------------------------------------------------------------------------------

    @property
    def d(self) -> date:
        """The as-of date D: the last day of month M of Y."""
        return self.period.end

    def in_w(self, field: str) -> Q:
        """`field` is set and within W (Y-01-01 … D)."""
        return Q(**{f"{field}__gte": self.period.start, f"{field}__lte": self.period.end})

    def in_w_prev(self, field: str) -> Q:
        """`field` is set and within W′ ((Y−1)-01-01 … the last day of month M of Y−1)."""
        prev = self.period.prev
        return Q(**{f"{field}__gte": prev.start, f"{field}__lte": prev.end})

    def by_d(self, field: str) -> Q:
        """`field` is set and ≤ D."""
        return Q(**{f"{field}__lte": self.period.end})

    def not_by_d(self, field: str) -> Q:
        """`field` is empty or > D."""
        return Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__gt": self.period.end})

    def months_w(self) -> tuple[str, str]:
        """First and last month (`YYYY-MM`) of W."""
        return month_key(self.period.year, 1), self.period.key

    def months_w_prev(self) -> tuple[str, str]:
        """First and last month (`YYYY-MM`) of W′."""
        prev = self.period.prev
        return month_key(prev.year, 1), prev.key

    def in_months_w(self, field: str = "month") -> Q:
        first, last = self.months_w()
        return Q(**{f"{field}__gte": first, f"{field}__lte": last})

    def in_months_w_prev(self, field: str = "month") -> Q:
        first, last = self.months_w_prev()
        return Q(**{f"{field}__gte": first, f"{field}__lte": last})

    # -- records ----------------------------------------------------------------------------------

    def records(self, kind_key: str) -> QuerySet:
        """The rows of a kind belonging to the park or its descendants (targets, estimates and
        manual figures: the park exactly). Milestones take the park of their subject."""
        base = self._bases.get(kind_key)
        if base is None:
            base = self._bases[kind_key] = self._base_records(kind_key)
        return base.all()

    def _base_records(self, kind_key: str) -> QuerySet:
        model = kind_model(kind_key)
        qs = model.objects.all()
        if kind_key in UNROLLED_KINDS:
            return qs.filter(park=self.park)
        if kind_key == "milestone":
            cond = Q(pk__in=[])
            for subject_kind in MILESTONE_SUBJECTS:
                subjects = kind_model(subject_kind).objects.filter(park__in=self.parks).values("code")
                cond |= Q(subject_kind=subject_kind, subject__in=subjects)
            return qs.filter(cond)
        return qs.filter(self.park_q(model))

    def park_q(self, model) -> Q:
        """"Belongs to the park or a descendant" for a model, through its `park_path`.

        A path through referenced records ends with an `IN` over the codes of the last one's rows in
        the park: `uscc__park` becomes `uscc__in=<the park's enterprises>`, `inspection__uscc__park`
        becomes `inspection__uscc__in=<the park's enterprises>` (the inspection joined). The same
        rows as a join down to the park, with a plan that starts from the park's records (through
        an index led by `uscc`, `project`, …) instead of a date index over the whole ledger.
        """
        steps = model.park_path.split("__")
        if len(steps) == 1:
            return Q(**{f"{steps[0]}__in": self.parks})
        *hops, park_field = steps
        holder = model
        for name in hops[:-1]:
            holder = holder._meta.get_field(name).related_model
        field = holder._meta.get_field(hops[-1])
        codes = field.related_model.objects.filter(**{f"{park_field}__in": self.parks}).values(field.target_field.name)
        return Q(**{"__".join([*hops, "in"]): codes})

    # -- other figures, manual figures ------------------------------------------------------------

    def figure(self, key: str) -> Figure:
        """Another figure of the same park and period (computed once per run)."""
        from parkledger.indicators.engine import evaluate

        return evaluate(self, key)

    def result(self, key: str) -> Result:
        """The raw result behind `figure(key)` (records included); for a frozen figure of a closed
        month, the result of a live computation (the records as the ledgers hold them now)."""
        self.figure(key)
        result = self._results.get(key)
        if result is None:
            live = self._memo.get("_live_context")
            if live is None:
                live = self._memo["_live_context"] = Context(self.park, self.parks, self.period)
            live.figure(key)
            result = live._results[key]
        return result

    def manual_record(self, key: str, *, stock: bool = False):
        """The `manual_figure` row of this park for `key`: month P, or (stock) the latest row of Y
        with month ≤ P. None when there is none."""
        qs = self.records("manual_figure").filter(indicator=key)
        if stock:
            first, last = self.months_w()
            return qs.filter(month__gte=first, month__lte=last).order_by("-month").first()
        return qs.filter(month=self.period.key).first()

    def manual(self, key: str, *, stock: bool = False) -> Decimal | None:
        """The `manual_figure` value for `key` (see `manual_record`), or None."""
        row = self.manual_record(key, stock=stock)
        return None if row is None else row.value

    def memo(self, name: str, compute: Callable[[], Any]) -> Any:
        """A value shared by several indicators of this run (e.g. one aggregate query for many keys)."""
        if name not in self._memo:
            self._memo[name] = compute()
        return self._memo[name]
