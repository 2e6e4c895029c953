"""A report's PDF leaves the request when it would be slow: no persistent converter answers (a one-shot
LibreOffice takes seconds) and a worker runs the queue. With the converter up it stays in the request."""
from __future__ import annotations

from typing import Any

from django.conf import settings

from parkledger.jobs.health import converter_alive
from parkledger.jobs.models import Job, JobKind
from parkledger.jobs.tasks import submit
from parkledger.reports.renderers.pdf import soffice_path

__all__ = ["submit_pdf"]


def _queued_backend() -> bool:
    backend = str(settings.TASKS.get("default", {}).get("BACKEND", ""))
    return "immediate" not in backend.lower() and "dummy" not in backend.lower()


def submit_pdf(park: str, period: str, template: Any, user: Any) -> Job | None:
    """A job rendering the PDF of `park`/`period` with `template` (None: the default), or None."""
    if soffice_path() is None or not _queued_backend() or converter_alive(timeout=0.2):
        return None
    params = {"park": park, "period": period, "template": getattr(template, "pk", None)}
    return submit(JobKind.PDF, f"{park} {period} 工作报告（PDF）", params, user)
