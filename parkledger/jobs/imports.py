"""Large imports leave the request: the web's apply step hands a file of many rows to the worker."""
from __future__ import annotations

import csv
import re
import secrets
import shutil
from pathlib import Path
from typing import Any

from django.conf import settings

from parkledger.jobs.models import Job, JobKind
from parkledger.jobs.progress import job_folder
from parkledger.jobs.tasks import submit

__all__ = ["count_rows", "submit_import"]


def count_rows(path: Path) -> int:
    """Data rows of a CSV file or of every sheet of a workbook (headers not counted; cheap estimate)."""
    if path.suffix.lower() == ".csv":
        with path.open("r", encoding="utf-8-sig", errors="replace", newline="") as fileobj:
            return max(sum(1 for _row in csv.reader(fileobj)) - 1, 0)
    try:
        from python_calamine import CalamineWorkbook

        book = CalamineWorkbook.from_path(str(path))
        return sum(max(book.get_sheet_by_name(name).height - 1, 0) for name in book.sheet_names)
    except Exception:  # noqa: BLE001 - an unreadable file is left to the importer, which says why
        return 0


def _safe_name(name: str) -> str:
    cleaned = re.sub(r"[^\w.\-\u4e00-\u9fff]+", "_", Path(name.replace("\\", "/")).name).lstrip(".")
    return cleaned[:120] or "upload"


def submit_import(path: Path, name: str, *, park: str | None, user: Any) -> Job | None:
    """A job applying `path` when it has more rows than PARKLEDGER_IMPORT_JOB_ROWS, else None."""
    rows = count_rows(path)
    if rows <= settings.PARKLEDGER_IMPORT_JOB_ROWS:
        return None
    folder = job_folder() / f"import-{secrets.token_hex(8)}"
    folder.mkdir(parents=True)
    target = folder / _safe_name(name)
    if not target.suffix:
        target = target.with_suffix(path.suffix)
    shutil.copyfile(path, target)
    params = {"path": str(target.relative_to(Path(settings.VAR_DIR))), "name": name, "park": park or ""}
    return submit(JobKind.IMPORT, name, params, user, total=rows)
