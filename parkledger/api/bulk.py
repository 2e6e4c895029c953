"""Bulk upsert of JSON rows through the importer: the same validation, all or nothing."""
from __future__ import annotations

__all__ = ["bulk_upsert", "rows_to_cells"]

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from rest_framework import exceptions

from parkledger.core.kinds import data_fields, kind_models
from parkledger.dataio.cells import to_cell


def rows_to_cells(kind: str, rows: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Type-checked rows (keys = attnames, Python values) → the importer's cells (keys = field keys, text)."""
    fields = {fld.attname: fld for fld in data_fields(kind_models()[kind])}
    return [{fields[attname].name: to_cell(fields[attname], value) for attname, value in row.items()} for row in rows]


def _issue_item(issue: Any) -> dict[str, Any]:
    """One importer issue → an error item (`rows[N].field`; N counts from 0 like the request's list)."""
    row = getattr(issue, "row", None)
    column = getattr(issue, "column", None) or getattr(issue, "field", None)
    message = getattr(issue, "message", None) or str(issue)
    field = None
    if isinstance(row, int):
        index = row - getattr(issue, "row_base", 1) if getattr(issue, "row_base", None) is not None else row
        field = f"rows[{index}]" + (f".{column}" if column else "")
    elif column:
        field = str(column)
    return {"field": field, "message": str(message), "code": getattr(issue, "code", None) or "invalid"}


def bulk_upsert(*, kind: str, rows: list[dict[str, Any]], dry_run: bool, user) -> dict[str, Any]:
    """Upsert `rows` of `kind` atomically; raises a 400 listing every row error."""
    from parkledger.dataio.importing import import_rows

    cells = rows_to_cells(kind, rows)
    try:
        result = import_rows(kind, cells, dry_run=dry_run, user=user)
    except ValidationError as exc:
        raise exceptions.ValidationError({"rows": exc.messages}) from exc
    if not result.ok:
        items = [_issue_item(issue) for issue in result.issues] or [
            {"field": "rows", "message": _("导入失败"), "code": "invalid"}
        ]
        raise BulkRejected(items)
    return {"dry_run": dry_run, "counts": dict(result.counts)}


class BulkRejected(exceptions.ValidationError):
    """The importer rejected the rows: every issue as an error item."""

    def __init__(self, items: list[dict[str, Any]]):
        super().__init__(detail=None)
        self.error_items = items
