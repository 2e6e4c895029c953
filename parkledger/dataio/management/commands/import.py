"""`parkledger import PATH [--park CODE] [--dry-run] [--user NAME]`: import ledgers, all or nothing.

Run from the server's shell the import is the operator's; with `--user` it is that user's, under
his permissions (the write gate refuses each row he could not write in a form) and in his name
in the audit log.

With `--kind KIND` (or `--mapping`), PATH is any sheet staff already have (.xlsx, .xls, .ods,
.csv in UTF-8 or GBK): its columns are mapped to the kind's fields (`parkledger.dataio.mapping`),
the mapping is printed, then the rows go through the same importer.
"""
from __future__ import annotations

import sys

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from parkledger.core.kinds import kind_models
from parkledger.dataio.importing import import_path
from parkledger.dataio.labels import kind_for_name, kind_label
from parkledger.lib.periods import parse_month

__all__ = ["Command"]


class Command(BaseCommand):
    help = _(
        "导入台账：PATH 为 .xlsx 工作簿（每种台账一张表）、<台账类型>.csv 文件或其所在目录。"
        "按自然键新增或更新；任何一行有错则全部不写入，列出每个错误并以状态2退出。"
        "加 --kind 时 PATH 可为任意格式的表格（.xlsx、.xls、.ods、.csv），按列对应导入。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help=_(".xlsx 工作簿、.csv 文件或 CSV 目录"))
        parser.add_argument("--park", metavar="CODE", help=_("园区代码：未填园区的行归入该园区，其他园区的行报错"))
        parser.add_argument("--dry-run", action="store_true", help=_("只检查，不写入"))
        parser.add_argument("--kind", metavar="KIND", help=_("台账类型（如 enterprise_month）：按列对应导入任意表格"))
        parser.add_argument("--month", metavar="YYYY-MM", help=_("表中没有写明月份时的月份"))
        parser.add_argument("--mapping", metavar="NAME|FILE.json", help=_("使用已保存的映射或映射文件"))
        parser.add_argument("--save-mapping", metavar="NAME", help=_("导入成功后把所用映射保存为该名称"))
        parser.add_argument("--user", metavar="NAME", help=_("以该用户的身份和权限导入（默认：服务器操作员）"))

    def handle(self, *args, path: str, park: str | None, dry_run: bool, **options) -> None:
        importer = None
        if options.get("user"):
            importer = get_user_model().objects.filter(username=options["user"], is_active=True).first()
            if importer is None:
                raise CommandError(_("没有这个在用的用户：%(name)s") % {"name": options["user"]}, returncode=2)
        if options.get("kind") or options.get("mapping"):
            self._mapped(path, park=park, dry_run=dry_run, importer=importer, **options)
            return
        progress = sys.stderr.isatty() and options.get("verbosity", 1) >= 1
        result = import_path(path, park=park, dry_run=dry_run, progress=progress, user=importer)
        self._report(result, dry_run)

    def _report(self, result, dry_run: bool) -> None:
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

    def _mapped(self, path: str, *, park: str | None, dry_run: bool, importer=None, **options) -> None:
        from parkledger.dataio.mapping import MappingNeeded, mapped_import, read_source, resolve_mapping
        from parkledger.dataio.mapping.describe import describe_mapping, unmapped_help
        from parkledger.dataio.mapping.run import known_labels
        from parkledger.dataio.mapping.saved import load_mapping, save_mapping

        kind = options.get("kind")
        if kind:
            kind = kind_for_name(kind)
            if kind is None:
                raise CommandError(_("未知的台账类型“%(k)s”，可选：%(all)s") % {
                    "k": options["kind"], "all": "、".join(kind_models())}, returncode=2)
        month = options.get("month")
        if month:
            try:
                parse_month(month)
            except ValueError as exc:
                raise CommandError(str(exc), returncode=2) from None
        given = None
        if options.get("mapping"):
            try:
                given = load_mapping(options["mapping"], park)
            except ValueError as exc:
                raise CommandError(str(exc), returncode=2) from None
        wanted = kind or (given.kind if given else None)
        sheet = read_source(path, wanted, known_labels(wanted, park, given))
        if sheet.errors:
            for issue in sheet.errors:
                self.stderr.write(str(issue))
            raise CommandError(_("无法读取该文件，未写入任何数据。"), returncode=2)
        try:
            mapping = resolve_mapping(sheet, kind, month=month, park=park, mapping=given)
            for line in describe_mapping(mapping):
                self.stdout.write(line)
            problems = mapping.problems()
            if problems:
                raise MappingNeeded(mapping, problems)
            result, mapping = mapped_import(path, mapping.kind, month=mapping.month, mapping=mapping, park=park,
                                            dry_run=dry_run, sheet=sheet, user=importer)
        except MappingNeeded as exc:
            for line in exc.problems:
                self.stderr.write(line)
            for line in unmapped_help(exc.mapping):
                self.stderr.write(line)
            raise CommandError(_("列对应不完整，未写入任何数据：请用 --kind、--month 补充，或用 --mapping 指定映射文件。"),
                               returncode=2) from None
        self._report(result, dry_run)
        name = options.get("save_mapping")
        if name and mapping is not None:
            try:
                save_mapping(name, mapping, park=park)
            except ValueError as exc:
                raise CommandError(str(exc), returncode=2) from None
            self.stdout.write(_("映射已保存为“%(n)s”，表头相同的文件以后将自动使用。") % {"n": name})
