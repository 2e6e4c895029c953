"""/healthz for the operator's monitoring, and a job's page (status, rows done / total, result)."""
from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from parkledger.jobs.health import run_checks
from parkledger.jobs.models import Job, JobStatus
from parkledger.jobs.progress import read_progress

__all__ = ["healthz", "job_list", "job_detail", "job_status", "job_output"]


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """200 `{"status": "ok", ...}` when all is up; 503 with `"down": [names]` otherwise. No login."""
    checks = run_checks()
    down = [name for name, ok in checks.items() if not ok]
    body = {"status": "down" if down else "ok", "checks": {n: "ok" if ok else "down" for n, ok in checks.items()}}
    if down:
        body["down"] = down
    return JsonResponse(body, status=503 if down else 200)


def _job_for(request: HttpRequest, pk: int) -> Job:
    job = get_object_or_404(Job.objects.select_related("created_by"), pk=pk)
    if job.created_by_id != request.user.pk and not request.user.is_superuser:
        raise Http404
    return job


def _progress(job: Job) -> tuple[int, int]:
    if job.status == JobStatus.RUNNING:
        live = read_progress(job.pk)
        if live is not None:
            return live
    return job.done, job.total


def _status(job: Job) -> dict:
    done, total = _progress(job)
    return {
        "id": job.pk, "kind": job.kind, "status": job.status, "status_label": job.get_status_display(),
        "done": done, "total": total, "finished": job.finished, "message": job.message,
        "has_output": bool(job.output),
    }


@login_required
def job_list(request: HttpRequest) -> HttpResponse:
    """The user's recent jobs (a superuser sees everyone's)."""
    from parkledger.web.views.base import render_page

    jobs = Job.objects.select_related("created_by")
    if not request.user.is_superuser:
        jobs = jobs.filter(created_by=request.user)
    return render_page(request, "jobs/job_list.html", {"jobs": list(jobs[:50])})


@login_required
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job_for(request, pk)
    status = _status(job)
    percent = 100 if job.status == JobStatus.DONE else (
        min(99, status["done"] * 100 // status["total"]) if status["total"] else 0)
    context = {"job": job, "status": status, "percent": percent}
    from parkledger.web.views.base import render_page

    return render_page(request, "jobs/job.html", context)


@login_required
def job_status(request: HttpRequest, pk: int) -> JsonResponse:
    return JsonResponse(_status(_job_for(request, pk)))


@login_required
def job_output(request: HttpRequest, pk: int) -> FileResponse:
    job = _job_for(request, pk)
    if job.status != JobStatus.DONE or not job.output:
        raise Http404
    path = (settings.VAR_DIR / job.output).resolve()
    if not path.is_relative_to(settings.VAR_DIR.resolve()) or not path.exists():
        raise Http404
    return FileResponse(path.open("rb"), as_attachment=True, filename=path.name)
