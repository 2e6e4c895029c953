"""The accounts app's importer hooks (registered by `parkledger.accounts.hooks`).

The importer writes rows with SQL upserts, which bypass model signals, so these hooks do for
imported rows what the signals do for saved ones:
- `closed_period_row_check`: rejects a row that creates, changes or moves a record in a
  closed month (the import then writes nothing and names the row);
- `audit_import_row`: appends the row's create/change entry with its values before and after
  (inside the import's transaction: a rolled-back import leaves no entries);
- `audit_import`: after a committed import, one entry with the file and the counts.
"""
from __future__ import annotations

from typing import Any

from django.db import models

from parkledger.accounts.audit import audit_log, record_snapshot
from parkledger.accounts.context import current_actor
from parkledger.accounts.models import AuditAction, AuditResult
from parkledger.accounts.periods import check_record_write

__all__ = ["closed_period_row_check", "audit_import_row", "audit_import", "audit_export"]


_UNSET = object()


def _stored(model: type[models.Model], instance: models.Model, is_new: bool) -> models.Model | None:
    """The stored record an imported row updates (read once for both hooks)."""
    cached = getattr(instance, "_pl_stored", _UNSET)
    if cached is not _UNSET:
        return cached
    stored = None if is_new or instance.pk is None else model._base_manager.filter(pk=instance.pk).first()
    instance._pl_stored = stored
    return stored


def closed_period_row_check(model: type[models.Model], instance: models.Model, is_new: bool) -> None:
    """Raise PeriodClosedError (a ValidationError) for a row touching a closed month."""
    locks = check_record_write(_stored(model, instance, is_new), instance, user_id=current_actor().user_id)
    instance._pl_corrections = [
        {"unlock_id": lock.unlock.pk, "park": lock.park, "month": lock.month, "reason": lock.unlock.reason}
        for lock in locks if lock.unlock is not None
    ]


def audit_import_row(model: type[models.Model], instance: models.Model, is_new: bool) -> None:
    """The audit entry of one imported row (nothing for a row that changes nothing)."""
    old = _stored(model, instance, is_new)
    before = record_snapshot(old) if old is not None else None
    after = record_snapshot(instance)
    if before == after:
        return
    detail: dict[str, Any] = {"via": "import"}
    corrections = getattr(instance, "_pl_corrections", None)
    if corrections:
        detail["correction"] = corrections
    audit_log(
        AuditAction.CREATE if old is None else AuditAction.CHANGE,
        obj=instance, before=before, after=after, detail=detail,
    )


def audit_import(result: Any, user: Any) -> None:
    """One entry per committed import: the source, the rows and what each kind gained."""
    audit_log(
        AuditAction.IMPORT, user=user, result=AuditResult.SUCCESS,
        detail={
            "source": str(getattr(result, "source", "")),
            "rows": getattr(result, "rows", None),
            "counts": getattr(result, "counts", None),
        },
    )


def audit_export(*, kinds: Any = None, park: str | None = None, fmt: str = "", rows: int | None = None,
                 user: Any = None, target: str = "") -> None:
    """One entry per export (call it from every export: web, API, command line)."""
    audit_log(
        AuditAction.EXPORT, user=user, kind=kinds if isinstance(kinds, str) else "",
        detail={"kinds": kinds, "park": park, "format": fmt, "rows": rows, "target": target},
    )
