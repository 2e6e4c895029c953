"""Reads behind the city pages, each one grouped query whatever the number of parks: the monthly
output of every park, the 亩均 grades per park, the city's top enterprises by score and the
alarms of every park (one query per alarm type, counted per park)."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from parkledger.core import rollup
from parkledger.core.kinds import kind_models
from parkledger.core.models import Park
from parkledger.economy.models import PermuEvaluation
from parkledger.governance.models import Hazard
from parkledger.lib.periods import Period
from parkledger.web.selectors import missed_return_q, not_started_q, overdue_q, petitions_over_60_q

__all__ = ["top_park_of", "monthly_output", "permu_grades", "top_enterprises", "ALARM_TYPES", "AlarmType",
           "city_alarms"]


def top_park_of(parks: list[Park]) -> dict[str, str]:
    """Every park and sub-park code of these top-level parks → its top-level park's code (one query)."""
    children: dict[str | None, list[str]] = defaultdict(list)
    for code, parent in Park.objects.values_list("code", "parent_id"):
        children[parent].append(code)
    top: dict[str, str] = {}
    for park in parks:
        stack = [park.code]
        while stack:
            current = stack.pop()
            if current in top:
                continue
            top[current] = park.code
            stack.extend(children.get(current, []))
    return top


def monthly_output(parks: list[Park], period: Period) -> dict[str, Any]:
    """工业总产值 (亿元) month by month of the period's year, one line per park (a `line` chart's data)."""
    top = top_park_of(parks)
    months = range(1, period.month + 1)
    sums: dict[str, dict[int, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for park_code, by_month in rollup.monthly_output(list(top), period.year).items():
        for m, total in by_month.items():
            sums[top[park_code]][m] += total
    series = [{"name": p.short_name or p.name,
               "values": [str((sums[p.code].get(m, Decimal(0)) / 10000).quantize(Decimal("0.01"))) for m in months]}
              for p in parks]
    return {"months": [f"{m:02d}月" for m in months], "unit": "亿元", "series": series}


def permu_grades(parks: list[Park], year: int) -> list[dict[str, Any]]:
    """亩均 grades of a year per park: {"code", "name", "counts": {grade: n}, "total"}."""
    top = top_park_of(parks)
    rows = (PermuEvaluation.objects.filter(year=year, uscc__park_id__in=list(top)).exclude(grade="")
            .values_list("uscc__park_id", "grade").annotate(n=Count("id")).order_by())
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for park_code, grade, n in rows:
        counts[top[park_code]][grade] += n
    return [{"code": p.code, "name": p.short_name or p.name, "counts": dict(counts[p.code]),
             "total": sum(counts[p.code].values())} for p in parks]


def top_enterprises(parks: list[Park], year: int, limit: int = 20) -> list[dict[str, Any]]:
    """The city's enterprises ranked by 亩均 score (one scheme year), with their park."""
    top = top_park_of(parks)
    names = {p.code: p.short_name or p.name for p in parks}
    rows = (PermuEvaluation.objects.filter(year=year, uscc__park_id__in=list(top), score__isnull=False)
            .select_related("uscc").order_by("-score", "uscc_id")[:limit])
    return [{"rank": i, "uscc": r.uscc_id, "name": r.uscc.name, "park": names[top[r.uscc.park_id]],
             "score": r.score, "grade": r.grade} for i, r in enumerate(rows, start=1)]


@dataclass(frozen=True)
class AlarmType:
    """One alarm of the park dashboard: the ledger it lists, the list's preset and its condition."""

    key: str
    label: Any
    kind: str
    preset: str
    condition: Callable[[date, Period], Q]


# the alarms of the park dashboard (`parkledger.web.selectors.alarms`), in its order
ALARM_TYPES: tuple[AlarmType, ...] = (
    AlarmType("hazards", _("隐患超期未整改"), "hazard", "overdue", lambda as_of, _p: overdue_q(Hazard, as_of)),
    AlarmType("petitions", _("信访件登记超60日未办结"), "petition", "over60",
              lambda as_of, _p: petitions_over_60_q(as_of)),
    AlarmType("projects", _("已签约未按计划开工项目"), "investment_project", "not_started",
              lambda as_of, _p: not_started_q(as_of)),
    AlarmType("returns", _("本月未报月报企业"), "enterprise", "missed_return", lambda _a, period: missed_return_q(period)),
)


def _park_field(path: str) -> str:
    """The ORM path of a kind's park code (`uscc__park` → `uscc__park_id`)."""
    return "code" if path == "code" else f"{path}_id"


def city_alarms(parks: list[Park], period: Period, as_of: date,
                scope: Callable[[str, QuerySet], QuerySet]) -> dict[str, dict[str, int]]:
    """The count of every alarm type per top-level park: {alarm key: {park code: n}} (sub-parks
    counted in their top-level park; only the records `scope` lets the user see).

    One grouped query per alarm type, whatever the number of parks.
    """
    top = top_park_of(parks)
    counts: dict[str, dict[str, int]] = {}
    for alarm in ALARM_TYPES:
        model = kind_models()[alarm.kind]
        field = _park_field(model.park_path)
        visible = Exists(scope(alarm.kind, model.objects.filter(pk=OuterRef("pk"))))
        rows = (model.objects.filter(alarm.condition(as_of, period), Q(**{f"{field}__in": list(top)}), visible)
                .values_list(field).annotate(n=Count("pk")).order_by())
        per_park: dict[str, int] = defaultdict(int)
        for code, n in rows:
            per_park[top[code]] += n
        counts[alarm.key] = {p.code: per_park.get(p.code, 0) for p in parks}
    return counts
