"""The record kinds of `records.md`, in an order where every kind comes after those it refers to."""
from __future__ import annotations

from functools import cache

from django.apps import apps

from parkledger.core.models import LedgerModel

KIND_ORDER: tuple[str, ...] = (
    "park", "enterprise", "enterprise_month", "park_month",
    # (一) 招商引资
    "platform", "investment_project", "talent", "talent_application", "talent_honour",
    "platform_project", "platform_tenant",
    # (二) 经济运行
    "qualification", "patent", "permu_evaluation", "disbursement", "tech_upgrade_acceptance",
    "service_request", "support_package",
    # (三) 基础配套
    "gov_project", "gov_project_month", "sub_project", "wetland", "milestone", "land_transfer",
    "sea_use", "stock_release",
    # (四) 综合治理
    "safety_letter", "safety_insurance", "inspection", "hazard", "safety_outreach", "odour_case",
    "air_sample", "water_sample", "env_case", "governance_issue", "petition", "dispute",
    # (五) 改革创新与资金保障
    "asset_filing", "financing_project",
    # (六) 党建与队伍
    "party_activity", "union", "task_force",
    # plans and manual figures
    "target", "estimate", "manual_figure",
)


@cache
def kind_models() -> dict[str, type[LedgerModel]]:
    """kind key → model, in KIND_ORDER."""
    by_key = {
        m.kind_key: m for m in apps.get_models() if issubclass(m, LedgerModel) and m.kind_key
    }
    missing = set(by_key) ^ set(KIND_ORDER)
    if missing:
        raise RuntimeError(f"KIND_ORDER and the ledger models disagree on: {sorted(missing)}")
    return {key: by_key[key] for key in KIND_ORDER}


def kind_model(key: str) -> type[LedgerModel]:
    return kind_models()[key]


def data_fields(model: type[LedgerModel]) -> list:
    """The fields a user enters (the import/export columns), in declaration order."""
    return [
        fld for fld in model._meta.concrete_fields
        if fld.name not in ("id", "created", "last_updated")
    ]
