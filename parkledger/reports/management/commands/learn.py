"""`parkledger learn FILE`: learn a report template from last year's report (.docx or .txt)."""
from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError, IntegrityError, transaction

from parkledger.reports.learning import (
    EMPTY_CATALOGUE,
    LearnInputError,
    catalogue_for_park,
    learn,
    read_path,
)
from parkledger.reports.models import ReportTemplate
from parkledger.reports.sandbox import ReportTemplateError
from parkledger.reports.services import save_template_version

__all__ = ["Command"]

LOW_CONFIDENCE = 0.75


class Command(BaseCommand):
    help = "从去年的工作报告（.docx/.txt，数字可为实数或 X）学习报告模板：找出每个数字并绑定指标"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", metavar="FILE", help="去年的报告：.docx 或 .txt（UTF-8 / GB18030）")
        parser.add_argument("-o", "--output", default="", metavar="TEMPLATE",
                            help="模板输出文件；不给则写到标准输出")
        parser.add_argument("--report", default="", metavar="BINDINGS.json",
                            help="把每处识别结果（位置、类别、数值、单位、类型、期间、指标键、置信度）写成 JSON")
        parser.add_argument("--park", default="", metavar="CODE",
                            help="园区代码：用本园区的平台、项目等名称确定带参数的指标，并把园区名称写成变量")
        parser.add_argument("--save", default="", metavar="NAME",
                            help="保存为本园区的报告模板（新版本），需同时给 --park")

    def handle(self, *args, file: str, output: str, report: str, park: str, save: str, **options) -> None:
        if save and not park:
            raise CommandError("--save 需要同时给出 --park", returncode=2)
        try:
            source = read_path(file)
        except LearnInputError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        try:
            catalogue = catalogue_for_park(park) if park else EMPTY_CATALOGUE
        except ValueError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        except DatabaseError as exc:
            raise CommandError(f"数据库不可用或尚未迁移（parkledger migrate）：{exc}") from exc
        try:
            result = learn(source, catalogue=catalogue)
        except LearnInputError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        self._summary(result)
        if report:
            self._write(report, json.dumps(result.report(), ensure_ascii=False, indent=1) + "\n")
            self.stderr.write(f"已写出识别结果：{report}（{len(result.detections)} 处）")
        if save:
            self._save(park, save, result.template, Path(file).name)
        if output:
            self._write(output, result.template)
            self.stderr.write(f"已生成模板：{output}")
        elif not save:
            sys.stdout.flush()
            self.stdout.write(result.template, ending="")

    def _summary(self, result) -> None:
        counts = Counter(d.cls for d in result.detections)
        figures = result.figures
        bound = [d for d in figures if d.key]
        low = [d for d in bound if d.confidence < LOW_CONFIDENCE]
        names = {"figure": "数字", "name": "名称", "spec": "规格", "phrase": "固定用语", "date": "日期/期间"}
        self.stderr.write("识别：" + "，".join(f"{names[c]}{counts.get(c, 0)}处" for c in names))
        self.stderr.write(f"数字绑定指标 {len(bound)}/{len(figures)}，其中置信度低于{LOW_CONFIDENCE} 的 {len(low)} 处")
        if result.dropped:
            self.stderr.write(f"不属于正文、已略去的行：{len(result.dropped)} 行")
        for det in low:
            self.stderr.write(f"  请核对：{det.text} → {det.key}（{det.confidence:.2f}）")
        for det in figures:
            if not det.key and det.extra.get("candidates"):
                self.stderr.write(f"  待确认：{det.text}（{det.note.removeprefix('待确认：')}）候选：{'、'.join(det.extra['candidates'][:3])}")
        for note in result.notes:
            self.stderr.write(f"  {note}")

    def _write(self, path: str, text: str) -> None:
        target = Path(path)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"无法写入“{path}”：{exc.strerror or exc}", returncode=2) from exc

    def _save(self, park: str, name: str, text: str, source_name: str) -> None:
        try:
            with transaction.atomic():
                template, _created = ReportTemplate.objects.get_or_create(park_id=park, name=name[:100])
                version = save_template_version(template=template, text=text,
                                                note=f"由“{source_name}”学习生成"[:200])
        except ReportTemplateError as exc:
            raise CommandError(f"模板错误：{exc}", returncode=2) from exc
        except (IntegrityError, DatabaseError) as exc:
            raise CommandError(f"无法保存模板：{exc}") from exc
        self.stderr.write(f"已保存为园区 {park} 的模板“{template.name}”第 {version.number} 版")
