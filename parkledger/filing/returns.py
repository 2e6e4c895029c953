"""What an enterprise files in a round of each kind: the fields, their labels and units.

Reading taken for the monthly return (企业月报): 工业总产值, 营业收入 and 从业人员 are required (a
statistics office does not accept a return without them; an enterprise with no output files 0),
the other amounts may be left empty (not reported). 规上 is a yearly value: it is prefilled from
the enterprise's last return of the same year and cannot differ within a year (the importer's rule).
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from django.apps import apps
from django.utils.translation import get_language
from django.utils.translation import gettext as _

__all__ = ["ReturnField", "return_fields", "parse_value", "ValueProblem"]


@dataclass(frozen=True)
class ReturnField:
    key: str
    label: str
    unit: str
    kind: str  # "decimal", "integer" or "bool"
    required: bool
    yearly: bool = False


_SPECS: dict[str, tuple[tuple[str, str, bool, bool], ...]] = {
    # kind: (field key, value kind, required, yearly)
    "enterprise_month": (
        ("above_scale", "bool", False, True),
        ("output_value", "decimal", True, False),
        ("value_added", "decimal", False, False),
        ("revenue", "decimal", True, False),
        ("tax", "decimal", False, False),
        ("energy_tce", "decimal", False, False),
        ("employees", "integer", True, False),
        ("rd_expense", "decimal", False, False),
    ),
}
_UNITS = {"integer": "人", "bool": ""}


def return_fields(kind: str) -> list[ReturnField]:
    """The fields of a return of `kind`, labelled as the ledger labels them (in the active language)."""
    return list(_return_fields(kind, get_language() or ""))


@lru_cache(maxsize=32)
def _return_fields(kind: str, language: str) -> tuple[ReturnField, ...]:
    model = apps.get_model("core", "EnterpriseMonth") if kind == "enterprise_month" else None
    if model is None:
        raise ValueError(kind)
    fields = []
    for key, value_kind, required, yearly in _SPECS[kind]:
        field = model._meta.get_field(key)
        unit = _UNITS.get(value_kind, str(field.help_text or ""))
        fields.append(ReturnField(key, str(field.verbose_name), unit, value_kind, required, yearly))
    return tuple(fields)


class ValueProblem(ValueError):
    """A value that cannot be read; its message is for the enterprise user."""


def parse_value(field: ReturnField, raw: object) -> Decimal | bool | int | None:
    """A typed value from what was typed (None for empty); ValueProblem in plain words."""
    if field.kind == "bool":
        if isinstance(raw, bool):
            return raw
        return str(raw or "").strip().lower() in ("1", "true", "on", "yes", "是")
    text = str(raw if raw is not None else "").strip().replace(",", "").replace("，", "")
    if text == "":
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueProblem(_("请填写数字")) from None
    if not number.is_finite():
        raise ValueProblem(_("请填写数字"))
    if number < 0:
        raise ValueProblem(_("不能为负数"))
    if field.kind == "integer":
        if number != number.to_integral_value():
            raise ValueProblem(_("请填写整数"))
        if number > 10_000_000:
            raise ValueProblem(_("数值过大"))
        return int(number)
    if number.as_tuple().exponent < -4:  # type: ignore[operator]
        raise ValueProblem(_("最多保留4位小数"))
    if number >= Decimal("1e11"):
        raise ValueProblem(_("数值过大"))
    return number
