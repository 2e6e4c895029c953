"""Grouped providers of the (一) 招商引资 figures (see `parkledger.indicators.batch`): count and
Σ total_investment of every asked project set, and the talents of each tier at D, for all parks in
one query grouped by park each."""
from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db.models import Count

from parkledger.indicators.batch import group_rows, grouped, roll_up
from parkledger.indicators.context import Context
from parkledger.indicators.helpers import amount, exact_sum
from parkledger.investment.choices import TalentTier
from parkledger.investment.indicators import SET_TOTAL_KEYS, set_condition, talent_tier_counts
from parkledger.investment.models import InvestmentProject, Talent


@grouped("invest.set", keys=[key for keys in SET_TOTAL_KEYS.values() for key in keys])
def project_set_totals(contexts: Sequence[Context], keys: frozenset[str]) -> dict[str, dict[str, Any]]:
    """Memo `invest.set.<name>` ({"n", "investment"}) of each set one of `keys` reads."""
    ref = contexts[0]
    names = [name for name, set_keys in SET_TOTAL_KEYS.items() if keys & set(set_keys)]
    aggregates: dict[str, Any] = {}
    for name in names:
        cond = set_condition(ref, name)
        aggregates[f"{name}__n"] = Count("pk", filter=cond)
        aggregates[f"{name}__investment"] = exact_sum("total_investment", cond)
    codes = list(dict.fromkeys(code for ctx in contexts for code in ctx.parks))
    groups = group_rows(InvestmentProject.objects.filter(park__in=codes), "park", **aggregates)
    seeds: dict[str, dict[str, Any]] = {}
    for name in names:
        fields = (f"{name}__n", f"{name}__investment")
        seeds[f"invest.set.{name}"] = {
            ctx.park: {"n": Decimal(total[fields[0]]), "investment": amount(total[fields[1]])}
            for ctx in contexts for total in [roll_up(groups, ctx.parks, fields)]
        }
    return seeds


@grouped("talent.totals", keys=[f"talent.total.{tier}" for tier in TalentTier])
def talent_totals(contexts: Sequence[Context], keys: frozenset[str]) -> dict[str, dict[str, Any]]:
    """Memo `talent.totals`: talents of each tier introduced by D and not left by D."""
    ref = contexts[0]
    codes = list(dict.fromkeys(code for ctx in contexts for code in ctx.parks))
    qs = Talent.objects.filter(ref.by_d("introduced_on"), ref.not_by_d("left_on"), park__in=codes)
    counts = talent_tier_counts()
    groups = group_rows(qs, "park", **counts)
    return {"talent.totals": {ctx.park: roll_up(groups, ctx.parks, counts) for ctx in contexts}}
