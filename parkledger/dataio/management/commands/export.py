"""`parkledger export [--park CODE] [--kinds K1,K2] -o FILE.xlsx|DIR`: ledgers in the import format."""
from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from parkledger.dataio.exporting import ExportError, export_path
from parkledger.dataio.writers import TooManyRowsError

__all__ = ["Command"]


class Command(BaseCommand):
    help = "导出台账（导入格式）：-o 以 .xlsx 结尾为工作簿（每种台账一张表），否则为每种台账一个CSV的目录"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("-o", "--output", required=True, metavar="FILE.xlsx|DIR", help="输出文件或目录")
        parser.add_argument("--park", metavar="CODE", help="只导出该园区及其下级园区")
        parser.add_argument("--kinds", metavar="K1,K2", help="只导出这些台账类型（键或中文名，逗号分隔）")

    def handle(self, *args, output: str, park: str | None, kinds: str | None, **options) -> None:
        try:
            counts = export_path(output, park=park, kinds=kinds)
        except (ExportError, TooManyRowsError) as exc:
            raise CommandError(str(exc), returncode=2) from exc
        if options.get("verbosity", 1) >= 2:
            for kind, n in counts.items():
                self.stdout.write(f"  {kind}: {n}")
        self.stdout.write(self.style.SUCCESS(
            f"已导出到 {output}：{len(counts)}类台账，共{sum(counts.values())}行"
        ))
