"""Excel downloads of ledger records for people (the filtered list, a figure's records).

Sheets and files are named in Chinese (`企业月报-2022-10.xlsx`; a sheet name cannot hold
`/ \\ ? * [ ] :`, those become `、`), headers are the fields' labels with their units, an
enterprise's name stands beside its code, and numbers and dates are stored as such.
"""
from __future__ import annotations

import io
import re
from collections.abc import Iterable, Iterator
from typing import Any

from django.db import models
from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from openpyxl import Workbook

from parkledger.core.kinds import data_fields
from parkledger.core.models import Enterprise
from parkledger.dataio.labels import field_label
from parkledger.web.present import country_name, unit_of

__all__ = ["XLSX_TYPE", "queryset_xlsx", "people_workbook", "sheet_title", "xlsx_response"]

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_SHEET_BAD = re.compile(r"[/\\?*\[\]:]")
CHUNK = 2000


def sheet_title(name: str, taken: set[str] | None = None) -> str:
    """A valid, unique sheet name from a Chinese name (`补助/兑现` → `补助、兑现`, ≤ 31 characters)."""
    title = _SHEET_BAD.sub("、", str(name)).strip("'") or "Sheet"
    title = title[:31]
    if taken is not None:
        base, n = title, 2
        while title in taken:
            suffix = f"({n})"
            title = base[: 31 - len(suffix)] + suffix
            n += 1
        taken.add(title)
    return title


def _columns(model: type[models.Model], reimportable: bool) -> list[tuple[str, models.Field, str]]:
    """(header, field, part) of a kind: each field by its label (and unit, unless the file is to
    be imported again); an enterprise's code followed by its name (the importer skips it)."""
    columns = []
    for fld in data_fields(model):
        unit = unit_of(fld)
        label = field_label(fld)
        if unit and unit not in label and not reimportable:
            label = f"{label}（{unit}）"
        columns.append((label, fld, "value"))
        if isinstance(fld, models.ForeignKey) and fld.related_model is Enterprise:
            columns.append((_("企业名称"), fld, "name"))
    return columns


def _value(obj: models.Model, fld: models.Field, part: str, reimportable: bool) -> Any:
    if part == "name":
        related = getattr(obj, fld.name, None) if getattr(obj, fld.attname) else None
        return getattr(related, "name", None)
    value = getattr(obj, fld.attname)
    if value is None or value == "":
        return None
    if fld.choices:
        return str(dict(fld.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if fld.name == "country" and not reimportable:
        return country_name(str(value))
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value  # never a formula
    return value


def _rows(model: type[models.Model], qs: QuerySet, columns, reimportable: bool) -> Iterator[list[Any]]:
    refs = [f.name for f in data_fields(model) if isinstance(f, models.ForeignKey) and f.related_model is Enterprise]
    for obj in qs.select_related(*refs).iterator(chunk_size=CHUNK):
        yield [_value(obj, fld, part, reimportable) for _label, fld, part in columns]


def people_workbook(sheets: Iterable[tuple[type[models.Model], QuerySet]], *, reimportable: bool = False) -> bytes:
    """Several kinds' records, one sheet per kind named by the kind. A `reimportable` workbook
    (a ledger list) keeps the import's headers and codes, so that it can be edited and imported."""
    book = Workbook(write_only=True)
    taken: set[str] = set()
    for model, qs in sheets:
        columns = _columns(model, reimportable)
        sheet = book.create_sheet(sheet_title(model._meta.verbose_name_plural, taken))
        sheet.append([label for label, _fld, _part in columns])
        for row in _rows(model, qs, columns, reimportable):
            sheet.append(row)
    if not taken:
        book.create_sheet(_("无记录")).append([_("没有可导出的记录")])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def queryset_xlsx(model: type[models.Model], qs: QuerySet) -> bytes:
    """One kind's records (a ledger list) as a workbook that can be edited and imported again."""
    return people_workbook([(model, qs)], reimportable=True)


def xlsx_response(content: bytes, stem: str) -> HttpResponse:
    """A download named `<stem>.xlsx` (Chinese names allowed)."""
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, f"{stem}.xlsx")
    return response
