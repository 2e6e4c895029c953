"""`parkledger cityreport --city 宁波 --period P --format docx|pdf|html|md|txt|json -o FILE`."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from parkledger.city.compare import CompareError, top_level_parks
from parkledger.city.report import build_city_report
from parkledger.reports.renderers import FORMATS
from parkledger.reports.sandbox import ReportTemplateError
from parkledger.reports.services import render


class Command(BaseCommand):
    help = "The city's report (城市园区经济运行情况) for its top-level parks."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--city", required=True)
        parser.add_argument("--period", required=True, help="YYYY-MM")
        parser.add_argument("--format", choices=FORMATS, default="docx")
        parser.add_argument("--template", help="a template file (default: the built-in city template)")
        parser.add_argument("-o", "--output", required=True)

    def handle(self, *args: Any, **opts: Any) -> None:
        parks = top_level_parks(city=opts["city"])
        if not parks:
            raise CommandError(f"“{opts['city']}”没有园区")
        text = Path(opts["template"]).read_text(encoding="utf-8") if opts.get("template") else None
        try:
            document = build_city_report(opts["city"], parks, opts["period"], template_text=text)
        except (ValueError, CompareError, ReportTemplateError) as exc:
            raise CommandError(str(exc)) from None
        Path(opts["output"]).write_bytes(render(document, opts["format"]))
        self.stdout.write(f"已写出 {opts['output']}（{len(parks)} 个园区，{len(document.figures)} 个数字）")
