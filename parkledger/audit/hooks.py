"""Hooking the audit log into the importer.

The importer writes rows with SQL upserts, which bypass model signals: the rows-written hook
(`parkledger.dataio.hooks`, called once per kind of an import) logs each created or changed
record, the after-import hook writes the import's summary entry and the after-export hook an
entry per `parkledger export` run. Registered at start-up by
the audit app.
"""
from __future__ import annotations

from parkledger.audit import import_hooks, refusals
from parkledger.dataio import hooks

__all__ = ["register_dataio_hooks"]


def register_dataio_hooks() -> None:
    hooks.register_rows_check(refusals.watch_import_rows)
    hooks.register_rows_written(import_hooks.audit_import_rows)
    hooks.register_after_import(import_hooks.audit_import)
    hooks.register_after_export(import_hooks.audit_export)
