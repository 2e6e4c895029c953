"""`parkledger import PATH [--park CODE] [--dry-run]`: import ledgers, all or nothing."""
from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parkledger.dataio.importing import import_path
from parkledger.dataio.labels import kind_label

__all__ = ["Command"]


class Command(BaseCommand):
    help = gettext_lazy(
        "导入台账：PATH 为 .xlsx 工作簿（每种台账一张表）、<台账类型>.csv 文件或其所在目录。"
        "按自然键新增或更新；任何一行有错则全部不写入，列出每个错误并以状态2退出。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help=_(".xlsx 工作簿、.csv 文件或 CSV 目录"))
        parser.add_argument("--park", metavar="CODE", help=_("园区代码：未填园区的行归入该园区，其他园区的行报错"))
        parser.add_argument("--dry-run", action="store_true", help=_("只检查，不写入"))

    def handle(self, *args, path: str, park: str | None, dry_run: bool, **options) -> None:
        progress = sys.stderr.isatty() and options.get("verbosity", 1) >= 1
        result = import_path(path, park=park, dry_run=dry_run, progress=progress)
        if not result.ok:
            for line in result.issue_lines():
                self.stderr.write(line)
            raise CommandError(
                _("导入失败：共%(n)d个错误，未写入任何数据。") % {"n": result.issue_count}, returncode=2
            )
        for kind, counts in result.counts.items():
            self.stdout.write(_("  %(kind)s（%(label)s）：新增%(created)d，更新%(updated)d") % {
                "kind": kind, "label": kind_label(kind), **counts})
        verb = _("检查通过（--dry-run，未写入）") if dry_run else _("导入完成")
        self.stdout.write(self.style.SUCCESS(_("%(verb)s：%(rows)d行，新增%(created)d，更新%(updated)d，用时%(s).1f秒") % {
            "verb": verb, "rows": result.rows, "created": result.created, "updated": result.updated,
            "s": result.seconds}))
