"""Exporting ledgers: in the import format (round trip), or as a table for people.

- `export_sheets(park=None, kinds=None)`: every ledger (of a park and its sub-parks) as sheets
  of cells, header = field keys, rows in a stable order (the kind's ordering, then its
  natural key), so that export → import into an empty database → export gives identical files.
- `export_path(path, ...)`: those sheets as an `.xlsx` workbook (one sheet per kind) or, for
  any other path, a directory of `<kind>.csv` files.
- `export_queryset(model, queryset, fmt="xlsx")`: one list (a web list page, an API query) as
  `.xlsx` or `.csv` bytes with Chinese headers, choice labels and 是/否; numbers and dates stay
  typed in the workbook. The importer reads this back as well.

Rows are streamed with `values_list(...).iterator()`: one query per kind, no per-row queries.
"""
from __future__ import annotations

__all__ = [
    "ExportError", "parse_kinds", "kind_queryset", "export_sheets", "export_path", "export_queryset",
    "EXPORT_FORMATS",
]

import io
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from django.db import models
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from parkledger.core.kinds import data_fields, kind_models
from parkledger.core.models import LedgerModel, Park
from parkledger.dataio.cells import to_cell
from parkledger.dataio.labels import choice_labels, field_label, kind_for_name
from parkledger.dataio.writers import CSV_ENCODING, workbook_bytes, write_csv, write_csv_dir, write_workbook

EXPORT_FORMATS = ("xlsx", "csv")
CHUNK = 5000


class ExportError(ValueError):
    """An export that cannot be made as asked (unknown park or kind); `str()` is the reason (Chinese)."""


def parse_kinds(text: str | Iterable[str] | None) -> list[str]:
    """`"enterprise,企业月报"` → kind keys in dependency order; all kinds when empty."""
    if not text:
        return list(kind_models())
    names = text.split(",") if isinstance(text, str) else list(text)
    wanted: set[str] = set()
    for name in names:
        if not str(name).strip():
            continue
        kind = kind_for_name(str(name))
        if kind is None:
            raise ExportError(_("未知的台账类型“%(name)s”") % {"name": str(name).strip()})
        wanted.add(kind)
    return [kind for kind in kind_models() if kind in wanted]


def park_codes(park: str) -> list[str]:
    """The park and its sub-parks; ExportError when the park does not exist."""
    if not Park.objects.filter(code=park).exists():
        raise ExportError(_("园区“%(p)s”不存在") % {"p": park})
    return Park.objects.descendant_codes(park)


def _ordering(model: type[LedgerModel]) -> list[str]:
    """The kind's ordering on its own columns (references by their stored code), then its natural key."""
    order: list[str] = []
    for item in [*model._meta.ordering, *model.natural_key_fields]:
        desc = item.startswith("-")
        name = item.lstrip("-")
        try:
            fld = model._meta.get_field(name)
        except Exception:
            continue
        column = fld.attname
        key = f"-{column}" if desc else column
        if column not in {o.lstrip("-") for o in order}:
            order.append(key)
    return order


def kind_queryset(model: type[LedgerModel], codes: list[str] | None) -> QuerySet:
    """The records of a kind (of the parks `codes`, when given), in export order."""
    qs = model._default_manager.all()
    if codes is not None:
        if model.park_path:
            qs = qs.filter(**{f"{model.park_path}__in": codes})
        elif hasattr(model, "subject_model") and "subject_kind" in {f.name for f in model._meta.fields}:
            condition = Q(pk__in=[])
            for key, _label in model._meta.get_field("subject_kind").choices:
                subject = model(subject_kind=key).subject_model()
                condition |= Q(subject_kind=key, subject__in=subject._default_manager.filter(
                    **{f"{subject.park_path}__in": codes}).values(subject._meta.get_field("code").attname))
            qs = qs.filter(condition)
    return qs.order_by(*_ordering(model))


def _cell_rows(model: type[LedgerModel], qs: QuerySet) -> Iterator[list[str]]:
    fields = data_fields(model)
    for values in qs.values_list(*(f.attname for f in fields)).iterator(chunk_size=CHUNK):
        yield [to_cell(fld, value) for fld, value in zip(fields, values, strict=True)]


def export_sheets(*, park: str | None = None, kinds: str | Iterable[str] | None = None) -> dict:
    """kind → (field keys, rows of cells), for every kind asked (lazy: rows are read when iterated)."""
    codes = park_codes(park) if park else None
    sheets = {}
    for kind in parse_kinds(kinds):
        model = kind_models()[kind]
        sheets[kind] = ([f.name for f in data_fields(model)], _cell_rows(model, kind_queryset(model, codes)))
    return sheets


def export_path(path: str | Path, *, park: str | None = None, kinds: str | Iterable[str] | None = None) -> dict:
    """Write the export to `path` (`.xlsx` → a workbook, otherwise a directory of CSV); rows per kind."""
    sheets = export_sheets(park=park, kinds=kinds)
    target = Path(path)
    if target.suffix.lower() == ".xlsx":
        return write_workbook(target, sheets)
    if target.exists() and not target.is_dir():
        raise ExportError(_("“%(p)s”已存在且不是目录：导出为CSV时请给出一个目录，导出为工作簿时请以.xlsx结尾") % {
            "p": target})
    return write_csv_dir(target, sheets)


# ---------------------------------------------------------------------------
# For people: one list with Chinese headers
# ---------------------------------------------------------------------------

_FORMULA_START = ("=", "+", "-", "@")


def _people_value(fld: models.Field, value: Any, choices: dict[str, str] | None, typed: bool) -> Any:
    if value is None or value == "":
        return None if typed else ""
    if not typed and isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value  # a spreadsheet opening the CSV must not run it as a formula
    if choices is not None:
        return choices.get(value, value)
    if isinstance(fld, models.BooleanField):
        return _("是") if value else _("否")
    if typed and isinstance(fld, models.DecimalField | models.IntegerField | models.DateField):
        return value
    return to_cell(fld, value)


def _people_rows(model: type[models.Model], queryset: QuerySet, *, typed: bool) -> Iterator[list[Any]]:
    fields = data_fields(model)
    choices = [dict(choice_labels(f)) if f.choices else None for f in fields]
    for values in queryset.values_list(*(f.attname for f in fields)).iterator(chunk_size=CHUNK):
        yield [_people_value(f, v, c, typed) for f, v, c in zip(fields, values, choices, strict=True)]


def export_queryset(model: type[models.Model], queryset: QuerySet, fmt: str = "xlsx") -> bytes:
    """A list of records as `.xlsx` or `.csv` bytes with Chinese headers (web list pages, the API)."""
    if fmt not in EXPORT_FORMATS:
        raise ExportError(_("不支持的导出格式“%(f)s”（可选：xlsx、csv）") % {"f": fmt})
    header = [field_label(f) for f in data_fields(model)]
    kind = getattr(model, "kind_key", "") or model._meta.model_name
    if fmt == "csv":
        buffer = io.StringIO()
        write_csv(buffer, header, _people_rows(model, queryset, typed=False))
        return buffer.getvalue().encode(CSV_ENCODING)
    data, _counts = workbook_bytes({kind: (header, _people_rows(model, queryset, typed=True))})
    return data
