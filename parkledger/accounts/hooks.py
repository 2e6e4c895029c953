"""Hooking the period lock and the audit log into the importer and exporter.

`parkledger.dataio.hooks` (when present) offers `register_row_check(func)`,
`register_after_import(func)`; this module registers the accounts app's checks there at
start-up (the period check before the audit of the row). An importer that writes rows with
`bulk_create` bypasses model signals: the row check keeps closed months closed and the
after-import hook writes the import's audit entry.
"""
from __future__ import annotations

import importlib
import importlib.util
import logging

__all__ = ["register_dataio_hooks"]

log = logging.getLogger(__name__)


def register_dataio_hooks() -> list[str]:
    """Register with the importer's hooks that exist; returns the names registered."""
    if importlib.util.find_spec("parkledger.dataio.hooks") is None:
        return []
    hooks = importlib.import_module("parkledger.dataio.hooks")
    from parkledger.accounts import dataio_checks

    registered = []
    for hook_name, func in (
        ("register_row_check", dataio_checks.closed_period_row_check),
        ("register_row_check", dataio_checks.audit_import_row),
        ("register_after_import", dataio_checks.audit_import),
    ):
        register = getattr(hooks, hook_name, None)
        if callable(register):
            register(func)
            registered.append(hook_name)
    return registered
