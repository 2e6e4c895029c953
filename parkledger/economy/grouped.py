"""Grouped providers of the (二) 企业创新与助企纾困 figures (see `parkledger.indicators.batch`):
qualifications, patents, technical-upgrade acceptances, disbursements and service requests, each
one query grouped by park for all parks, giving the memo values of `parkledger.economy.indicators`.

Distinct enterprises add up over a park's sub-parks where rows belong to parks through their
enterprise (`uscc__park`: each enterprise is in one park); disbursements belong to parks by their
own `park`, so their enterprises are merged per park rather than counted per sub-park.
"""
from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db.models import Count

from parkledger.economy.indicators import QUALIFICATION_KEYS, patent_conditions, qualification_conditions
from parkledger.economy.models import (
    Disbursement,
    Patent,
    Qualification,
    ServiceRequest,
    TechUpgradeAcceptance,
)
from parkledger.indicators.batch import group_rows, grouped, roll_up
from parkledger.indicators.context import Context
from parkledger.indicators.helpers import amount, exact_sum

Seeds = dict[str, dict[str, Any]]


def _codes(contexts: Sequence[Context]) -> list[str]:
    return list(dict.fromkeys(code for ctx in contexts for code in ctx.parks))


@grouped("innov.qualifications", keys=QUALIFICATION_KEYS)
def qualifications(contexts: Sequence[Context], keys: frozenset[str]) -> Seeds:
    conditions = qualification_conditions(contexts[0])
    groups = group_rows(Qualification.objects.filter(uscc__park__in=_codes(contexts)), "uscc__park",
                        **{key: Count("uscc", distinct=True, filter=cond) for key, cond in conditions.items()})
    return {"innov.qualifications": {ctx.park: roll_up(groups, ctx.parks, conditions) for ctx in contexts}}


@grouped("innov.patents", keys=("innov.patents", "innov.patents.invention"))
def patents(contexts: Sequence[Context], keys: frozenset[str]) -> Seeds:
    conditions = patent_conditions(contexts[0])
    groups = group_rows(Patent.objects.filter(uscc__park__in=_codes(contexts)), "uscc__park",
                        **{part: Count("pk", filter=cond) for part, cond in conditions.items()})
    return {"innov.patents": {ctx.park: roll_up(groups, ctx.parks, conditions) for ctx in contexts}}


@grouped("support.tech_upgrade", keys=("support.tech_upgrade", "support.tech_upgrade.subsidy"))
def tech_upgrade(contexts: Sequence[Context], keys: frozenset[str]) -> Seeds:
    qs = TechUpgradeAcceptance.objects.filter(contexts[0].in_w("accepted_on"), uscc__park__in=_codes(contexts))
    groups = group_rows(qs, "uscc__park", n=Count("uscc", distinct=True), subsidy=exact_sum("subsidy"))
    out = {}
    for ctx in contexts:
        total = roll_up(groups, ctx.parks, ("n", "subsidy"))
        out[ctx.park] = {"n": total["n"], "subsidy": amount(total["subsidy"])}
    return {"support.tech_upgrade": out}


@grouped("support.disbursements", keys=("support.loan_interest", "support.quality_award",
                                        "support.quality_award.amount", "support.relief_total"))
def disbursements(contexts: Sequence[Context], keys: frozenset[str]) -> Seeds:
    """Kind → enterprise → Σ amount per park, its sub-parks' rows merged (an enterprise once)."""
    rows = (Disbursement.objects.filter(contexts[0].in_w("paid_on"), park__in=_codes(contexts))
            .values("park", "kind", "uscc").annotate(amount=exact_sum("amount")).order_by())
    by_park: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_park.setdefault(row["park"], []).append(row)
    out: dict[str, dict[str, dict[str | None, int | Decimal]]] = {}
    for ctx in contexts:
        merged: dict[str, dict[str | None, int | Decimal]] = {}
        for code in dict.fromkeys(ctx.parks):
            for row in by_park.get(code, ()):
                per_kind = merged.setdefault(row["kind"], {})
                per_kind[row["uscc"]] = per_kind.get(row["uscc"], 0) + row["amount"]
        out[ctx.park] = merged
    return {"support.disbursements": out}


@grouped("support.service_requests", keys=("support.service_requests",))
def service_requests(contexts: Sequence[Context], keys: frozenset[str]) -> Seeds:
    qs = ServiceRequest.objects.filter(contexts[0].in_w("received_on"), park__in=_codes(contexts))
    groups = group_rows(qs, "park", n=Count("pk"))
    return {"support.service_requests": {ctx.park: roll_up(groups, ctx.parks, ("n",))["n"] for ctx in contexts}}
