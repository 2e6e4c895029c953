"""`parkledger audit verify|export|purge`: the audit log from the command line."""
from __future__ import annotations

import sys
from datetime import datetime, time, timedelta

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from parkledger.accounts.conf import security_setting
from parkledger.audit.log import RetentionError, audit_log, export_csv, purge_before, verify_chain
from parkledger.audit.models import AuditAction, AuditEntry


class Command(BaseCommand):
    help = "Verify the audit log's hash chain, export it as CSV, or purge entries past the retention period."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="recompute the hash chain; exit status 1 when an entry was edited or deleted")
        export = sub.add_parser("export", help="write entries as CSV (UTF-8 with BOM)")
        export.add_argument("-o", "--output", required=True, help="CSV file, or - for standard output")
        export.add_argument("--since", help="first day YYYY-MM-DD")
        export.add_argument("--until", help="last day YYYY-MM-DD")
        purge = sub.add_parser("purge", help="delete entries older than a date (refused inside the retention period)")
        purge.add_argument("--before", required=True, help="YYYY-MM-DD: delete entries before this day")

    def handle(self, *args, **options) -> None:
        getattr(self, f"do_{options['action']}")(options)

    def do_verify(self, options) -> None:
        report = verify_chain()
        if report.ok and not report.checked:
            self.stdout.write("OK: the audit log is empty")
            return
        if report.ok:
            self.stdout.write(
                f"OK: {report.checked} entries (#{report.first_seq}–#{report.last_seq}), head {report.head_hash}"
            )
            return
        for problem in report.problems:
            self.stderr.write(problem)
        raise CommandError(f"audit log verification failed: {len(report.problems)} problem(s) in {report.checked} entries",
                           returncode=1)

    @staticmethod
    def _day(text: str | None, *, end: bool = False) -> datetime | None:
        if not text:
            return None
        try:
            day = datetime.strptime(text, "%Y-%m-%d").date()
        except ValueError as exc:
            raise CommandError(f"not a date (YYYY-MM-DD): {text}") from exc
        if end:
            day += timedelta(days=1)
        return timezone.make_aware(datetime.combine(day, time.min))

    def do_export(self, options) -> None:
        qs = AuditEntry.objects.order_by("seq")
        since, until = self._day(options["since"]), self._day(options["until"], end=True)
        if since:
            qs = qs.filter(time__gte=since)
        if until:
            qs = qs.filter(time__lt=until)
        target = options["output"]
        if target == "-":
            count = export_csv(sys.stdout, qs.iterator(chunk_size=2000))
        else:
            with open(target, "w", encoding="utf-8-sig", newline="") as fh:
                count = export_csv(fh, qs.iterator(chunk_size=2000))
        audit_log(AuditAction.AUDIT_EXPORT, detail={"target": target, "rows": count,
                                                    "since": options["since"], "until": options["until"]})
        if target != "-":
            self.stdout.write(f"{count} entries → {target}")

    def do_purge(self, options) -> None:
        cutoff = self._day(options["before"])
        try:
            count = purge_before(cutoff)
        except RetentionError as exc:
            raise CommandError(str(exc)) from exc
        days = security_setting("AUDIT_RETENTION_DAYS")
        self.stdout.write(f"purged {count} entries before {options['before']} (retention {days} days); checkpoint appended")
