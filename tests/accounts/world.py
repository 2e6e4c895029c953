"""A small world for the accounts tests: parks, and one record of every ledger kind in a park.

`build_parks()` makes ECO (宁波) with its sub-park ECO-CEE, and OTH (杭州). `build_records(park,
prefix, day)` creates one record of every kind in `park`, every date field set to `day` (so
every record is dated in `day`'s month), references pointing at the same world.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import models

from parkledger.core.kinds import data_fields, kind_models
from parkledger.core.models import Park
from parkledger.lib.uscc import make_uscc

DAY = date(2022, 3, 15)


def build_parks() -> dict[str, Park]:
    eco = Park.objects.create(code="ECO", name="生态园", city="宁波", county="余姚")
    cee = Park.objects.create(code="ECO-CEE", name="中东欧园", parent=eco)
    oth = Park.objects.create(code="OTH", name="另一园区", city="杭州")
    return {"ECO": eco, "ECO-CEE": cee, "OTH": oth}


def _value(kind: str, field: models.Field, prefix: str, number: int, day: date):
    if field.choices:
        return field.choices[0][0]
    if isinstance(field, models.BooleanField):
        return False
    if isinstance(field, models.DecimalField):
        return Decimal("12.5")
    if isinstance(field, models.DateField):
        return day
    if isinstance(field, models.IntegerField):
        return day.year
    if field.name == "uscc":
        return make_uscc(f"91330281MA{number:07d}")
    if field.name == "month":
        return f"{day.year:04d}-{day.month:02d}"
    if isinstance(field, models.TextField):
        return f"{prefix} {kind} {field.name}"
    return f"{prefix}-{kind}-{field.name}"[: field.max_length]


def build_records(park: str, prefix: str, day: date = DAY, number: int = 1) -> dict[str, models.Model]:
    """One saved record of every kind except `park` (the park record itself is `world["park"]`)."""
    world: dict[str, models.Model] = {"park": Park.objects.get(code=park)}
    for kind, model in kind_models().items():
        if kind == "park":
            continue
        values = {}
        for fld in data_fields(model):
            if isinstance(fld, models.ForeignKey):
                if fld.related_model is Park:
                    values[fld.attname] = park
                else:
                    target = world[fld.related_model.kind_key]
                    values[fld.attname] = getattr(target, fld.target_field.attname)
            elif fld.name == "code":
                values["code"] = f"{prefix}-{kind}"
            else:
                values[fld.attname] = _value(kind, fld, prefix, number, day)
        if kind == "milestone":
            values["subject_kind"] = "gov_project"
            values["subject"] = world["gov_project"].code
        obj = model(**values)
        obj.save()
        world[kind] = obj
    return world
