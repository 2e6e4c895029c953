"""`parkledger worker`: run background jobs (django-tasks' database worker) with a heartbeat.

The heartbeat file tells /healthz the worker is alive; the same thread enqueues the nightly
backup once a day after PARKLEDGER_BACKUP_AT (local time, default 02:30; empty turns it off).
"""
from __future__ import annotations

import logging
import os
import socket
import threading
from datetime import datetime

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections
from django.utils import timezone

from parkledger.jobs.health import beat, beat_folder, worker_alive
from parkledger.jobs.models import Job, JobKind, JobStatus

logger = logging.getLogger(__name__)

BEAT_EVERY_SECONDS = 10


def backup_due(now: datetime, at: str) -> bool:
    """Whether tonight's backup should be enqueued: past `at` (HH:MM) and none created today."""
    if not at:
        return False
    hour, _sep, minute = at.partition(":")
    if (now.hour, now.minute) < (int(hour), int(minute or 0)):
        return False
    start = now.replace(hour=0, minute=0, second=0, microsecond=0)
    return not Job.objects.filter(kind=JobKind.BACKUP, created_at__gte=start).exists()


def fail_interrupted_jobs() -> int:
    """Jobs left running by a worker that stopped (no other worker alive): failed, with the reason."""
    return Job.objects.filter(status=JobStatus.RUNNING).update(
        status=JobStatus.FAILED, finished_at=timezone.now(),
        message="后台进程在任务进行中停止（服务器重启或进程被终止），任务未完成；导入类任务没有写入任何记录，请重新提交。")


class Command(BaseCommand):
    help = "Run background jobs (imports, PDF reports, backups, the 亩均 round); started by `parkledger serve`."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", action="store_true", help="run the jobs waiting now, then exit")

    def handle(self, *args, **options) -> None:
        worker_id = f"{socket.gethostname()}-{os.getpid()}"
        if not worker_alive(exclude=worker_id):
            interrupted = fail_interrupted_jobs()
            if interrupted:
                logger.warning("%s job(s) interrupted by the last stop marked failed", interrupted)
        stop = threading.Event()
        beat(worker_id)
        thread = threading.Thread(target=self._heartbeat, args=(worker_id, stop), daemon=True)
        thread.start()
        try:
            worker_options = {"interval": 1, "startup_delay": False, "reload": False}
            if options["batch"]:
                worker_options["batch"] = True
            call_command("db_worker", **worker_options)
        finally:
            stop.set()
            (beat_folder() / f"worker-{worker_id}.beat").unlink(missing_ok=True)

    @staticmethod
    def _heartbeat(worker_id: str, stop: threading.Event) -> None:
        at = os.environ.get("PARKLEDGER_BACKUP_AT", "02:30").strip()
        while not stop.wait(BEAT_EVERY_SECONDS):
            try:
                beat(worker_id)
                if backup_due(timezone.localtime(), at):
                    from parkledger.jobs.tasks import submit

                    submit(JobKind.BACKUP, "每日自动备份", {"keep": settings.PARKLEDGER_BACKUP_KEEP})
            except Exception:  # noqa: BLE001 - a heartbeat problem must not stop the worker
                logger.exception("worker heartbeat")
            finally:
                close_old_connections()
