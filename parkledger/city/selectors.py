"""Reads behind the city pages, each one grouped query whatever the number of parks: the monthly
output of every park, the 亩均 grades per park and the city's top enterprises by score."""
from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Count, Sum

from parkledger.core.models import EnterpriseMonth, Park
from parkledger.economy.models import PermuEvaluation
from parkledger.lib.periods import Period, month_key

__all__ = ["top_park_of", "monthly_output", "permu_grades", "top_enterprises"]


def top_park_of(parks: list[Park]) -> dict[str, str]:
    """Every park and sub-park code of these top-level parks → its top-level park's code."""
    top: dict[str, str] = {}
    for park in parks:
        for code in Park.objects.descendant_codes(park.code):
            top[code] = park.code
    return top


def monthly_output(parks: list[Park], period: Period) -> dict[str, Any]:
    """工业总产值 (亿元) month by month of the period's year, one line per park (a `line` chart's data)."""
    top = top_park_of(parks)
    months = [month_key(period.year, m) for m in range(1, period.month + 1)]
    rows = (EnterpriseMonth.objects.filter(uscc__park_id__in=list(top), month__in=months)
            .values_list("uscc__park_id", "month").annotate(total=Sum("output_value")).order_by())
    sums: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for park_code, month, total in rows:
        sums[top[park_code]][month] += total or Decimal(0)
    series = [{"name": p.short_name or p.name,
               "values": [str((sums[p.code].get(m, Decimal(0)) / 10000).quantize(Decimal("0.01"))) for m in months]}
              for p in parks]
    return {"months": [m[5:] + "月" for m in months], "unit": "亿元", "series": series}


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
