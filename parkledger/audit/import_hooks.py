"""The audit log's importer hooks (registered by `parkledger.audit.hooks`).

The importer writes rows with SQL upserts, which bypass model signals, so these hooks do for
imported rows what the signals do for saved ones, each once per kind of an import (the batch
hooks of `parkledger.dataio.hooks`), never with a query per row:
- `audit_import_rows`: right after a kind's rows are written, inside the import's transaction
  (a rolled-back import leaves no entries), one entry per created or changed record with its
  values before and after, chained and inserted in bulk;
- `audit_import`: after a committed import, one entry with the file and the counts.
"""
from __future__ import annotations

from pathlib import PurePath
from typing import Any

from django.db import models

from parkledger.accounts.context import current_actor, current_request
from parkledger.audit.log import (
    append_entries,
    audit_log,
    canonical_json,
    instance_values,
    jsonable,
    natural_key_getter,
    object_kind,
    record_snapshot,
    record_snapshot_json,
    snapshot_values,
    stored_values_getter,
)
from parkledger.audit.models import AuditAction, AuditResult
from parkledger.dataio.hooks import import_source

__all__ = ["audit_import_rows", "audit_import", "audit_export"]


def audit_import_rows(model: type[models.Model], changes: list) -> None:
    """The audit entries of a kind's imported rows (nothing for a row that changes nothing)."""
    actor = current_actor()
    common = {"user_id": actor.user_id, "username": actor.username[:150], "ip": actor.ip,
              "result": str(AuditResult.SUCCESS), "object_kind": object_kind(model)}
    request = current_request()
    via = "api" if request is not None and str(getattr(request, "path", "")).startswith("/api/") else "import"
    plain_detail: dict[str, Any] = {"via": via}  # one object for every row without a correction
    name = PurePath(import_source().replace("\\", "/")).name if via == "import" else ""
    if name:
        plain_detail["source"] = name  # the file's name (the history shows 导入：十月月报.xlsx)
    natural_key = natural_key_getter(model)
    create, change_ = str(AuditAction.CREATE), str(AuditAction.CHANGE)
    entries: list[dict[str, Any]] = []
    stored_values = stored_values_getter(model)
    for change in changes:
        instance = change.instance
        if change.before is None:
            before, after = None, instance  # snapshot while the entries are written (`_after_json`)
        else:
            if stored_values(change.before) == instance_values(model, instance):
                continue  # the row repeats the stored values (compared as Python values: 10 == 10.0000)
            before_values = snapshot_values(model, change.before)
            after_values = record_snapshot(instance)
            if before_values == after_values:
                continue
            before, after = canonical_json(before_values), canonical_json(after_values)
        detail = plain_detail
        corrections = getattr(instance, "_pl_corrections", None)
        if corrections:
            detail = {**plain_detail, "correction": jsonable(corrections)}
        entries.append({
            "action": create if before is None else change_,
            "object_pk": "" if instance.pk is None else str(instance.pk),
            "natural_key": natural_key(instance),
            "before": before, "after": after, "detail": detail,
        })
    append_entries(entries, common=common, encode={"before": str, "after": _after_json})


def _after_json(after: Any) -> str:
    """An entry's `after` as canonical JSON: a created record's snapshot, made as the entries are
    written (PostgreSQL stores the entries before it meanwhile); a changed one's, made already."""
    return after if after.__class__ is str else record_snapshot_json(after)


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
                 user: Any = None, target: str = "", **extra: Any) -> None:
    """One entry per export (call it from every export: web, API, command line). `user` is a
    user, a user name, or None for the current actor (`cli:<os user>` on the command line);
    `extra` adds details (a report's period and template)."""
    audit_log(
        AuditAction.EXPORT, user=user, kind=kinds if isinstance(kinds, str) else "",
        detail={"kinds": kinds, "park": park, "format": fmt, "rows": rows, "target": target, **extra},
    )
