"""The parks of a city side by side: every park's figures for the same keys and period.

Each park's figures are exactly what `parkledger figures --park CODE --keys …` gives (its sub-parks
rolled up into it, its frozen figures in a closed month): the comparison computes them for all the
parks at once (`compute_many`), the common aggregates in one query grouped by park each, so its
number of queries does not grow with the parks. Ranks are by value, largest first, among the parks
whose figure is a number (ties share the rank).

The city's own figures (`city_figures`) are computed on the combined enterprises and records of
its parks in one context, so rates and comparable-basis growth are recomputed, never averaged;
figures that belong to one park alone (targets, estimates, manual figures) are undefined for a city.
"""
from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from parkledger.core.models import Park, descendants, park_children
from parkledger.indicators.batch import compute_many, seed
from parkledger.indicators.context import Context
from parkledger.indicators.engine import evaluate
from parkledger.indicators.registry import resolve
from parkledger.indicators.types import FigureSet
from parkledger.lib.periods import Period

__all__ = ["top_level_parks", "compare", "ranks", "city_figures", "city_context", "CompareError"]


class CompareError(ValueError):
    """A comparison that cannot be made; the message is for the user."""


def top_level_parks(*, codes: Iterable[str] | None = None, city: str | None = None) -> list[Park]:
    """The parks to compare: these codes, or a city's top-level parks, or every top-level park."""
    qs = Park.objects.all()
    if codes:
        wanted = list(dict.fromkeys(c.strip() for c in codes if c.strip()))
        found = {p.code: p for p in qs.filter(code__in=wanted)}
        missing = [c for c in wanted if c not in found]
        if missing:
            raise CompareError(_("园区不存在：%(codes)s") % {"codes": "、".join(missing)})
        return [found[c] for c in wanted]
    qs = qs.filter(parent__isnull=True)
    if city:
        qs = qs.filter(city=city)
    return list(qs.order_by("code"))


def _keys(keys: Iterable[str]) -> list[str]:
    wanted = list(dict.fromkeys(k.strip() for k in keys if k.strip()))
    if not wanted:
        raise CompareError(_("请指定要比较的指标"))
    unknown = []
    for key in wanted:
        try:
            resolve(key)
        except KeyError:
            unknown.append(key)
    if unknown:
        raise CompareError(_("未知指标：%(keys)s") % {"keys": "、".join(unknown)})
    return wanted


def compare(period: str, keys: Iterable[str], parks: list[Park]) -> dict[str, Any]:
    """`{"period", "keys", "parks": [{"code", "name", "figures": {key: {"value", "text", "unit"}}}]}`."""
    try:
        Period.parse(period)
    except ValueError as exc:
        raise CompareError(str(exc)) from exc
    wanted = _keys(keys)
    figures: dict[str, FigureSet] = compute_many([park.code for park in parks], period, wanted)
    rows = [{"code": park.code, "name": park.name, "figures": figures[park.code].to_json()} for park in parks]
    return {"period": period, "keys": wanted, "parks": rows}


def _number(value: Any) -> Decimal | None:
    if value is None:
        return None
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        return None
    return number if number.is_finite() else None


def ranks(result: dict[str, Any], key: str) -> dict[str, int]:
    """Park code → rank of its figure `key` (1 = largest); parks without a number have none."""
    values = [(row["code"], _number(row["figures"][key]["value"])) for row in result["parks"]]
    numbers = sorted((v for _, v in values if v is not None), reverse=True)
    return {code: numbers.index(v) + 1 for code, v in values if v is not None}


def city_context(parks: list[Park], period: str, *, label: str = "") -> Context:
    """One context over every park of the list and their sub-parks (the city as one park)."""
    children = park_children(Park.objects.values_list("code", "parent_id"))
    codes = [code for park in parks for code in descendants(children, park.code)]
    label = label or (parks[0].city if parks and parks[0].city else "city")
    return Context(label, tuple(dict.fromkeys(codes)), Period.parse(period))


def city_figures(parks: list[Park], period: str, keys: Iterable[str]) -> FigureSet:
    """The figures of several parks as one (the city), the grouped aggregates summed over its parks
    (`seed`: the same values as querying the combined records, in one query per aggregate)."""
    ctx = city_context(parks, period)
    wanted = _keys(keys)
    seed([ctx], wanted)
    return FigureSet(ctx.park, ctx.period.key, {key: evaluate(ctx, key) for key in wanted})
