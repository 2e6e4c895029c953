"""Which fields a ledger list shows, and how one cell is displayed.

Every kind gets the same kind of table, driven by its fields: up to `MAX_COLUMNS` of its data
fields (generated codes left out: they mean nothing to a reader), the referenced records
joined in the same query (`select_related`), and for case-like ledgers their state, deadline
and overdue days.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from parkledger.core.kinds import data_fields, kind_models
from parkledger.core.models import CaseMixin, LedgerModel
from parkledger.web.present import country_name, decimal_text, month_text

__all__ = [
    "MAX_COLUMNS", "list_fields", "related_for_list", "is_case_kind", "cell_text", "case_info",
    "CASE_STATE_LABELS", "KIND_GROUPS", "kind_groups",
]

MAX_COLUMNS = 8

# Fields a kind's list should lead with, where its declaration order is not the best.
PREFERRED_COLUMNS: dict[str, tuple[str, ...]] = {
    "hazard": ("inspection", "description", "level", "deadline", "rectified_on"),
    "petition": ("code", "park", "source", "subject", "received_on", "closed_on"),
    "investment_project": (
        "code", "name", "park", "total_investment", "capital_source", "signed_on", "started_on", "production_on",
    ),
}

CASE_STATE_LABELS = {"open": _("办理中"), "overdue": _("已超期"), "closed": _("已办结")}

# The ledger menu, by report chapter (app label → heading).
KIND_GROUPS: tuple[tuple[str, Any], ...] = (
    ("core", _("园区与企业")),
    ("investment", _("（一）招商引资")),
    ("economy", _("（二）经济运行")),
    ("construction", _("（三）基础配套")),
    ("governance", _("（四）综合治理")),
    ("finance", _("（五）改革创新与资金保障")),
    ("party", _("（六）党建与队伍")),
    ("plans", _("目标与手工指标")),
)


def kind_groups() -> list[tuple[Any, list[tuple[str, type[LedgerModel]]]]]:
    """[(heading, [(kind key, model), …]), …] for the ledger menu."""
    groups = []
    for label, heading in KIND_GROUPS:
        kinds = [(key, m) for key, m in kind_models().items() if m._meta.app_label == label]
        if kinds:
            groups.append((heading, kinds))
    return groups


def is_case_kind(model: type[models.Model]) -> bool:
    return issubclass(model, CaseMixin)


@cache
def list_fields(kind_key: str) -> tuple[models.Field, ...]:
    """The fields a kind's list shows, in order."""
    model = kind_models()[kind_key]
    fields = [
        fld for fld in data_fields(model)
        if not (fld.name == "code" and model.has_generated_code())
    ]
    by_name = {fld.name: fld for fld in fields}
    preferred = [by_name[name] for name in PREFERRED_COLUMNS.get(kind_key, ()) if name in by_name]
    rest = [fld for fld in fields if fld not in preferred]
    return tuple((preferred + rest)[:MAX_COLUMNS])


@cache
def related_for_list(kind_key: str) -> tuple[str, ...]:
    """The `select_related` paths a kind's list needs (displayed references, case dates)."""
    model = kind_models()[kind_key]
    paths = []
    for fld in list_fields(kind_key):
        if isinstance(fld, models.ForeignKey):
            paths.append(fld.name)
            if _named_through_enterprise(fld.related_model):
                paths.append(f"{fld.name}__uscc")  # an inspection is known by its enterprise's name
    if kind_key == "hazard" and "inspection" not in paths:
        paths.append("inspection")
    return tuple(paths) if model else ()


def _named_through_enterprise(model: type[models.Model]) -> bool:
    """A record without a name of its own that people know by its enterprise (an inspection)."""
    names = {f.name for f in model._meta.concrete_fields}
    return "name" not in names and "uscc" in names


def _reference_name(related: models.Model) -> str:
    name = getattr(related, "name", "") or ""
    if name or not _named_through_enterprise(type(related)):
        return name
    field = type(related)._meta.get_field("uscc")
    if not field.is_cached(related):
        return ""
    ent = related.uscc
    day = next((getattr(related, f.attname) for f in type(related)._meta.concrete_fields
                if isinstance(f, models.DateField)), None)
    return f"{ent.name} {day.isoformat()}" if day else ent.name


def cell_text(obj: models.Model, fld: models.Field) -> str:
    """How a list or detail page shows one field's value."""
    if isinstance(fld, models.ForeignKey):
        code = getattr(obj, fld.attname)
        if code in (None, ""):
            return ""
        related = getattr(obj, fld.name, None) if fld.is_cached(obj) else None
        name = _reference_name(related) if related is not None else ""
        if name:
            return f"{name}（{code}）" if name != code else str(code)
        return str(code)
    value = getattr(obj, fld.attname)
    if value is None or value == "":
        return ""
    if fld.choices:
        return str(getattr(obj, f"get_{fld.name}_display")())
    if isinstance(value, bool):
        return str(_("是") if value else _("否"))
    if isinstance(value, Decimal):
        return decimal_text(value, fld.decimal_places if isinstance(fld, models.DecimalField) else None)
    if isinstance(value, date):
        return value.isoformat()
    if fld.name == "month":
        return month_text(str(value))
    if fld.name == "country":
        return country_name(str(value))
    return str(value)


@dataclass(frozen=True)
class CaseInfo:
    state: str
    state_label: str
    deadline: date | None
    overdue_days: int


def case_info(obj: Any, as_of: date) -> CaseInfo | None:
    """State, deadline and overdue days of a case-like record as of a date (None for other kinds)."""
    if not isinstance(obj, CaseMixin):
        return None
    state = obj.case_state(as_of)
    return CaseInfo(
        state=state,
        state_label=str(CASE_STATE_LABELS[state]),
        deadline=obj.case_deadline,
        overdue_days=obj.overdue_days(as_of),
    )
