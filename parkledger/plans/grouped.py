"""Grouped provider of the parks' targets (see `parkledger.indicators.batch`): memo `plan.targets` of
`parkledger.plans.indicators` — each park's own targets of years Y and Y+1 (never rolled up) — for
all parks in one query."""
from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from parkledger.indicators.batch import grouped
from parkledger.indicators.context import Context
from parkledger.plans.models import Target


@grouped("plan.targets", keys=("plan.target[KEY]", "plan.target_current[KEY]", "plan.progress[KEY]"))
def targets(contexts: Sequence[Context], keys: frozenset[str]) -> dict[str, dict[str, Any]]:
    year = contexts[0].period.year
    found: dict[str, dict[tuple[int, str], tuple[int, Decimal]]] = {ctx.park: {} for ctx in contexts}
    rows = (Target.objects.filter(park__in=list(found), year__in=(year, year + 1))
            .order_by("park_id", "year", "indicator").values_list("park_id", "pk", "year", "indicator", "value"))
    for park, pk, y, key, value in rows:
        found[park][(y, key)] = (pk, value)
    return {"plan.targets": found}
