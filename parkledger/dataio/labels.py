"""Names users write for kinds, columns and choices: keys, or the Chinese labels of the forms.

A sheet (or CSV file) is named by a kind key (`enterprise_month`) or the kind's Chinese name
(`企业月报`); a header cell by a field key (`output_value`) or the field's Chinese label
(`工业总产值`); a choice cell by its key (`road`) or its Chinese label (`外联道路`).
The Chinese names are the msgids, so the maps are built with the zh-hans translation active.
"""
from __future__ import annotations

import re

__all__ = [
    "normalise_name", "kind_for_name", "kind_label", "field_label", "column_map", "choice_map",
    "choice_labels", "required_fields", "IGNORED_SHEETS",
]

from functools import cache

from django.db import models
from django.utils import translation

from parkledger.core.kinds import data_fields, kind_models

# Sheets a workbook may carry besides the ledgers (the template's instructions).
IGNORED_SHEETS = frozenset({"说明", "填写说明", "readme"})


_SHEET_UNSAFE = re.compile(r"[\[\]:*?/\\]")

_WIDTH = str.maketrans({"(": "（", ")": "）", ":": "：", " ": None, "\u3000": None, "\n": None, "\t": None})


def normalise_name(text: object) -> str:
    """A sheet or header name as compared: trimmed, ASCII lower-cased, a trailing `*` dropped.

    Chinese names also match with half-width brackets or stray spaces (`用地面积(亩)`).
    """
    name = str(text).strip().rstrip("*").strip()
    if name.isascii():
        return name.lower()
    return name.translate(_WIDTH)


@cache
def _kinds_by_name() -> dict[str, str]:
    names: dict[str, str] = {}
    with translation.override("zh-hans"):
        for key, model in kind_models().items():
            names[normalise_name(key)] = key
            names.setdefault(normalise_name(model._meta.verbose_name), key)
            names.setdefault(normalise_name(model._meta.verbose_name_plural), key)
            # a name holding a character Excel refuses in a sheet title (`/`), as the template writes it
            names.setdefault(normalise_name(_SHEET_UNSAFE.sub("、", str(model._meta.verbose_name))), key)
    return names


def kind_for_name(name: str) -> str | None:
    """The kind key a sheet or file name stands for, or None."""
    return _kinds_by_name().get(normalise_name(name))


def kind_label(key: str) -> str:
    """The kind's Chinese name (msgid)."""
    with translation.override("zh-hans"):
        return str(kind_models()[key]._meta.verbose_name)


def field_label(field: models.Field) -> str:
    """The field's Chinese label (msgid)."""
    with translation.override("zh-hans"):
        return str(field.verbose_name)


@cache
def column_map(model: type[models.Model]) -> dict[str, models.Field]:
    """Header name → field: every field key, and every Chinese label no other field of the kind shares."""
    fields = data_fields(model)
    result: dict[str, models.Field] = {}
    labels: dict[str, list[models.Field]] = {}
    for fld in fields:
        result[normalise_name(fld.name)] = fld
        labels.setdefault(normalise_name(field_label(fld)), []).append(fld)
    for label, flds in labels.items():
        if len(flds) == 1:
            result.setdefault(label, flds[0])
    return result


@cache
def choice_map(field: models.Field) -> dict[str, str]:
    """Choice cell → stored key, for a field with choices (keys and Chinese labels)."""
    result: dict[str, str] = {}
    with translation.override("zh-hans"):
        for key, label in field.flatchoices:
            result[normalise_name(key)] = key
            result.setdefault(normalise_name(label), key)
    return result


def choice_labels(field: models.Field) -> list[tuple[str, str]]:
    """(key, Chinese label) of each choice, in declaration order (blank choice left out)."""
    with translation.override("zh-hans"):
        return [(key, str(label)) for key, label in field.flatchoices if key != ""]


def required_fields(model: type[models.Model]) -> list[models.Field]:
    """Fields an import must have a column for: not blank, no default, not a generated code."""
    return [
        fld for fld in data_fields(model)
        if not fld.blank and not fld.has_default() and not fld.null
    ]
