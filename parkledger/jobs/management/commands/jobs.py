"""`parkledger jobs …`: long work from the command line — run now (cron, systemd timers) or `--queue`d
for the worker — and the list of recent jobs.

    parkledger jobs backup [--keep 14] [--folder DIR] [--queue]   nightly backup with retention
    parkledger jobs permu --park ECO --year 2023 [--queue]        the 亩均 round
    parkledger jobs pdf --park ECO --period 2022-09 [--queue]     the report as PDF (a file under VAR_DIR/jobs)
    parkledger jobs list [--limit 20]
"""
from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from parkledger.jobs.models import Job, JobKind, JobStatus
from parkledger.jobs.tasks import submit


class Command(BaseCommand):
    help = "Run or queue background jobs (backup with retention, the 亩均 round, a PDF report); list recent jobs."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        backup = sub.add_parser("backup", help="back up the database, keeping the newest --keep backups")
        backup.add_argument("--keep", type=int, default=None, help="backups to keep (PARKLEDGER_BACKUP_KEEP)")
        backup.add_argument("--folder", default=None, help="folder (PARKLEDGER_BACKUP_DIR, default var/backups)")
        permu = sub.add_parser("permu", help="compute the 亩均 round of a park's evaluation year")
        permu.add_argument("--park", required=True)
        permu.add_argument("--year", required=True, type=int)
        pdf = sub.add_parser("pdf", help="render the work report as PDF")
        pdf.add_argument("--park", required=True)
        pdf.add_argument("--period", required=True)
        for command in (backup, permu, pdf):
            command.add_argument("--queue", action="store_true", help="leave it to `parkledger worker`")
        listing = sub.add_parser("list", help="recent jobs")
        listing.add_argument("--limit", type=int, default=20)

    def handle(self, *args, **options) -> None:
        action = options["action"]
        if action == "list":
            for job in Job.objects.all()[: options["limit"]]:
                self.stdout.write(f"#{job.pk} {job.kind} {job.status} {job.created_at:%Y-%m-%d %H:%M} "
                                  f"{job.title} {job.message[:120]}")
            return
        if action == "backup":
            params = {"keep": options["keep"] or settings.PARKLEDGER_BACKUP_KEEP}
            if options["folder"]:
                params["folder"] = options["folder"]
            kind, title = JobKind.BACKUP, "数据备份"
        elif action == "permu":
            params = {"park": options["park"], "year": options["year"]}
            kind, title = JobKind.PERMU, f"{options['park']} {options['year']}年度亩均效益评价"
        else:
            params = {"park": options["park"], "period": options["period"]}
            kind, title = JobKind.PDF, f"{options['park']} {options['period']} 工作报告"
        job = submit(kind, title, params, now=not options["queue"])
        if options["queue"]:
            self.stdout.write(f"#{job.pk} queued")
            return
        if job.status != JobStatus.DONE:
            raise CommandError(job.message or job.get_status_display())
        self.stdout.write(job.message)
        for line in job.result.get("lines", []):
            self.stdout.write(line)
        if job.output:
            self.stdout.write(str(settings.VAR_DIR / job.output))
