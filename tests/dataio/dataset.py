"""A small dataset with records of every kind, every field filled, built with the ORM (not the importer).

`build_every_kind()` creates, for each kind in dependency order, two records whose values
come from the field types (texts, decimals with fractions, dates, booleans, non-default
choices, references to earlier kinds), checked with `full_clean()` before saving.
`snapshot()` reads every ledger table back as sorted tuples, to compare databases.
"""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import models

from parkledger.core.kinds import data_fields, kind_models
from parkledger.lib.uscc import make_uscc

USCC_1 = make_uscc("91330281MA2H00001")
USCC_2 = make_uscc("91330281MA2H00002")

# Values a generic rule cannot guess (the model's rules tie fields together).
OVERRIDES: dict[str, list[dict[str, Any]]] = {
    "park": [
        {"code": "ECO", "name": "宁波前湾新区生态园", "short_name": "生态园", "city": "宁波", "county": "余姚",
         "parent": None},
        {"code": "ECO-CEE", "name": "中东欧国际产业合作园", "short_name": "中东欧园", "city": "宁波", "county": "余姚",
         "parent": "ECO"},
    ],
    "enterprise": [{"uscc": USCC_1}, {"uscc": USCC_2, "park": "ECO-CEE", "closed_on": None}],
    "petition": [{"extended_until": None}, {"extended_until": None}],
    "milestone": [
        {"subject_kind": "gov_project", "subject": "gov_project-1"},
        {"subject_kind": "wetland", "subject": "wetland-2", "expected": False},
    ],
}


def _value(model: type[models.Model], field: models.Field, n: int, position: int) -> Any:
    kind = model.kind_key
    if isinstance(field, models.ForeignKey):
        target = field.related_model
        if target is model:
            return None
        first = target._default_manager.order_by("pk").values_list(field.target_field.attname, flat=True)
        codes = list(first)
        return codes[(n - 1) % len(codes)]
    if field.choices:
        keys = [key for key, _label in field.flatchoices if key]
        return keys[(n + 1) % len(keys)]
    if isinstance(field, models.BooleanField):
        return n % 2 == 1
    if isinstance(field, models.DateField):
        return date(2022, 1, 10) + timedelta(days=position * 3 + n)
    if isinstance(field, models.DecimalField):
        return Decimal(f"{n * 1000 + position}.{25 * n:02d}")
    if isinstance(field, models.IntegerField):
        return 2021 + n if "year" in field.name else 10 * n + position
    if field.name == "month":
        return f"2022-0{n + 2}"
    if field.name == "country":
        return "DE" if n == 1 else "FI"
    if field.name == "uscc":
        return make_uscc(f"91330281MA2H1{n:04d}")
    if field.name == "code":
        return f"{kind}-{n}"
    if field.name == "indicator":
        return f"figure_{n}"
    text = f"{field.verbose_name}{n}"
    return text[: field.max_length] if field.max_length else text


def build_every_kind() -> dict[str, int]:
    """Create two records of every kind; returns kind → count."""
    counts: dict[str, int] = {}
    for kind, model in kind_models().items():
        for n in (1, 2):
            values: dict[str, Any] = {}
            for position, field in enumerate(data_fields(model)):
                values[field.attname] = _value(model, field, n, position)
            for name, value in OVERRIDES.get(kind, [{}, {}])[n - 1].items():
                values[model._meta.get_field(name).attname] = value
            obj = model(**values)
            obj.full_clean()
            obj.save()
        counts[kind] = 2
    return counts


def snapshot() -> dict[str, list[tuple]]:
    """Every ledger record as a tuple of its field values (timestamps included), sorted."""
    result = {}
    for kind, model in kind_models().items():
        names = [f.attname for f in model._meta.concrete_fields if f.name != "id"]
        result[kind] = sorted(model._default_manager.values_list(*names), key=repr)
    return result


def data_snapshot() -> dict[str, list[tuple]]:
    """Every ledger record's user-entered values (no ids, no timestamps), sorted."""
    result = {}
    for kind, model in kind_models().items():
        names = [f.attname for f in data_fields(model)]
        result[kind] = sorted(model._default_manager.values_list(*names), key=repr)
    return result


def wipe() -> None:
    """Delete every ledger record (dependents first)."""
    for model in reversed(list(kind_models().values())):
        if model.kind_key == "park":
            while model._default_manager.exists():  # sub-parks before their parents
                model._default_manager.filter(children__isnull=True).delete()
        else:
            model._default_manager.all().delete()
