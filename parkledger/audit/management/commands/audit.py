"""`parkledger audit verify|export|purge|keygen|rechain`: the audit log from the command line.

- `keygen [--if-missing]`: create the MAC key file (`$PARKLEDGER_VAR_DIR/audit.key`, mode 0600;
  `make setup` runs it with --if-missing); nothing to do when `PARKLEDGER_AUDIT_KEY` is set.
- `rechain`: seal a log written before the key existed with a key checkpoint (the first
  audited action under a key does the same; see `parkledger.audit.log`).
"""
from __future__ import annotations

import os
import sys
from datetime import datetime, time, timedelta

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from parkledger.accounts.conf import security_setting
from parkledger.audit.keys import KEY_ENV, AuditKeyMissing, create_key_file, key_file, load_key
from parkledger.audit.log import (
    PurgeUnavailable,
    RetentionError,
    audit_log,
    export_csv,
    purge_before,
    seal_legacy_chain,
    verify_chain,
)
from parkledger.audit.models import AuditAction, AuditEntry


class Command(BaseCommand):
    help = "Verify the audit log's MAC chain, export it as CSV, purge entries past the retention period, or create its key."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="recompute the MAC chain and compare it with the anchors; exit status 1 when "
                                      "an entry was edited or deleted, the tail cut, a checkpoint forged or the key wrong")
        keygen = sub.add_parser("keygen", help="create the audit key file (32 random bytes as hex, mode 0600)")
        keygen.add_argument("--if-missing", action="store_true", help="do nothing when a key is already configured")
        sub.add_parser("rechain", help="seal a log written before the key with a MAC'd key checkpoint")
        export = sub.add_parser("export", help="write entries as CSV (UTF-8 with BOM)")
        export.add_argument("-o", "--output", required=True, help="CSV file, or - for standard output")
        export.add_argument("--since", help="first day YYYY-MM-DD")
        export.add_argument("--until", help="last day YYYY-MM-DD")
        purge = sub.add_parser("purge", help="delete entries older than a date (refused inside the retention period)")
        purge.add_argument("--before", required=True, help="YYYY-MM-DD: delete entries before this day")

    def handle(self, *args, **options) -> None:
        getattr(self, f"do_{options['action']}")(options)

    def do_keygen(self, options) -> None:
        if options["if_missing"]:
            try:
                found = load_key(create=False)
            except AuditKeyMissing:
                found = None
            if found is not None:
                self.stdout.write(f"audit key already configured ({found.source}, id {found.key_id})")
                return
        elif os.environ.get(KEY_ENV):
            raise CommandError(f"{KEY_ENV} is set: the key comes from the environment, no file is written")
        try:
            path = create_key_file()
        except FileExistsError as exc:
            raise CommandError(f"{key_file()} exists: a new key would make the log unverifiable") from exc
        self.stdout.write(f"audit key written to {path} (id {load_key(create=False).key_id}); "
                          "back it up apart from the database")

    def do_rechain(self, options) -> None:
        sealed = self._key_needed(seal_legacy_chain)
        if sealed is None:
            self.stdout.write("nothing to seal: the log is empty, already MAC'd from its start, or already sealed")
        else:
            self.stdout.write(f"sealed entries #{sealed.detail['legacy_first']}–#{sealed.detail['legacy_last']} "
                              f"with the key checkpoint #{sealed.seq}")

    @staticmethod
    def _key_needed(func, *args):
        try:
            return func(*args)
        except AuditKeyMissing as exc:
            raise CommandError(str(exc)) from exc

    def do_verify(self, options) -> None:
        report = self._key_needed(verify_chain)
        for note in report.notes:
            self.stdout.write(f"note: {note}")
        if report.ok and not report.checked:
            self.stdout.write("OK: the audit log is empty")
            return
        if report.ok:
            anchored = f", anchored to #{report.anchor_seq}" if report.anchor_seq is not None else ""
            self.stdout.write(
                f"OK: {report.checked} entries (#{report.first_seq}–#{report.last_seq}), head {report.head_hash}"
                f"{anchored}, key id {report.key_id}"
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
        except (RetentionError, PurgeUnavailable, AuditKeyMissing) as exc:
            raise CommandError(str(exc)) from exc
        days = security_setting("AUDIT_RETENTION_DAYS")
        self.stdout.write(f"purged {count} entries before {options['before']} (retention {days} days); checkpoint appended")
