"""`parkledger backup -o FILE`: a consistent backup of every table (see parkledger.accounts.backup)."""
from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser

from parkledger.accounts.backup import backup_database


class Command(BaseCommand):
    help = "Write a backup of the whole database (a tar of data.json.gz and manifest.json with checksums)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("-o", "--output", required=True, help="backup file to write, e.g. var/backups/2022-09-30.plbak")

    def handle(self, *args, **options) -> None:
        manifest = backup_database(options["output"])
        tables = sum(1 for n in manifest["counts"].values() if n)
        self.stdout.write(
            f"{manifest['total_rows']} rows of {tables} tables → {options['output']} (sha256 {manifest['data_sha256'][:16]}…)"
        )
