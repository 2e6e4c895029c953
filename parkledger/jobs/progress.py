"""A running job's progress, kept in a small file beside the database.

An import writes everything in one transaction, so its progress cannot go through the database
(other connections would not see it before the end, and SQLite would block the write): the
worker writes `VAR_DIR/jobs/<id>.progress` at most twice a second and the job page reads it.
"""
from __future__ import annotations

import json
import os
import time
from pathlib import Path

from django.conf import settings

__all__ = ["JobProgress", "job_folder", "read_progress", "clear_progress"]

WRITE_EVERY_SECONDS = 0.5


def job_folder() -> Path:
    folder = Path(settings.VAR_DIR) / "jobs"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _path(job_id: int) -> Path:
    return job_folder() / f"{job_id}.progress"


class JobProgress:
    """Counts units done out of `total` (the importer calls `update(n)` and `close()`).

    The importer counts every row twice (read, then written): `units_per_row=2` shows rows.
    """

    def __init__(self, job_id: int, total: int, *, units_per_row: int = 1) -> None:
        self.job_id = job_id
        self.total = total
        self.units_per_row = max(1, units_per_row)
        self.done = 0
        self._written = 0.0
        self._write()

    def update(self, n: int = 1) -> None:
        self.done = min(self.total, self.done + n)
        if time.monotonic() - self._written >= WRITE_EVERY_SECONDS:
            self._write()

    def close(self) -> None:
        self._write()

    def _write(self) -> None:
        target = _path(self.job_id)
        partial = target.with_suffix(".tmp")
        partial.write_text(json.dumps({"done": self.done // self.units_per_row,
                                       "total": self.total // self.units_per_row}))
        os.replace(partial, target)
        self._written = time.monotonic()


def read_progress(job_id: int) -> tuple[int, int] | None:
    """(done, total) of a running job, or None when it wrote none."""
    try:
        data = json.loads(_path(job_id).read_text())
        return int(data["done"]), int(data["total"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def clear_progress(job_id: int) -> None:
    _path(job_id).unlink(missing_ok=True)
