"""What an import would change, row by row, for the 数据导入 preview.

The importer calls its batch row checks with every good row (the values the file brings and
the values stored). `collecting()` gathers them for the duration of one dry run in this thread
(other imports running at the same time are not looked at): new rows, and for an existing
record the cells that change (old → new); rows that change nothing are only counted.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from django.db import models

from parkledger.core.kinds import data_fields
from parkledger.web.present import record_title, snapshot_text

__all__ = ["KindPreview", "Preview", "collecting", "collect_rows", "SHOWN_ROWS"]

SHOWN_ROWS = 50  # rows listed per kind and list (new, changed); the rest are counted

_active: ContextVar[Preview | None] = ContextVar("parkledger_import_preview", default=None)


@dataclass
class KindPreview:
    kind: str
    name: str
    new: list[dict] = field(default_factory=list)
    changed: list[dict] = field(default_factory=list)
    new_count: int = 0
    changed_count: int = 0
    unchanged_count: int = 0


@dataclass
class Preview:
    kinds: dict[str, KindPreview] = field(default_factory=dict)

    @property
    def unchanged(self) -> int:
        return sum(k.unchanged_count for k in self.kinds.values())

    @property
    def changed(self) -> int:
        return sum(k.changed_count for k in self.kinds.values())

    @property
    def new(self) -> int:
        return sum(k.new_count for k in self.kinds.values())


def _display(fld: models.Field, value: Any, names: dict | None = None) -> str:
    if isinstance(fld, models.ForeignKey):
        if value in (None, ""):
            return ""
        name = (names or {}).get((fld.name, str(value)))
        return f"{name}（{value}）" if name else str(value)
    return snapshot_text(fld, value)


def _reference_names(fields: list[models.Field], changes: list) -> dict[tuple[str, str], str]:
    """The names of the records the new rows refer to (one query per reference field)."""
    names: dict[tuple[str, str], str] = {}
    for fld in fields:
        if not isinstance(fld, models.ForeignKey):
            continue
        related = fld.related_model
        if not any(f.name == "name" for f in related._meta.concrete_fields):
            continue
        codes = {str(getattr(c.instance, fld.attname)) for c in changes[:SHOWN_ROWS]
                 if getattr(c.instance, fld.attname, None) not in (None, "")}
        key = fld.target_field.attname
        for code, name in related._base_manager.filter(**{f"{key}__in": codes}).values_list(key, "name"):
            names[(fld.name, str(code))] = name
    return names


def collect_rows(model: type[models.Model], changes: list) -> None:
    """The importer's batch check: records what each row would do (never refuses one)."""
    preview = _active.get()
    if preview is None:
        return
    kind = getattr(model, "kind_key", model._meta.label_lower)
    entry = preview.kinds.setdefault(kind, KindPreview(kind, str(model._meta.verbose_name_plural)))
    generated = getattr(model, "has_generated_code", lambda: False)()
    fields = [f for f in data_fields(model) if f.editable and not (generated and f.name == "code")]
    names = _reference_names(fields, [c for c in changes if c.is_new or c.before is None]) if entry.new_count < SHOWN_ROWS else {}
    for change in changes:
        instance = change.instance
        if change.is_new or change.before is None:
            entry.new_count += 1
            if len(entry.new) < SHOWN_ROWS:
                cells = [(str(f.verbose_name), _display(f, getattr(instance, f.attname, None), names))
                         for f in fields if getattr(instance, f.attname, None) not in (None, "")]
                entry.new.append({"row": change.row, "sheet": change.sheet, "cells": cells})
            continue
        cells = []
        for fld in fields:
            old, new = change.before.get(fld.attname), getattr(instance, fld.attname, None)
            if (old in (None, "") and new in (None, "")) or old == new:
                continue
            cells.append((str(fld.verbose_name), _display(fld, old), _display(fld, new)))
        if not cells:
            entry.unchanged_count += 1
            continue
        entry.changed_count += 1
        if len(entry.changed) < SHOWN_ROWS:
            try:
                title = record_title(instance)
            except Exception:  # a reference not yet stored: the row's codes are title enough
                title = str(instance)
            entry.changed.append({"row": change.row, "sheet": change.sheet, "title": title, "cells": cells})


@contextmanager
def collecting() -> Iterator[Preview]:
    """Gather the rows of the imports run inside the block (this thread only)."""
    preview = Preview()
    token = _active.set(preview)
    try:
        yield preview
    finally:
        _active.reset(token)
