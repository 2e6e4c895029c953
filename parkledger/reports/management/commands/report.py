"""`parkledger report`: the park's work report for a period, in Word, PDF, HTML, Markdown, text, masked or JSON."""
from __future__ import annotations

import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from parkledger.reports.models import ReportTemplate
from parkledger.reports.renderers.docx import DocxOptions
from parkledger.reports.renderers.pdf import PdfConversionFailed, PdfUnavailable
from parkledger.reports.sandbox import ReportTemplateError
from parkledger.reports.services import (
    FORMATS,
    build_report,
    find_template,
    issue_report,
    render,
)

__all__ = ["Command"]

BINARY_FORMATS = ("docx", "pdf")


class Command(BaseCommand):
    help = "生成园区工作总结和工作思路（docx/pdf/html/md/txt/masked/json）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--park", required=True, help="园区代码，如 ECO")
        parser.add_argument("--period", required=True, help="报告期 YYYY-MM，如 2022-09")
        parser.add_argument("--format", required=True, choices=FORMATS, help="输出格式")
        parser.add_argument("--template", default="", metavar="NAME",
                            help="本园区（或通用）模板名称；不给则用默认模板")
        parser.add_argument("-o", "--output", default="", metavar="FILE",
                            help="输出文件；文本格式不给则写到标准输出")
        parser.add_argument("--bold-leads", action="store_true", help="“1.”段首语加粗（本地习惯，非标准要求）")
        parser.add_argument("--issue", action="store_true", help="签发并归档（文件、模板版本、指标、校验和）")
        parser.add_argument("--user", default="", help="签发人用户名（与 --issue 同用）")

    def handle(self, *args, park: str, period: str, format: str, template: str, output: str,
               bold_leads: bool, issue: bool, user: str, **options) -> None:
        fmt = format
        if fmt in BINARY_FORMATS and not output:
            raise CommandError(f"{fmt} 格式请用 -o 指定输出文件", returncode=2)
        options_docx = DocxOptions(bold_numbered_leads=bold_leads)
        try:
            version = None
            if template:
                version = find_template(park, template)
                if version is None:
                    names = sorted(set(ReportTemplate.objects.filter(park_id__in=[park, None])
                                       .values_list("name", flat=True)))
                    known = f"（可用：{'、'.join(names)}）" if names else "（尚无保存的模板）"
                    raise CommandError(f"园区“{park}”没有名为“{template}”的模板{known}", returncode=2)
            if issue:
                issuer = self._user(user)
                archived = issue_report(park=park, period=period, fmt=fmt, template=version, user=issuer,
                                        docx_options=options_docx)
                content = bytes(archived.content)
                self.stderr.write(f"已归档：#{archived.pk} {archived.filename} sha256={archived.checksum}")
            else:
                document = build_report(park, period, template=version)
                content = render(document, fmt, docx_options=options_docx)
                for omission in document.omitted:
                    keys = "；".join(f"{k}：{why}" for k, why in omission.keys.items())
                    self.stderr.write(f"略去（模板第{omission.line}行）：{keys}")
        except ReportTemplateError as exc:
            raise CommandError(f"模板错误：{exc}", returncode=2) from exc
        except ValueError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        except PdfUnavailable as exc:
            raise CommandError(str(exc), returncode=3) from exc
        except PdfConversionFailed as exc:
            raise CommandError(str(exc), returncode=1) from exc
        except DatabaseError as exc:
            raise CommandError(f"数据库不可用或尚未迁移（parkledger migrate）：{exc}") from exc
        if output:
            path = Path(output)
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(content)
            except OSError as exc:
                raise CommandError(f"无法写入“{output}”：{exc.strerror or exc}", returncode=2) from exc
            self.stderr.write(f"已生成：{path}（{len(content)} 字节）")
        else:
            sys.stdout.flush()
            self.stdout.write(content.decode("utf-8"), ending="")
        self._audit(park=park, period=period, fmt=fmt, template=template, output=output, user=user, issued=issue)

    def _audit(self, *, park: str, period: str, fmt: str, template: str, output: str, user: str, issued: bool) -> None:
        """The run is an export of the park's figures: audited as the --user, else the OS user."""
        from parkledger.audit.import_hooks import audit_export

        audit_export(kinds="report", park=park, fmt=fmt, target=output or "-", user=self._user(user) if user else None,
                     period=period, template=template, issued=issued)

    def _user(self, username: str):
        if not username:
            return None
        found = get_user_model().objects.filter(username=username).first()
        if found is None:
            raise CommandError(f"用户“{username}”不存在", returncode=2)
        return found
