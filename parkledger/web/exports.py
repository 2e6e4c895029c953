"""Excel downloads of ledger records (the filtered list, a figure's records)."""
from __future__ import annotations

import importlib.util
from collections.abc import Mapping

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils import timezone

from parkledger.dataio.cells import header, rows_as_cells
from parkledger.dataio.writers import workbook_bytes

__all__ = ["XLSX_TYPE", "queryset_xlsx", "querysets_xlsx", "xlsx_response"]

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def queryset_xlsx(model, qs: QuerySet) -> bytes:
    """One kind's records as a workbook, through the shared exporter when it is installed."""
    if importlib.util.find_spec("parkledger.dataio.exporting") is not None:
        from parkledger.dataio.exporting import export_queryset

        return export_queryset(model, qs, fmt="xlsx")
    return querysets_xlsx({model.kind_key: (model, qs)})


def querysets_xlsx(sheets: Mapping[str, tuple[type, QuerySet]]) -> bytes:
    """Several kinds' records, one sheet per kind (sheet name = kind key)."""
    data, _counts = workbook_bytes({
        name: (header(model), rows_as_cells(model, qs.iterator(chunk_size=2000)))
        for name, (model, qs) in sheets.items()
    })
    return data


def xlsx_response(content: bytes, stem: str) -> HttpResponse:
    """A download response named `<stem>-<YYYYMMDD-HHMM>.xlsx`."""
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{stem}-{stamp}.xlsx"'
    return response
