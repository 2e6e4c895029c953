"""`parkledger import PATH [--park CODE] [--dry-run]`: import ledgers, all or nothing."""
from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError, CommandParser

from parkledger.dataio.importing import import_path
from parkledger.dataio.labels import kind_label

__all__ = ["Command"]


class Command(BaseCommand):
    help = (
        "导入台账：PATH 为 .xlsx 工作簿（每种台账一张表）、<台账类型>.csv 文件或其所在目录。"
        "按自然键新增或更新；任何一行有错则全部不写入，列出每个错误并以状态2退出。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help=".xlsx 工作簿、.csv 文件或 CSV 目录")
        parser.add_argument("--park", metavar="CODE", help="园区代码：未填园区的行归入该园区，其他园区的行报错")
        parser.add_argument("--dry-run", action="store_true", help="只检查，不写入")

    def handle(self, *args, path: str, park: str | None, dry_run: bool, **options) -> None:
        progress = sys.stderr.isatty() and options.get("verbosity", 1) >= 1
        result = import_path(path, park=park, dry_run=dry_run, progress=progress)
        if not result.ok:
            for line in result.issue_lines():
                self.stderr.write(line)
            raise CommandError(
                f"导入失败：共{result.issue_count}个错误，未写入任何数据。", returncode=2
            )
        for kind, counts in result.counts.items():
            self.stdout.write(f"  {kind}（{kind_label(kind)}）：新增{counts['created']}，更新{counts['updated']}")
        verb = "检查通过（--dry-run，未写入）" if dry_run else "导入完成"
        self.stdout.write(self.style.SUCCESS(
            f"{verb}：{result.rows}行，新增{result.created}，更新{result.updated}，用时{result.seconds:.1f}秒"
        ))
