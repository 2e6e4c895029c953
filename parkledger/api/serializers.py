"""Serializers generated per ledger kind: the JSON keys are exactly the spec's field keys.

References are their codes (`park`, `uscc`, `platform`, …). The serializer checks JSON types
only; the domain rules are the model's `full_clean()` (see `parkledger.api.services`).
"""
from __future__ import annotations

__all__ = [
    "serializer_for", "row_serializer_for", "bulk_serializer_for", "BulkResultSerializer", "api_field_for",
    "MAX_BULK_ROWS",
]

from functools import cache

from django.db import models
from rest_framework import serializers

from parkledger.api.fields import (
    LedgerDecimalField,
    StrictBooleanField,
    StrictCharField,
    StrictChoiceField,
    StrictDateField,
    StrictIntegerField,
)
from parkledger.api.strict import RejectUnknownFieldsMixin
from parkledger.core.kinds import data_fields, kind_models

#: the most rows one bulk request may carry (larger loads: the file importer)
MAX_BULK_ROWS = 5000
INT_MAX = 2_147_483_647
#: significant digits of a decimal the API accepts: 15 survive every database exactly (SQLite keeps
#: decimals as doubles); with 4 decimal places that is below 100 billion (万元: 10^15 yuan)
MAX_DECIMAL_DIGITS = 15


def _description(field: models.Field) -> str:
    text = str(field.verbose_name)
    if field.help_text:
        text += f"（{field.help_text}）"
    return text


def api_field_for(field: models.Field) -> serializers.Field:
    """The strict serializer field of a model field (a reference by its code)."""
    options = {
        "required": not field.blank and not field.has_default(),
        "allow_null": field.null,
        "help_text": _description(field),
    }
    if isinstance(field, models.ForeignKey):
        target = field.target_field
        return StrictCharField(
            source=field.attname, max_length=getattr(target, "max_length", None), allow_blank=False, **options
        )
    if field.choices:
        return StrictChoiceField(choices=field.choices, allow_blank=field.blank, **options)
    if isinstance(field, models.BooleanField):
        return StrictBooleanField(**options)
    if isinstance(field, models.DecimalField):
        return LedgerDecimalField(
            max_digits=min(field.max_digits, MAX_DECIMAL_DIGITS), decimal_places=field.decimal_places, **options
        )
    if isinstance(field, models.DateField):
        return StrictDateField(**options)
    if isinstance(field, models.IntegerField):
        minimum = 0 if isinstance(field, models.PositiveIntegerField | models.PositiveSmallIntegerField) else -INT_MAX
        return StrictIntegerField(min_value=minimum, max_value=INT_MAX, **options)
    if isinstance(field, models.CharField | models.TextField):
        return StrictCharField(max_length=field.max_length, allow_blank=field.blank, **options)
    raise TypeError(f"no API field for {field!r}")  # pragma: no cover - every ledger field type is above


class LedgerSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    """Base of the generated serializers: `id` plus the kind's data fields."""

    id = serializers.IntegerField(read_only=True, help_text="记录 ID（按 ID 查询、修改、删除）")


@cache
def serializer_for(kind: str) -> type[LedgerSerializer]:
    """The serializer of a kind (one class per kind, named after the model for the schema)."""
    model = kind_models()[kind]
    attrs = {fld.name: api_field_for(fld) for fld in data_fields(model)}
    attrs["Meta"] = type("Meta", (), {"model": model})
    return type(f"{model.__name__}Serializer", (LedgerSerializer,), attrs)


@cache
def row_serializer_for(kind: str) -> type[serializers.Serializer]:
    """One row of a bulk request: the kind's fields without `id`."""
    model = kind_models()[kind]
    attrs = {fld.name: api_field_for(fld) for fld in data_fields(model)}
    return type(f"{model.__name__}RowSerializer", (RejectUnknownFieldsMixin, serializers.Serializer), attrs)


@cache
def bulk_serializer_for(kind: str) -> type[serializers.Serializer]:
    model = kind_models()[kind]
    attrs = {
        "rows": serializers.ListField(
            child=row_serializer_for(kind)(), min_length=1, max_length=MAX_BULK_ROWS,
            help_text=f"要新增或更新的记录（按自然键 {', '.join(model.natural_key_fields)} 匹配），最多 {MAX_BULK_ROWS} 行",
        ),
        "dry_run": StrictBooleanField(required=False, default=False, help_text="只校验不保存"),
    }
    return type(f"{model.__name__}BulkSerializer", (RejectUnknownFieldsMixin, serializers.Serializer), attrs)


class BulkResultSerializer(serializers.Serializer):
    dry_run = serializers.BooleanField(help_text="是否只校验（未保存）")
    created = serializers.IntegerField(help_text="新增条数（只校验时：将新增的条数）")
    updated = serializers.IntegerField(help_text="更新条数（只校验时：将更新的条数）")
