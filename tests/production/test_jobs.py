"""Background jobs: a large import leaves the request for a job whose page shows rows done / total and
the result; a failed job says why in Chinese; nightly backups keep the newest N; the job runner's rules."""
from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from parkledger.governance.models import Hazard
from parkledger.jobs.imports import count_rows
from parkledger.jobs.models import Job, JobKind, JobStatus
from parkledger.jobs.progress import JobProgress, read_progress
from parkledger.jobs.tasks import execute, rotate_backups, submit
from tests.web import data
from tests.web.conftest import make_user

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def hazard_workbook(rows: list[list]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "hazard"
    sheet.append(["inspection", "description", "level", "deadline", "rectified_on"])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def safety_client(client, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    data.build(1)
    user = make_user("safety", "safety_env")
    client.force_login(user)
    client.get("/", {"park": "ECO", "period": data.PERIOD})
    client.user = user
    return client


def _preview(client, content: bytes) -> str:
    response = client.post("/import/", {"file": SimpleUploadedFile("hazards.xlsx", content, content_type=XLSX)},
                           HTTP_HX_REQUEST="true")
    token = response.context["token"]
    assert token
    return token


def test_an_import_over_the_threshold_becomes_a_job_with_its_progress_and_result(safety_client, settings):
    settings.PARKLEDGER_IMPORT_JOB_ROWS = 2
    before = Hazard.objects.count()
    rows = [["INS-0", f"隐患{i}", "general", "2022-07-01", ""] for i in range(3)]
    token = _preview(safety_client, hazard_workbook(rows))
    applied = safety_client.post("/import/apply/", {"token": token})
    job = Job.objects.get()
    assert applied.status_code == 302 and applied["Location"] == f"/jobs/{job.pk}/"
    # the tests' immediate backend has run it already
    assert job.kind == JobKind.IMPORT and job.status == JobStatus.DONE, job.message
    assert (job.done, job.total) == (3, 3)
    assert Hazard.objects.count() == before + 3
    page = safety_client.get(applied["Location"]).content.decode()
    assert "已完成" in page and "已处理 3 / 3 行" in page and "共 3 条记录" in page
    status = safety_client.get(f"/jobs/{job.pk}/status/").json()
    assert status["status"] == "done" and status["done"] == status["total"] == 3
    # the stored copy of the file is gone with the job
    assert not any((Path(settings.VAR_DIR) / "jobs").glob("import-*"))


def test_a_small_import_stays_in_the_request(safety_client, settings):
    settings.PARKLEDGER_IMPORT_JOB_ROWS = 100
    token = _preview(safety_client, hazard_workbook([["INS-0", "隐患", "general", "2022-07-01", ""]]))
    before = Hazard.objects.count()
    applied = safety_client.post("/import/apply/", {"token": token})
    assert not applied.get("Location", "").startswith("/jobs/")
    assert not Job.objects.exists() and Hazard.objects.count() == before + 1


def test_a_failed_import_job_says_why_in_chinese_and_writes_nothing(safety_client, settings):
    settings.PARKLEDGER_IMPORT_JOB_ROWS = 1
    rows = [["INS-0", "隐患一", "general", "2022-07-01", ""], ["INS-0", "隐患二", "general", "2022-07-02", ""]]
    token = _preview(safety_client, hazard_workbook(rows))
    Hazard.objects.filter(description__startswith="隐患").delete()
    # between the preview and the worker the referenced inspection disappears
    from parkledger.governance.models import Inspection

    Hazard.objects.filter(inspection__code="INS-0").delete()
    Inspection.objects.filter(code="INS-0").delete()
    before = Hazard.objects.count()
    safety_client.post("/import/apply/", {"token": token})
    job = Job.objects.get()
    assert job.status == JobStatus.FAILED
    assert "导入未完成，没有写入任何记录" in job.message and "INS-0" in str(job.result["issues"])
    assert Hazard.objects.count() == before
    page = safety_client.get(f"/jobs/{job.pk}/").content.decode()
    assert "失败" in page and "没有写入任何记录" in page


def test_a_job_is_shown_only_to_whoever_submitted_it(safety_client, tmp_path):
    job = submit(JobKind.BACKUP, "备份", {"folder": str(tmp_path / "backups")}, safety_client.user)
    assert safety_client.get(f"/jobs/{job.pk}/").status_code == 200
    other = make_user("other", "safety_env")
    safety_client.force_login(other)
    assert safety_client.get(f"/jobs/{job.pk}/").status_code == 404
    assert safety_client.get(f"/jobs/{job.pk}/status/").status_code == 404


def test_an_unexpected_error_fails_the_job_with_its_reason(db, tmp_path):
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("")
    job = submit(JobKind.BACKUP, "备份", {"folder": str(not_a_folder)})
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.message.startswith("任务出错：")
    assert job.finished_at is not None


def test_a_finished_job_is_not_run_again(db, tmp_path, settings):
    settings.PARKLEDGER_BACKUP_DIR = tmp_path
    job = submit(JobKind.BACKUP, "备份", {"keep": 3})
    assert job.status == JobStatus.DONE
    assert execute(job.pk) == JobStatus.DONE
    assert len(list(tmp_path.glob("parkledger-*.plbak"))) == 1


def test_the_backup_job_keeps_the_newest_backups(db, tmp_path, settings):
    settings.PARKLEDGER_BACKUP_DIR = tmp_path
    for day in ("20220101-020000", "20220102-020000", "20220103-020000"):
        (tmp_path / f"parkledger-{day}.plbak").write_bytes(b"old")
    (tmp_path / "keep-me.plbak").write_bytes(b"not a nightly backup")
    job = submit(JobKind.BACKUP, "每日自动备份", {"keep": 2})
    assert job.status == JobStatus.DONE, job.message
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names[0] == "keep-me.plbak" and "parkledger-20220103-020000.plbak" in names
    assert len([n for n in names if n.startswith("parkledger-")]) == 2
    assert "保留最近 2 份" in job.message and "删除 2 份" in job.message
    assert rotate_backups(tmp_path, 1) and len(list(tmp_path.glob("parkledger-*.plbak"))) == 1


def test_progress_is_written_for_the_job_page(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    progress = JobProgress(7, 200, units_per_row=2)
    progress.update(50)
    progress.close()
    assert read_progress(7) == (25, 100)
    assert read_progress(8) is None


def test_rows_are_counted_without_reading_the_file_into_the_importer(tmp_path):
    csv_file = tmp_path / "hazard.csv"
    csv_file.write_text("inspection,description\nINS-0,\"两行\n的描述\"\nINS-0,b\n", encoding="utf-8")
    assert count_rows(csv_file) == 2
    book = tmp_path / "book.xlsx"
    book.write_bytes(hazard_workbook([["INS-0", "a", "general", "2022-07-01", ""]] * 4))
    assert count_rows(book) == 4


def test_the_jobs_command_backs_up_now_and_queues_for_the_worker(db, tmp_path, settings, capsys):
    from django.core.management import call_command

    settings.PARKLEDGER_BACKUP_DIR = tmp_path
    call_command("jobs", "backup", "--keep", "1")
    call_command("jobs", "backup", "--keep", "1", "--folder", str(tmp_path))
    assert "保留最近 1 份" in capsys.readouterr().out
    assert len(list(tmp_path.glob("parkledger-*.plbak"))) == 1
    call_command("jobs", "list")
    assert capsys.readouterr().out.count(" backup done ") == 2


def test_a_permu_job_for_an_unknown_park_fails_with_the_reason(db, capsys):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError):
        call_command("jobs", "permu", "--park", "NOPE", "--year", "2023")
    job = Job.objects.get()
    assert job.status == JobStatus.FAILED and "NOPE" in job.message


def test_the_job_list_shows_the_users_own_jobs(safety_client, tmp_path):
    mine = submit(JobKind.BACKUP, "我的备份", {"folder": str(tmp_path / "b")}, safety_client.user)
    submit(JobKind.BACKUP, "别人的备份", {"folder": str(tmp_path / "c")})
    page = safety_client.get("/jobs/").content.decode()
    assert "我的备份" in page and f"/jobs/{mine.pk}/" in page and "别人的备份" not in page
