"""The records behind a figure, as its 来源 page lists them: by name, with the amount each
brought into the figure and a link to it."""
from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db import models
from django.urls import reverse

from parkledger.core.kinds import data_fields, kind_models
from parkledger.web import access
from parkledger.web.present import decimal_text, record_title, unit_of

__all__ = ["indicator_sources", "summed_field", "source_rows"]

_SUM_RE = re.compile(r"Σ\s*`([^`]+)`")


def indicator_sources(key: str) -> tuple[str, ...]:
    """The kinds an indicator reads (for naming the fields of its definition)."""
    from parkledger.indicators.registry import registry

    base = key.split("[", 1)[0]
    store = registry["indicators"]
    ind = store.get(key) or next((i for k, i in store.items() if k.split("[", 1)[0] == base), None)
    return tuple(ind.sources) if ind is not None else ()


def summed_field(definition: str) -> tuple[str, str] | None:
    """(field name, label) of the field a sum figure adds up (`Σ \\`output_value\\`…`), else None."""
    match = _SUM_RE.search(definition or "")
    if not match:
        return None
    term = match.group(1).strip()
    name = term.rpartition(".")[2]
    for model in kind_models().values():
        for fld in data_fields(model):
            if fld.name == name and isinstance(fld, models.DecimalField | models.IntegerField):
                return name, str(fld.verbose_name)
    return None


def _references(model: type[models.Model]) -> list[str]:
    return [f.name for f in data_fields(model) if isinstance(f, models.ForeignKey)]


def source_rows(user: Any, refs: Sequence, amount_field: tuple[str, str] | None) -> list[dict]:
    """The listed records of a figure in its order, each with its title (names), the amount it
    brought in (the summed field, with its unit) and its page; one query per kind."""
    by_kind: dict[str, list[int]] = {}
    for ref in refs:
        by_kind.setdefault(ref.kind, []).append(ref.pk)
    loaded: dict[tuple[str, int], models.Model] = {}
    for kind, pks in by_kind.items():
        model = kind_models()[kind]
        qs = access.scope(user, kind, model.objects.filter(pk__in=pks)).select_related(*_references(model))
        for obj in qs:
            loaded[(kind, obj.pk)] = obj
    rows = []
    for ref in refs:
        obj = loaded.get((ref.kind, ref.pk))
        model = kind_models()[ref.kind]
        amount = ""
        if obj is not None and amount_field is not None:
            try:
                fld = model._meta.get_field(amount_field[0])
            except Exception:
                fld = None
            value = getattr(obj, amount_field[0], None) if fld is not None else None
            if isinstance(value, Decimal | int) and not isinstance(value, bool):
                places = fld.decimal_places if isinstance(fld, models.DecimalField) else 0
                unit = unit_of(fld)
                amount = f"{decimal_text(value, places)} {unit}".strip()
        rows.append({
            "kind_name": model._meta.verbose_name,
            "title": record_title(obj) if obj is not None else ref.label,
            "amount": amount,
            "url": reverse("web:ledger_detail", args=[ref.kind, ref.pk]),
        })
    return rows
