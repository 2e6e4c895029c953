"""The real queue: with django-tasks' database backend a job waits in the database until
`parkledger worker` takes it (so it survives a restart of the web server); the worker's heartbeat
and the failure of jobs cut off by a stop."""
from __future__ import annotations

import pytest
from django.core.management import call_command
from django.utils import timezone

from parkledger.jobs import health
from parkledger.jobs.management.commands.worker import backup_due, fail_interrupted_jobs
from parkledger.jobs.models import Job, JobKind, JobStatus
from parkledger.jobs.tasks import submit


@pytest.fixture
def database_queue(settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.VAR_DIR = tmp_path
    settings.PARKLEDGER_BACKUP_DIR = tmp_path / "backups"


@pytest.mark.django_db(transaction=True)
def test_a_queued_job_waits_in_the_database_until_the_worker_runs_it(database_queue, tmp_path):
    from django_tasks_db.models import DBTaskResult

    job = submit(JobKind.BACKUP, "数据备份", {"keep": 2})
    assert job.status == JobStatus.QUEUED and job.task_id
    assert DBTaskResult.objects.filter(id=job.task_id).exists()
    call_command("worker", "--batch")  # a worker started later (after a restart) takes it
    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.message
    assert len(list((tmp_path / "backups").glob("parkledger-*.plbak"))) == 1
    # the worker removed its heartbeat when it stopped
    assert not health.worker_alive()


def test_jobs_cut_off_by_a_stop_are_failed_with_the_reason(db):
    running = Job.objects.create(kind=JobKind.IMPORT, title="big.xlsx", status=JobStatus.RUNNING)
    done = Job.objects.create(kind=JobKind.BACKUP, title="b", status=JobStatus.DONE)
    assert fail_interrupted_jobs() == 1
    running.refresh_from_db()
    done.refresh_from_db()
    assert running.status == JobStatus.FAILED and "没有写入任何记录" in running.message
    assert done.status == JobStatus.DONE


def test_the_nightly_backup_is_due_once_a_day_after_its_time(db):
    now = timezone.localtime().replace(hour=3, minute=0)
    assert backup_due(now, "02:30")
    assert not backup_due(now.replace(hour=2, minute=0), "02:30")
    assert not backup_due(now, "")
    Job.objects.create(kind=JobKind.BACKUP, title="每日自动备份")
    assert not backup_due(timezone.localtime().replace(hour=23, minute=59), "00:00")


@pytest.mark.django_db(transaction=True)
def test_without_a_converter_the_report_pdf_is_rendered_by_the_worker(database_queue, client, monkeypatch):
    from parkledger.jobs import reports
    from parkledger.reports.renderers.pdf import soffice_path
    from tests.web import data
    from tests.web.conftest import make_user

    if soffice_path() is None:
        pytest.skip("LibreOffice is not installed (make system-deps)")
    monkeypatch.setattr(reports, "converter_alive", lambda timeout=1.0: False)
    data.build(1)
    client.force_login(make_user("leader", "leader"))
    client.get("/", {"park": "ECO", "period": data.PERIOD})
    response = client.get("/reports/download/", {"fmt": "pdf"})
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/jobs/{job.pk}/"
    assert job.kind == JobKind.PDF and job.status == JobStatus.QUEUED
    assert "排队中" in client.get(response["Location"]).content.decode()
    call_command("worker", "--batch")
    job.refresh_from_db()
    assert job.status == JobStatus.DONE, job.message
    download = client.get(f"/jobs/{job.pk}/file/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert f'filename="ECO-{data.PERIOD}.pdf"' in download["Content-Disposition"]
    # with the converter up (or no queue, as in the other tests) the PDF stays in the request
    monkeypatch.setattr(reports, "converter_alive", lambda timeout=1.0: True)
    assert reports.submit_pdf("ECO", data.PERIOD, None, None) is None
