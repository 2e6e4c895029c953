"""Valid JSON payloads for every ledger kind, built from the models' fields, and a small world of records.

`payload(kind, n, world)` fills the kind's required fields (and references to the world's
records) with values that differ by `n`, so two payloads of a kind never collide on a natural key.
"""
from __future__ import annotations

from django.db import models

from parkledger.api.serializers import serializer_for
from parkledger.core.kinds import data_fields, kind_models
from parkledger.lib.uscc import make_uscc

WORLD_PARK = "A"
#: kinds whose optional choice is always given: the indicators expand over it (platform.count[KIND])
CHOICES_SET = {"platform"}


def uscc(n: int) -> str:
    return make_uscc(f"91330281MA2{n:06d}")


def _text(kind: str, field: models.Field, n: int) -> str:
    if field.name == "uscc":
        return uscc(n)
    if field.name == "month":
        return f"2022-{n:02d}"
    if kind == "park" and field.name == "code":
        return WORLD_PARK if n == 1 else f"P{n}"
    return f"{kind}-{field.name}-{n}"[: field.max_length]


def value_for(kind: str, field: models.Field, n: int):
    """A valid JSON value of a non-reference field."""
    if field.choices:
        return str(field.choices[0][0])
    if isinstance(field, models.BooleanField):
        return True
    if isinstance(field, models.DecimalField):
        return f"{n}2.5"
    if isinstance(field, models.DateField):
        return f"2022-{n:02d}-01"
    if isinstance(field, models.IntegerField):
        return 2010 + n
    return _text(kind, field, n)


def payload(kind: str, n: int, world: dict[str, models.Model]) -> dict:
    """The required fields of `kind` (references: the world's records), values varying with `n`."""
    model = kind_models()[kind]
    data: dict = {}
    for field in data_fields(model):
        if isinstance(field, models.ForeignKey):
            if field.blank:
                continue
            target = world[field.related_model.kind_key]
            data[field.name] = getattr(target, field.target_field.attname)
        elif (not field.blank and not field.has_default()) or (field.choices and kind in CHOICES_SET):
            data[field.name] = value_for(kind, field, n)
    if model.has_generated_code():  # the generated code comes from the content: make it differ with n
        for field in data_fields(model):
            if isinstance(field, models.DateField) and field.blank and field.name not in data:
                data[field.name] = f"2022-{n + 6:02d}-01"  # after every world date (deadlines follow inspections)
                break
    if kind == "milestone":
        data["subject_kind"] = "gov_project"
        data["subject"] = world["gov_project"].code
    return data


def create_from_payload(kind: str, data: dict) -> models.Model:
    """A record saved through the ORM (after the API's type checks and the model's full_clean)."""
    serializer = serializer_for(kind)(data=data)
    assert serializer.is_valid(), serializer.errors
    obj = kind_models()[kind](**serializer.validated_data)
    if obj.has_generated_code() and not obj.code:
        obj.code = obj.content_code()
    obj.full_clean()
    obj.save()
    return obj


def make_world() -> dict[str, models.Model]:
    """One record of every kind (n = 1), in dependency order, all in park `A`."""
    world: dict[str, models.Model] = {}
    for kind in kind_models():
        world[kind] = create_from_payload(kind, payload(kind, 1, world))
    return world


def optional_value(kind: str, data: dict) -> tuple[str, object] | None:
    """A field the payload `data` leaves empty, and a valid value for it (for PATCH tests)."""
    model = kind_models()[kind]
    for field in data_fields(model):
        if field.name in data:
            continue
        if field.blank and not isinstance(field, models.ForeignKey) and not field.choices:
            if isinstance(field, models.DateField) and model.date_order:
                continue
            if kind in ("petition", "hazard") and isinstance(field, models.DateField):
                continue
            if field.name == "code":
                continue
            if isinstance(field, models.DecimalField):
                return field.name, "7.25"
            if isinstance(field, models.DateField):
                return field.name, "2022-06-30"
            if isinstance(field, models.IntegerField):
                return field.name, 7
            if isinstance(field, models.CharField):
                return field.name, "已修改"
    return None
