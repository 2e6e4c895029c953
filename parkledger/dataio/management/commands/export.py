"""`parkledger export [--park CODE] [--kinds K1,K2] -o FILE.xlsx|DIR`: ledgers in the import format."""
from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from parkledger.dataio import hooks
from parkledger.dataio.exporting import ExportError, export_path
from parkledger.dataio.writers import TooManyRowsError

__all__ = ["Command"]


class Command(BaseCommand):
    help = _("导出台账（导入格式）：-o 以 .xlsx 结尾为工作簿（每种台账一张表），否则为每种台账一个CSV的目录")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("-o", "--output", required=True, metavar="FILE.xlsx|DIR", help=_("输出文件或目录"))
        parser.add_argument("--park", metavar="CODE", help=_("只导出该园区及其下级园区"))
        parser.add_argument("--kinds", metavar="K1,K2", help=_("只导出这些台账类型（键或中文名，逗号分隔）"))
        parser.add_argument("--user", default="", help=_("审计日志记录的导出人用户名（不给则记为操作系统用户）"))

    def handle(self, *args, output: str, park: str | None, kinds: str | None, user: str = "", **options) -> None:
        exporter = None
        if user:
            exporter = get_user_model().objects.filter(username=user).first()
            if exporter is None:
                raise CommandError(_("用户“%(user)s”不存在") % {"user": user}, returncode=2)
        try:
            counts = export_path(output, park=park, kinds=kinds)
        except (ExportError, TooManyRowsError) as exc:
            raise CommandError(str(exc), returncode=2) from exc
        for hook in hooks.after_export_hooks():
            hook(kinds=list(counts), park=park, fmt="xlsx" if output.lower().endswith(".xlsx") else "csv",
                 rows=sum(counts.values()), user=exporter, target=output)
        if options.get("verbosity", 1) >= 2:
            for kind, n in counts.items():
                self.stdout.write(f"  {kind}: {n}")
        self.stdout.write(self.style.SUCCESS(_("已导出到 %(path)s：%(kinds)d类台账，共%(rows)d行") % {
            "path": output, "kinds": len(counts), "rows": sum(counts.values())}))
