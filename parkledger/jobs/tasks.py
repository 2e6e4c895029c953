"""The job runner on django-tasks: one task, `run_job(job_id)`, dispatching on the job's kind.

`submit(kind, title, params, user)` records a `Job` and enqueues it: the database backend keeps
it until `parkledger worker` takes it (it survives a restart of the web server); the tests' and
the command line's immediate backend run it at once. A failure is stored on the job in Chinese.
"""
from __future__ import annotations

import logging
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from parkledger.jobs.models import Job, JobKind, JobStatus
from parkledger.jobs.progress import JobProgress, clear_progress, job_folder

__all__ = ["JobFailed", "submit", "run_job", "execute", "rotate_backups", "HANDLERS"]

logger = logging.getLogger(__name__)


class JobFailed(Exception):
    """A job that could not do its work; the message (Chinese) is shown on the job page."""

    def __init__(self, message: str, result: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.result = result or {}


Outcome = tuple[str, dict[str, Any], str]  # message, result, output file (relative to VAR_DIR)


def _user(job: Job) -> Any:
    return job.created_by if job.created_by_id else None


def _relative(path: Path) -> str:
    return str(path.relative_to(Path(settings.VAR_DIR)))


def _import(job: Job) -> Outcome:
    from parkledger.dataio.importing import import_path

    source = Path(settings.VAR_DIR) / job.params["path"]
    if not source.exists():
        raise JobFailed(_("待导入的文件已不存在，请重新上传。"))
    try:
        result = import_path(
            source, park=job.params.get("park") or None, user=_user(job),
            progress=lambda units: JobProgress(job.pk, units, units_per_row=2),
        )
    finally:
        shutil.rmtree(source.parent, ignore_errors=True)
    counts = result.counts or {}
    outcome = {
        "rows": result.rows, "seconds": round(result.seconds, 1), "counts": counts,
        "issues": [{"sheet": i.sheet, "row": i.row, "column": i.column, "reason": i.reason} for i in result.issues],
        "more_issues": result.more_issues,
    }
    if not result.ok:
        first = result.issues[0] if result.issues else None
        where = f"{first.sheet} {_('第%(row)s行') % {'row': first.row} if first.row else ''} {first.column}".strip() \
            if first else ""
        reason = f"{where}：{first.reason}" if first else ""
        raise JobFailed(_("导入未完成，没有写入任何记录。") + (f"{reason}" if reason else ""), outcome)
    total = sum(c.get("created", 0) + c.get("updated", 0) for c in counts.values())
    return _("已导入“%(name)s”：共 %(n)s 条记录。") % {"name": job.params.get("name", ""), "n": total}, outcome, ""


def _pdf(job: Job) -> Outcome:
    from parkledger.reports.models import ReportTemplate
    from parkledger.reports.renderers import render
    from parkledger.reports.renderers.pdf import PdfConversionFailed, PdfUnavailable
    from parkledger.reports.services import build_report, report_filename
    from parkledger.web.access import audit_export

    park, period = job.params["park"], job.params["period"]
    template = ReportTemplate.objects.filter(pk=job.params.get("template") or None).first()
    try:
        if template is not None and template.current_version is not None:
            document = build_report(park, period, template=template)
        else:
            document = build_report(park, period)
        pdf = render(document, "pdf")
    except (ValueError, PdfUnavailable, PdfConversionFailed) as exc:
        raise JobFailed(_("未能生成 PDF：%(e)s") % {"e": exc}) from exc
    target = job_folder() / str(job.pk) / report_filename(document, "pdf")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(pdf)
    if job.created_by_id:  # a download from the web: audited as the web's own downloads are
        audit_export(job.created_by, kinds="report", park=park, fmt="pdf", target=f"report {period}")
    return _("已生成 PDF 报告（%(kb)s KB）。") % {"kb": max(1, len(pdf) // 1024)}, {"bytes": len(pdf)}, _relative(target)


def rotate_backups(folder: Path, keep: int) -> list[Path]:
    """Delete all but the newest `keep` nightly backups in `folder`; returns the deleted files."""
    backups = sorted(folder.glob("parkledger-*.plbak"), key=lambda p: p.name, reverse=True)
    removed = backups[max(keep, 1):]
    for path in removed:
        path.unlink(missing_ok=True)
    return removed


def _backup(job: Job) -> Outcome:
    from parkledger.accounts.backup import backup_database

    folder = Path(job.params.get("folder") or settings.PARKLEDGER_BACKUP_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = f"parkledger-{timezone.localtime():%Y%m%d-%H%M%S}"
    target = folder / f"{stamp}.plbak"
    for n in range(2, 100):  # two backups in one second keep both
        if not target.exists():
            break
        target = folder / f"{stamp}-{n}.plbak"
    try:
        manifest = backup_database(target)
    except OSError as exc:
        target.unlink(missing_ok=True)
        raise JobFailed(_("备份写入失败：%(e)s") % {"e": exc}) from exc
    keep = int(job.params.get("keep") or settings.PARKLEDGER_BACKUP_KEEP)
    removed = rotate_backups(folder, keep)
    message = _("已备份 %(rows)s 行数据到 %(file)s；保留最近 %(keep)s 份，删除 %(n)s 份旧备份。") % {
        "rows": manifest["total_rows"], "file": target.name, "keep": keep, "n": len(removed)}
    return message, {"file": str(target), "rows": manifest["total_rows"], "removed": [p.name for p in removed]}, ""


def _permu(job: Job) -> Outcome:
    from parkledger.economy.management.commands.permu import render_summary
    from parkledger.economy.permu import PermuRoundClosed, permu_round_compute, root_park
    from parkledger.periods.locks import PeriodClosedError

    year = int(job.params["year"])
    try:
        summary = permu_round_compute(root_park(job.params["park"]), year)
    except (ValueError, PermuRoundClosed, PeriodClosedError) as exc:
        raise JobFailed(" ".join(getattr(exc, "messages", None) or [str(exc)])) from exc
    lines = render_summary(summary)
    head = (_("已有导入的评价结果，以导入结果为准，未重新计算。") if summary.imported
            else _("已计算并保存%(n)s家企业的评价结果。") % {"n": summary.total})
    return head, {"lines": lines}, ""


HANDLERS: dict[str, Callable[[Job], Outcome]] = {
    JobKind.IMPORT: _import,
    JobKind.PDF: _pdf,
    JobKind.BACKUP: _backup,
    JobKind.PERMU: _permu,
}


def execute(job_id: int) -> str:
    """Run a job once (a job already finished or running elsewhere is left alone); returns its status."""
    claimed = Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, started_at=timezone.now())
    job = Job.objects.select_related("created_by").filter(pk=job_id).first()
    if job is None or not claimed:
        return job.status if job else "missing"
    try:
        message, result, output = HANDLERS[job.kind](job)
        job.status = JobStatus.DONE
    except JobFailed as exc:
        message, result, output = str(exc), exc.result, ""
        job.status = JobStatus.FAILED
    except Exception as exc:  # noqa: BLE001 - any error ends the job with its reason shown
        logger.exception("job %s failed", job_id)
        message, result, output = _("任务出错：%(e)s") % {"e": f"{type(exc).__name__}: {exc}"}, {}, ""
        job.status = JobStatus.FAILED
    progress = result.get("rows") if job.kind == JobKind.IMPORT else None
    if progress is not None:
        job.total = int(progress)
        job.done = job.total if job.status == JobStatus.DONE else 0
    job.message, job.result, job.output = message[:4000], result, output
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "message", "result", "output", "finished_at", "done", "total"])
    clear_progress(job.pk)
    return job.status


@task()
def run_job(job_id: int) -> str:
    return execute(job_id)


def submit(kind: str, title: str, params: dict[str, Any], user: Any = None, *, total: int = 0,
           now: bool = False) -> Job:
    """Record a job and hand it to the worker (or run it now: `now`, or the immediate backend)."""
    user_id = getattr(user, "pk", None) if user is not None and getattr(user, "is_authenticated", False) else None
    job = Job.objects.create(kind=kind, title=title[:200], params=params, total=total, created_by_id=user_id)
    if now:
        execute(job.pk)
    else:
        task_result = run_job.enqueue(job.pk)
        Job.objects.filter(pk=job.pk).update(task_id=str(task_result.id)[:64])
    job.refresh_from_db()
    return job
