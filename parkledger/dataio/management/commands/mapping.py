"""`parkledger mapping list|show NAME|export NAME -o FILE.json`: the saved column mappings of mapped imports."""
from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from parkledger.dataio.models import SavedMapping

__all__ = ["Command"]


class Command(BaseCommand):
    help = _("已保存的导入映射：list 列出，show NAME 显示各列对应，export NAME -o FILE.json 导出为文件")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["list", "show", "export"])
        parser.add_argument("name", nargs="?", help=_("映射名称"))
        parser.add_argument("-o", "--output", metavar="FILE.json", help=_("导出到的文件"))

    def handle(self, *args, action: str, name: str | None, output: str | None, **options) -> None:
        if action == "list":
            rows = SavedMapping.objects.select_related("created_by").order_by("name")
            if not rows:
                self.stdout.write(_("还没有保存的映射（parkledger import FILE --kind KIND --save-mapping NAME 保存）"))
            for saved in rows:
                used = sum(1 for col in saved.columns if col.get("field"))
                self.stdout.write(_("%(name)s\t%(kind)s\t园区：%(park)s\t%(n)d列\t%(by)s\t%(at)s") % {
                    "name": saved.name, "kind": saved.kind, "park": saved.park_id or "-", "n": used,
                    "by": getattr(saved.created_by, "username", "-") or "-", "at": saved.updated_at.strftime("%Y-%m-%d")})
            return
        if not name:
            raise CommandError(_("请给出映射名称"), returncode=2)
        saved = SavedMapping.objects.filter(name=name).first()
        if saved is None:
            raise CommandError(_("没有名为“%(n)s”的映射") % {"n": name}, returncode=2)
        from parkledger.dataio.mapping.describe import describe_mapping
        from parkledger.dataio.mapping.saved import from_json, mapping_json

        data = mapping_json(saved)
        if action == "show":
            mapping = from_json(data)
            mapping.name = saved.name
            for line in describe_mapping(mapping):
                self.stdout.write(line)
            return
        if not output:
            raise CommandError(_("请用 -o 指定导出文件"), returncode=2)
        Path(output).write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
        self.stdout.write(_("已导出到%(f)s") % {"f": output})
