"""Bulk upsert of JSON rows through the importer: the same validation, all or nothing.

The importer runs as the requesting user, so the write gate (`parkledger.accounts.gate`, through
the importer's hooks) refuses every row he may not write, as it does in the web import: a row of
a kind he may not import, a new record outside his parks, a change of a stored record he may not
change; a reference to a record outside his scope reads as one to nothing.
"""
from __future__ import annotations

__all__ = ["bulk_upsert", "rows_to_cells", "BulkRejected"]

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from rest_framework import exceptions

from parkledger.core.kinds import data_fields, kind_models
from parkledger.dataio.cells import to_cell


class BulkRejected(exceptions.ValidationError):
    """The importer rejected the rows: every issue as an error item (`rows[N].field`)."""

    def __init__(self, items: list[dict[str, Any]]):
        super().__init__(detail=None)
        self.error_items = items


def rows_to_cells(kind: str, rows: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Type-checked rows (keys = attnames, Python values) → the importer's cells (keys = field keys, text)."""
    fields = {fld.attname: fld for fld in data_fields(kind_models()[kind])}
    return [{fields[attname].name: to_cell(fields[attname], value) for attname, value in row.items()} for row in rows]


def _issue_item(issue) -> dict[str, Any]:
    """An importer issue (row 1 = the first row) → an error item on `rows[row - 1].column`."""
    if issue.row is None:
        field = f"rows.{issue.column}" if issue.column else "rows"
    else:
        field = f"rows[{issue.row - 1}]" + (f".{issue.column}" if issue.column else "")
    return {"field": field, "message": issue.reason, "code": "invalid"}


def bulk_upsert(*, kind: str, rows: list[dict[str, Any]], dry_run: bool, user) -> dict[str, Any]:
    """Upsert `rows` of `kind` all or nothing; raises `BulkRejected` listing every row error."""
    from parkledger.dataio.importing import import_rows

    try:
        result = import_rows(kind, rows_to_cells(kind, rows), dry_run=dry_run, user=user)
    except ValidationError as exc:
        raise exceptions.ValidationError({"rows": exc.messages}) from exc
    if not result.ok:
        items = [_issue_item(issue) for issue in result.issues]
        if result.more_issues:
            items.append({
                "field": "rows", "code": "more_errors",
                "message": _("另有 %(count)d 处错误未列出") % {"count": result.more_issues},
            })
        raise BulkRejected(items)
    counts = result.counts.get(kind, {})
    return {
        "dry_run": dry_run,
        "created": int(counts.get("created", 0)),
        "updated": int(counts.get("updated", 0)),
    }
