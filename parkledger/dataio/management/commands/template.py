"""`parkledger template -o FILE.xlsx [--kinds K1,K2]`: an empty workbook to fill in and import."""
from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from parkledger.dataio.exporting import ExportError
from parkledger.dataio.templates import write_template

__all__ = ["Command"]


class Command(BaseCommand):
    help = _("生成导入模板：每种台账一张表，第1行中文表头、第2行字段键，选项列有下拉框")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("-o", "--output", required=True, metavar="FILE.xlsx", help=_("输出的 .xlsx 文件"))
        parser.add_argument("--kinds", metavar="K1,K2", help=_("只包含这些台账类型（键或中文名，逗号分隔）"))

    def handle(self, *args, output: str, kinds: str | None, **options) -> None:
        if not output.lower().endswith(".xlsx"):
            raise CommandError(_("模板须为 .xlsx 文件"), returncode=2)
        try:
            count = write_template(output, kinds=kinds)
        except ExportError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        self.stdout.write(self.style.SUCCESS(_("已生成模板 %(path)s：%(n)d类台账") % {"path": output, "n": count}))
