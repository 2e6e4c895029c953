"""`parkledger restore FILE [--force]`: restore a backup into an empty database."""
from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from parkledger.accounts.backup import BackupError, restore_database


class Command(BaseCommand):
    help = ("Restore a backup written by `parkledger backup` into an empty database migrated to the same "
            "version (--force replaces the data of a non-empty one).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="backup file")
        parser.add_argument("--force", action="store_true", help="replace all data of a database that is not empty")

    def handle(self, *args, **options) -> None:
        try:
            report = restore_database(options["file"], force=options["force"])
        except (BackupError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        total = sum(report.counts.values())
        self.stdout.write(f"restored {total} rows from {options['file']} (backup of {report.manifest['created_at']})")
        if report.audit_problems:
            for problem in report.audit_problems:
                self.stderr.write(problem)
            raise CommandError("the restored audit log does not verify", returncode=1)
