"""What /healthz checks: the database, its migrations, free disk, the worker, the PDF converter.

Each check answers True (up) or False (down); nothing else (no versions, paths or numbers) is shown.
"""
from __future__ import annotations

import json
import os
import shutil
import socket
import time
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor

__all__ = ["CHECKS", "run_checks", "pending_migrations", "worker_alive", "converter_address", "converter_alive",
           "beat", "beat_folder", "BEAT_FRESH_SECONDS"]

BEAT_FRESH_SECONDS = 60
_migrations_ok_until = 0.0


def pending_migrations() -> list[str]:
    """Migrations not applied to the default database, as `app.name`."""
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]


def database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone()[0] == 1
    except DatabaseError:
        return False


def migrations_ok() -> bool:
    global _migrations_ok_until
    if time.monotonic() < _migrations_ok_until:
        return True
    try:
        ok = not pending_migrations()
    except DatabaseError:
        return False
    if ok:
        _migrations_ok_until = time.monotonic() + 60
    return ok


def disk_ok() -> bool:
    try:
        free = shutil.disk_usage(settings.VAR_DIR).free
    except OSError:
        return False
    return free >= settings.PARKLEDGER_MIN_FREE_MB * 1024 * 1024


def beat_folder() -> Path:
    folder = Path(settings.VAR_DIR) / "run"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def beat(worker_id: str) -> None:
    """The worker's heartbeat: a file per worker process, rewritten every few seconds."""
    target = beat_folder() / f"worker-{worker_id}.beat"
    partial = target.with_suffix(".tmp")
    partial.write_text(json.dumps({"pid": os.getpid(), "host": socket.gethostname(), "at": time.time()}))
    os.replace(partial, target)


def worker_alive(*, exclude: str | None = None) -> bool:
    limit = time.time() - BEAT_FRESH_SECONDS
    for path in beat_folder().glob("worker-*.beat"):
        if exclude and path.name == f"worker-{exclude}.beat":
            continue
        try:
            if path.stat().st_mtime >= limit:
                return True
        except OSError:
            continue
    return False


def converter_address() -> tuple[str, int] | None:
    value = (settings.PARKLEDGER_UNOSERVER or "").strip()
    if not value:
        return None
    host, _sep, port = value.rpartition(":")
    try:
        return (host or "127.0.0.1", int(port))
    except ValueError:
        return None


def converter_alive(timeout: float = 1.0) -> bool:
    address = converter_address()
    if address is None:
        return False
    try:
        with socket.create_connection(address, timeout=timeout):
            return True
    except OSError:
        return False


CHECKS: dict[str, Callable[[], bool]] = {
    "database": database_ok,
    "migrations": migrations_ok,
    "disk": disk_ok,
    "worker": worker_alive,
    "pdf_converter": converter_alive,
}


def run_checks() -> dict[str, bool]:
    """Every check by name; without a database the migrations count as down too."""
    results: dict[str, bool] = {}
    for name, check in CHECKS.items():
        results[name] = False if name == "migrations" and not results["database"] else check()
    return results
