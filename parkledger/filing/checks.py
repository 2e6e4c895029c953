"""Checks of a return while the enterprise types it: required, impossible and unusual values.

- required fields and readable numbers (`parkledger.filing.returns`);
- impossible values: 工业增加值 above 工业总产值; 营业收入 zero while 工业总产值 is not;
- anomalies, by the rules kept as data (`AnomalyRule`; by default ±50% against the same month
  last year and against the previous month): a changed value must carry a 说明 before the
  return can be submitted. A basis that is empty or zero raises no anomaly (no ratio to take).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from parkledger.core.models import EnterpriseMonth
from parkledger.filing.models import AnomalyRule, Basis
from parkledger.filing.returns import ReturnField, ValueProblem, parse_value, return_fields
from parkledger.lib.periods import shift_month

__all__ = ["CheckResult", "check_return", "basis_values", "DEFAULT_RULES"]

DEFAULT_RULES: tuple[tuple[str, Decimal], ...] = ((Basis.SAME_MONTH_LAST_YEAR, Decimal(50)),
                                                   (Basis.PREVIOUS_MONTH, Decimal(50)))


@dataclass
class CheckResult:
    values: dict[str, Any] = field(default_factory=dict)          # typed values
    errors: dict[str, str] = field(default_factory=dict)          # field → message (blocks submitting)
    anomalies: list[dict[str, Any]] = field(default_factory=list)  # need a 说明

    def unexplained(self, explanations: dict[str, str]) -> list[dict[str, Any]]:
        return [a for a in self.anomalies if not str(explanations.get(a["field"], "")).strip()]

    @property
    def ok(self) -> bool:
        return not self.errors


def basis_values(uscc: str, month: str) -> dict[str, dict[str, Any]]:
    """The stored returns the checks compare with: {"yoy": {...}, "mom": {...}} (empty when missing)."""
    months = {Basis.SAME_MONTH_LAST_YEAR: shift_month(month, -12), Basis.PREVIOUS_MONTH: shift_month(month, -1)}
    rows = {row["month"]: row for row in EnterpriseMonth.objects.filter(uscc_id=uscc, month__in=months.values())
            .values()}
    return {str(basis): rows.get(m, {}) for basis, m in months.items()}


def _rules(kind: str) -> list[tuple[str, str, Decimal]]:
    stored = [(r.field, r.basis, r.threshold_pct) for r in AnomalyRule.objects.filter(kind=kind, active=True)]
    return stored or [("", str(basis), pct) for basis, pct in DEFAULT_RULES]


def check_return(kind: str, raw: dict[str, Any], basis: dict[str, dict[str, Any]], *,
                 for_submit: bool = True) -> CheckResult:
    """Check typed values against the rules; `for_submit=False` (a draft) skips the required check."""
    result = CheckResult()
    fields = return_fields(kind)
    for f in fields:
        try:
            value = parse_value(f, raw.get(f.key))
        except ValueProblem as problem:
            result.errors[f.key] = str(problem)
            continue
        result.values[f.key] = value
        if value is None and f.required and for_submit:
            result.errors[f.key] = _("必填")
    _impossible(result)
    _anomalies(kind, fields, result, basis)
    return result


def _impossible(result: CheckResult) -> None:
    output, added, revenue = (result.values.get(k) for k in ("output_value", "value_added", "revenue"))
    if output is not None and added is not None and added > output:
        result.errors.setdefault("value_added", _("工业增加值不能大于工业总产值"))
    if output and revenue is not None and revenue == 0:
        result.errors.setdefault("revenue", _("有工业总产值时营业收入不应为0"))


def _plain(number: Decimal) -> str:
    """5000.0000 → "5000", 12.50 → "12.5" (no exponent)."""
    return format(number.normalize(), "f")


def _anomalies(kind: str, fields: list[ReturnField], result: CheckResult, basis: dict[str, dict[str, Any]]) -> None:
    rules = _rules(kind)
    for f in fields:
        if f.kind == "bool" or result.values.get(f.key) is None:
            continue
        new = Decimal(result.values[f.key])
        for rule_field, rule_basis, pct in rules:
            if rule_field and rule_field != f.key:
                continue
            old = basis.get(rule_basis, {}).get(f.key)
            if old is None or Decimal(old) == 0:
                continue
            change = (new - Decimal(old)) / Decimal(old) * 100
            if abs(change) > pct:
                result.anomalies.append({
                    "field": f.key, "label": f.label, "basis": rule_basis,
                    "basis_label": str(Basis(rule_basis).label), "old": _plain(Decimal(old)),
                    "new": _plain(new), "change_pct": str(change.quantize(Decimal("0.1"))),
                    "threshold_pct": str(pct),
                })
                break  # one anomaly per field is enough to ask for its 说明
