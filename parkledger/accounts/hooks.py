"""Hooking the period lock and the audit log into the importer and exporter.

`parkledger.dataio.hooks` (when present) offers batch hooks called once per kind of an import
(`register_rows_check`, `register_rows_written`) and `register_after_import`; this module
registers the accounts app's hooks there at start-up. The importer writes rows with SQL
upserts, which bypass model signals: the rows check keeps closed months closed, the
rows-written hook logs each created or changed record, and the after-import hook writes the
import's summary entry.
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
        ("register_rows_check", dataio_checks.closed_period_rows_check),
        ("register_rows_written", dataio_checks.audit_import_rows),
        ("register_after_import", dataio_checks.audit_import),
    ):
        register = getattr(hooks, hook_name, None)
        if callable(register):
            register(func)
            registered.append(hook_name)
    return registered
