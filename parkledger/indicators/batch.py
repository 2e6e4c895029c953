"""Figures of many parks at once, with a number of queries that does not grow with the parks.

`compute_many(parks, period, keys)` gives, for each park, exactly `compute_figures(park, period, keys)`
(its sub-parks rolled up into it, its frozen figures in a closed month). The aggregates behind the
common figures are computed once for all the parks — one query grouped by park per aggregate — by
*grouped providers*, and seeded into each park's context under the memo names its indicator
functions read (`ctx.memo("econ.em.cur", …)`): the functions find them there and query nothing
themselves. The records behind a figure stay the park's own (`ctx.records(kind)`, built when read:
explanations and checks are unchanged).

A provider is declared in a chapter app's `grouped` module with `@grouped(name, keys=…)`: the keys
whose computation reads its memo entries, and a function `(contexts, keys) → {memo name: {park code:
value}}` giving, for every context, the value the memo would have computed for it alone. Keys no
provider serves are computed per park as usual (the same figures, with that park's queries).

Rows are grouped by their own park (a sub-park's rows under the sub-park's code) and each park
adds up the groups of its park codes (`roll_up`), so a park and one of its sub-parks can be compared
side by side; since each enterprise belongs to one park, the comparable basis (last year's rows of
the enterprises with a row this year) adds up the same way.
"""
from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from parkledger.core.models.parks import descendants, park_children
from parkledger.indicators.context import Context
from parkledger.indicators.engine import _known, evaluate, expand_keys
from parkledger.indicators.registry import resolve
from parkledger.indicators.types import FigureSet
from parkledger.lib.periods import Period

__all__ = ["compute_many", "seeded_contexts", "seed", "grouped", "Provider", "providers", "providers_for", "roll_up", "group_rows"]

Fill = Callable[[Sequence[Context], frozenset[str]], Mapping[str, Mapping[str, Any]]]


@dataclass(frozen=True)
class Provider:
    """Grouped aggregates for many parks: `fill(contexts, asked base keys)` → {memo name: {park: value}}."""

    name: str
    keys: frozenset[str]
    fill: Fill


_providers: dict[str, Provider] = {}
_loaded = False


def grouped(name: str, *, keys: Iterable[str]) -> Callable[[Fill], Fill]:
    """Decorator declaring a grouped provider for the declared indicator keys `keys`."""

    def decorate(func: Fill) -> Fill:
        _providers[name] = Provider(name=name, keys=frozenset(keys), fill=func)
        return func

    return decorate


# The chapter apps with a `grouped` module of providers.
GROUPED_APPS = ("core", "economy", "investment", "plans")


def providers() -> list[Provider]:
    """Every declared provider (each chapter app's `grouped` module imported once)."""
    global _loaded
    if not _loaded:
        for app in GROUPED_APPS:
            importlib.import_module(f"parkledger.{app}.grouped")
        _loaded = True
    return list(_providers.values())


def _base_keys(keys: Iterable[str]) -> frozenset[str]:
    """The declared keys behind asked keys, with the keys named as parameters (`plan.progress[econ.fai]`
    reads `econ.fai`)."""
    bases: set[str] = set()
    for key in keys:
        ind, param = resolve(key)
        bases.add(ind.key)
        if param is not None and _known(param):
            bases.add(resolve(param)[0].key)
    return frozenset(bases)


def providers_for(keys: Iterable[str]) -> list[Provider]:
    """The providers serving any of these asked keys."""
    bases = _base_keys(keys)
    return [p for p in providers() if p.keys & bases]


def group_rows(qs, park_field: str, **aggregates: Any) -> dict[str, dict[str, Any]]:
    """One grouped query: park code (through `park_field`) → the aggregates of its rows."""
    from django.db.models import F

    rows = qs.values(park_code=F(park_field)).annotate(**aggregates).order_by()
    return {row.pop("park_code"): row for row in rows}


def roll_up(groups: Mapping[str, Mapping[str, Any]], codes: Iterable[str], fields: Iterable[str]) -> dict[str, Any]:
    """Σ of each field over the groups of these park codes (0 when none has rows)."""
    out: dict[str, Any] = dict.fromkeys(fields, 0)
    for code in dict.fromkeys(codes):
        row = groups.get(code)
        if row is not None:
            for field in out:
                out[field] += row[field] or 0
    return out


def _contexts(codes: Sequence[str], period: Period, *, live: bool) -> dict[str, Context]:
    """A context per park code, from one read of the park tree and one of the frozen figures."""
    from parkledger.core.models import Park

    tree = list(Park.objects.values_list("code", "parent_id"))
    children = park_children(tree)
    known = {code for code, _parent in tree}
    for code in codes:
        if code not in known:
            raise ValueError(f"园区“{code}”不存在")
    frozen: dict[str, dict] = {}
    if not live:
        frozen = _frozen_figures(codes, period.key)
    return {code: Context(code, tuple(descendants(children, code)), period, frozen=frozen.get(code),
                          from_ledgers=live)
            for code in codes}


def _frozen_figures(codes: Sequence[str], month: str) -> dict[str, dict]:
    """Park code → its frozen figures of the month (parks whose month is not closed left out)."""
    from parkledger.periods.frozen import decode_figure
    from parkledger.periods.models import FrozenFigures

    rows = FrozenFigures.objects.filter(park_id__in=list(codes), month=month).values_list("park_id", "figures")
    return {park: {data["key"]: decode_figure(data["key"], data) for data in (figures or [])}
            for park, figures in rows}


def seeded_contexts(parks: Sequence[str], period: str | Period, keys: Iterable[str] | None = None, *,
                    live: bool = False) -> dict[str, tuple[Context, list[str]]]:
    """Park code → (its context, the keys to compute in it), the grouped aggregates of the asked keys
    seeded into the contexts' memos; evaluating a key in such a context gives the park's own figure,
    and `ctx.result(key).records` its records.

    The providers fill only the contexts that compute: a park whose closed month froze every asked
    key takes its frozen figures. Unknown park or key, bad period → ValueError (as `compute_figures`).
    """
    per = period if isinstance(period, Period) else Period.parse(period)
    codes = list(dict.fromkeys(str(p or "").strip() for p in parks))
    if any(not code for code in codes):
        raise ValueError("园区“”不存在")
    asked: list[str] | None = None
    if keys is not None:
        asked = list(dict.fromkeys(keys))
        unknown = [k for k in asked if not _known(k)]
        if unknown:
            raise ValueError("未知指标：" + "、".join(unknown))
    out: dict[str, tuple[Context, list[str]]] = {}
    for code, ctx in _contexts(codes, per, live=live).items():
        if asked is not None:
            out[code] = (ctx, asked)
        else:
            out[code] = (ctx, list(ctx.frozen) if ctx.frozen is not None else expand_keys(ctx))
    computing = [(ctx, wanted) for ctx, wanted in out.values()
                 if ctx.frozen is None or any(k not in ctx.frozen for k in wanted)]
    if computing:
        seed([ctx for ctx, _wanted in computing], [k for _ctx, wanted in computing for k in wanted])
    return out


def seed(contexts: Sequence[Context], keys: Iterable[str] | None = None) -> None:
    """Fill the memos of these contexts (all of one period) with the grouped aggregates of `keys`
    (None: every provider's, for keys not known in advance): one query per aggregate for all of them.
    A context may be any set of parks (`ctx.parks`), e.g. a city's parks as one
    (`parkledger.city.compare.city_context`); contexts must differ in `ctx.park`."""
    if not contexts:
        return
    if keys is None:
        chosen = providers()
        bases = frozenset(k for p in chosen for k in p.keys)
    else:
        all_keys = list(dict.fromkeys(keys))
        chosen, bases = providers_for(all_keys), _base_keys(all_keys)
    for provider in chosen:
        for name, values in provider.fill(contexts, bases).items():
            for ctx in contexts:
                if ctx.park in values:
                    ctx.memo(name, lambda v=values[ctx.park]: v)


def compute_many(parks: Sequence[str], period: str | Period, keys: Iterable[str] | None = None, *,
                 live: bool = False) -> dict[str, FigureSet]:
    """Park code → `compute_figures(code, period, keys, live=live)`, for every park of `parks`, with
    the common aggregates computed once for all of them (see `seeded_contexts`)."""
    return {
        code: FigureSet(ctx.park, ctx.period.key, {key: evaluate(ctx, key) for key in wanted},
                        closed=ctx.frozen is not None)
        for code, (ctx, wanted) in seeded_contexts(parks, period, keys, live=live).items()
    }
