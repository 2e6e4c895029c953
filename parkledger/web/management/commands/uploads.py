"""`parkledger uploads purge [--older-than SECONDS]`: delete previewed import files not applied in time."""
from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from parkledger.web.uploads import MAX_AGE_SECONDS, purge_uploads

__all__ = ["Command"]


class Command(BaseCommand):
    help = _("上传后预览但未导入的文件：purge 删除超过一小时的文件（每次上传时也会清理）")

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        purge = sub.add_parser("purge", help=_("删除过期的待导入文件"))
        purge.add_argument("--older-than", type=int, default=MAX_AGE_SECONDS, metavar="SECONDS",
                           help=_("删除早于这么多秒之前上传的文件（默认3600）"))

    def handle(self, *args, action: str, older_than: int = MAX_AGE_SECONDS, **options) -> None:
        files, size = purge_uploads(max_age=max(older_than, 0))
        self.stdout.write(_("已删除 %(files)d 个待导入文件，共 %(mb).1fMB") % {"files": files, "mb": size / (1 << 20)})
