"""Strict JSON fields for the ledger serializers, one per kind of model field.

DRF's own fields coerce freely (`"12"` for an integer, `"yes"` for a boolean, `12` for a text).
The API accepts exactly the JSON types its schema declares, so a client learns about a type
mistake instead of having it silently converted:

- text, choices and references (codes): JSON strings;
- booleans: `true` / `false`;
- integers: JSON integers;
- decimals: a decimal string (`"1234.5"`) or a JSON number; always written back as a string,
  without exponent or trailing zeros (the same text as the export's cells);
- dates: `YYYY-MM-DD` strings.

Domain rules (check characters, months, non-negative amounts, references that exist, date
order, uniqueness) are not checked here: the model's `full_clean()` does that, so the API
reports the same errors as the web forms and the importer.
"""
from __future__ import annotations

__all__ = [
    "StrictCharField", "StrictChoiceField", "StrictBooleanField", "StrictIntegerField",
    "LedgerDecimalField", "StrictDateField",
]

import re
from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from rest_framework import serializers

from parkledger.dataio.cells import format_decimal

#: control characters no ledger text holds (and no spreadsheet cell can): all but tab and line breaks
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class StrictCharField(serializers.CharField):
    """Text (and codes of referenced records): a JSON string without control characters."""

    default_error_messages = {
        "invalid": _("应为文本（字符串）"),
        "control": _("含有不可见的控制字符"),
    }

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        if CONTROL_CHARACTERS.search(data):
            self.fail("control")
        return super().to_internal_value(data)


class StrictChoiceField(serializers.ChoiceField):
    """One of the field's choices, given as its key (a JSON string)."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid_choice", input=data)
        return super().to_internal_value(data)


class StrictBooleanField(serializers.BooleanField):
    """`true` or `false`."""

    default_error_messages = {"invalid": _("应为 true 或 false")}

    def to_internal_value(self, data):
        if not isinstance(data, bool):
            self.fail("invalid")
        return data


class StrictIntegerField(serializers.IntegerField):
    """A JSON integer (not a string, not a boolean, not a fraction)."""

    default_error_messages = {"invalid": _("应为整数")}

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class LedgerDecimalField(serializers.DecimalField):
    """A decimal amount: a decimal string or a JSON number in, a normalized string out."""

    default_error_messages = {"invalid": _("应为数字，如 \"1234.5\"")}

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, str | int | float):
            self.fail("invalid")
        if isinstance(data, float) and data != data:  # NaN
            self.fail("invalid")
        return super().to_internal_value(data)

    def to_representation(self, value):
        if value is None:
            return None
        return format_decimal(Decimal(value))


class StrictDateField(serializers.DateField):
    """A date as an ISO `YYYY-MM-DD` string (four-digit years, also before 1000)."""

    default_error_messages = {"invalid": _("日期格式应为 YYYY-MM-DD")}

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", ["%Y-%m-%d"])
        kwargs.setdefault("format", "%Y-%m-%d")
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid", format="YYYY-MM-DD")
        return super().to_internal_value(data)

    def to_representation(self, value):
        return None if value is None else value.isoformat()


class LedgerDecimalFieldSchema(OpenApiSerializerFieldExtension):
    """Decimals are read as a string or a number, and always written as a string."""

    target_class = LedgerDecimalField

    def map_serializer_field(self, auto_schema, direction):
        field: LedgerDecimalField = self.target
        integer_digits = field.max_digits - field.decimal_places
        pattern = rf"^-?\d{{0,{integer_digits}}}(?:\.\d{{0,{field.decimal_places}}})?$"
        as_string = {"type": "string", "format": "decimal", "pattern": pattern, "example": "1234.5"}
        if direction == "response":
            return as_string
        limit = float(Decimal(10) ** integer_digits)
        return {"oneOf": [as_string, {
            "type": "number", "maximum": limit, "exclusiveMaximum": True, "minimum": -limit, "exclusiveMinimum": True,
        }]}
