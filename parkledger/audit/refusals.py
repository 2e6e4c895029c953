"""Refusals that outlive the rollback of the transaction they happened in.

A refused write (a closed month, a missing permission) raises inside the writer's transaction,
which then rolls back, and an audit entry written in it would go with it. `audit_refusal`
therefore writes at once only outside a transaction; inside one it queues the entry (for this
thread) and the queue is written on the same connection once the transaction is over:

- after a commit (`transaction.on_commit`: the caller caught the refusal and went on);
- at the end of the request (`request_finished`) or background job (django-tasks'
  `task_finished`), after a rollback;
- at the end of a command-line run (`atexit`), and before the next entry written outside a
  transaction (`flush_if_outside_transaction`, called by `audit_log`).

Why not a second connection: on SQLite the outer transaction holds the database's write lock
until it rolls back, so a second connection could only wait for it (and the test database is
shared-cache memory, where it cannot even wait); on PostgreSQL the outer transaction may hold
the chain's advisory lock (it logged rows before the refusal), and a second connection waiting
for it in the same thread would deadlock. Writing after the transaction on the same connection
takes the chain's lock only when nothing else holds it, on both databases.
"""
from __future__ import annotations

import atexit
import logging
import threading
from typing import Any

from django.core.signals import request_finished
from django.db import connection, models, transaction

from parkledger.accounts.context import current_actor
from parkledger.audit.models import AuditAction, AuditResult

__all__ = ["audit_refusal", "in_app_transaction", "watch_import_rows", "flush_refusals", "flush_if_outside_transaction", "pending_refusals", "discard_refusals"]

log = logging.getLogger(__name__)
_local = threading.local()


def _queue() -> list[dict[str, Any]]:
    queue = getattr(_local, "queue", None)
    if queue is None:
        queue = _local.queue = []
    return queue


def _watched() -> list[tuple[type, list, dict[str, Any]]]:
    watched = getattr(_local, "watched", None)
    if watched is None:
        watched = _local.watched = []
    return watched


def pending_refusals() -> int:
    return len(_queue()) + sum(1 for _model, changes, _base in _watched() for c in changes if c.rejections)


def discard_refusals() -> None:
    """Forget this thread's queued refusals (a test starting)."""
    _queue().clear()
    _watched().clear()


def watch_import_rows(model: type[models.Model], changes: list) -> None:
    """The importer's batch row check (`parkledger.dataio.hooks`): keep the kind's rows, whose
    rejections the checks after this one add (closed months, permissions), until the import's
    transaction is over; then each rejected row gets a denied entry (`_import_refusals`)."""
    from parkledger.audit.log import object_kind

    actor = current_actor()
    watched = _watched()
    # the rows of the earlier calls (batches, kinds) have been through every check by now: only
    # the refused ones are kept, so a long import does not hold all its rows until it ends
    watched[:] = [(m, kept, b) for m, earlier, b in watched if (kept := [c for c in earlier if c.rejections])]
    watched.append((model, changes, {"user_id": actor.user_id, "username": actor.username[:150], "ip": actor.ip,
                                     "object_kind": object_kind(model)}))
    transaction.on_commit(flush_refusals)


def _import_refusals() -> list[dict[str, Any]]:
    """One entry per rejected imported row: closed months (a rejection under a dating field) as
    封账期拒绝修改, any other rejection as 越权访问; the row's sheet, number and reasons in detail."""
    from parkledger.audit.log import natural_key_getter, record_snapshot
    from parkledger.periods.locks import PERIOD_FIELDS

    entries: list[dict[str, Any]] = []
    watched = list(_watched())
    _watched().clear()
    for model, changes, base in watched:
        rejected = [change for change in changes if change.rejections]
        if not rejected:
            continue
        dating = {name.split("__", 1)[0] for name in PERIOD_FIELDS.get(getattr(model, "kind_key", ""), ())}
        natural_key = natural_key_getter(model)
        for change in rejected:
            closed = any(field_name in dating for _reason, field_name in change.rejections)
            instance = change.instance
            entries.append({
                **base, "result": str(AuditResult.DENIED),
                "action": str(AuditAction.PERIOD_REFUSED if closed else AuditAction.PERM_DENIED),
                "object_pk": "" if change.is_new or instance.pk is None else str(instance.pk),
                "natural_key": natural_key(instance), "before": None, "after": record_snapshot(instance),
                "detail": {"via": "import", "attempted": "create" if change.is_new else "change",
                           "park": change.park, "sheet": change.sheet, "row": change.row,
                           "reasons": [reason for reason, _field in change.rejections]},
            })
    return entries


def in_app_transaction() -> bool:
    """Whether an atomic block of the application is open (a test case's own blocks, which
    stand for the database's state between tests, do not count)."""
    return any(not getattr(block, "_from_testcase", False) for block in connection.atomic_blocks)


def audit_refusal(
    action: str, *, obj: models.Model | None = None, user: Any = None, result: str = AuditResult.DENIED,
    detail: dict[str, Any] | None = None, before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None, kind: str = "",
) -> None:
    """Audit a refused action (result denied or failure) so that the entry survives the rollback
    of the surrounding transaction (module docstring). The actor and the object are taken now."""
    from parkledger.audit.log import _entry_fields

    fields = _entry_fields(action, obj=obj, user=user, result=result, detail=detail, before=before,
                           after=after, kind=kind)
    if not in_app_transaction():
        flush_refusals()
        _write([fields])
        return
    _queue().append(fields)
    transaction.on_commit(flush_refusals)


def _write(batch: list[dict[str, Any]]) -> None:
    from parkledger.audit.log import _append

    for fields in batch:
        _append(**fields)


def flush_refusals(**_signal_kwargs: Any) -> int:
    """Write this thread's queued refusals now; returns how many (never raises: logged)."""
    from parkledger.audit.log import append_entries

    queue = _queue()
    if not queue and not _watched():
        return 0
    batch = list(queue)
    queue.clear()
    try:
        imported = _import_refusals()
        _write(batch)
        append_entries(imported)
    except Exception as exc:  # the boundary must not fail: the refusal itself was answered
        log.error("audit: refusal(s) not written: %s", exc)
        return 0
    return len(batch) + len(imported)


def flush_if_outside_transaction() -> None:
    if (getattr(_local, "queue", None) or getattr(_local, "watched", None)) and not in_app_transaction():
        flush_refusals()


request_finished.connect(flush_refusals, dispatch_uid="parkledger_audit_flush_refusals")
atexit.register(flush_refusals)
try:  # background jobs (django-tasks): the end of each job is a boundary too
    from django_tasks.signals import task_finished
except ImportError:  # pragma: no cover - the job queue is optional
    pass
else:
    task_finished.connect(flush_refusals, dispatch_uid="parkledger_audit_flush_refusals_task")
