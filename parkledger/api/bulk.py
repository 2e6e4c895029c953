"""Bulk upsert of JSON rows through the importer: the same validation, all or nothing.

The importer knows nothing of API users; while a bulk request runs, `scope_row_check`
(registered with the importer's row checks at start-up) rejects every row the requesting user
may not write: a new record outside his parks, or an update of a stored record he may not change.
"""
from __future__ import annotations

__all__ = ["bulk_upsert", "rows_to_cells", "scope_row_check", "BulkRejected"]

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from rest_framework import exceptions

from parkledger.api.access import can_write_record
from parkledger.api.services import scope_error
from parkledger.core.kinds import data_fields, kind_models
from parkledger.dataio.cells import to_cell

_bulk_user: ContextVar[Any] = ContextVar("parkledger_api_bulk_user", default=None)


class BulkRejected(exceptions.ValidationError):
    """The importer rejected the rows: every issue as an error item (`rows[N].field`)."""

    def __init__(self, items: list[dict[str, Any]]):
        super().__init__(detail=None)
        self.error_items = items


@contextmanager
def _as_bulk_user(user) -> Iterator[None]:
    token = _bulk_user.set(user)
    try:
        yield
    finally:
        _bulk_user.reset(token)


def scope_row_check(model, instance, is_new: bool) -> None:
    """Importer row check: during an API bulk request, the row must be the user's to write."""
    user = _bulk_user.get()
    if user is None:
        return
    if not is_new and instance.pk is not None:
        stored = model._base_manager.filter(pk=instance.pk).first()
        if stored is not None and not can_write_record(user, stored, "change"):
            raise scope_error(stored)
    if not can_write_record(user, instance, "add" if is_new else "change"):
        raise scope_error(instance)


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

    with _as_bulk_user(user):
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
