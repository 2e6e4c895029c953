"""`parkledger check`: Django's system checks, or with `--park CODE --period YYYY-MM` the data-quality
checks of a park and period, each failure printed with the records behind it.

With `--park`/`--period` the exit status is 1 when any check of severity "error" fails.
"""
from __future__ import annotations

from django.core.management.base import CommandError, CommandParser
from django.core.management.commands.check import Command as SystemCheckCommand
from django.utils.translation import gettext as _

from parkledger.indicators.checks import CheckFailure, run_checks

__all__ = ["Command", "render_failures"]

SHOWN_RECORDS = 20


def render_failures(park: str, period: str, failures: list[CheckFailure]) -> list[str]:
    """Lines for a person: a summary, then each failure and up to SHOWN_RECORDS of its records."""
    errors = sum(1 for f in failures if f.is_error)
    lines = [_("%(park)s %(period)s 数据质量检查：%(e)s项错误，%(w)s项提醒") % {
        "park": park, "period": period, "e": errors, "w": len(failures) - errors}]
    for failure in failures:
        label = _("错误") if failure.is_error else _("提醒")
        lines.append(f"[{label}] {failure.code}  {failure.message}")
        for ref in failure.records[:SHOWN_RECORDS]:
            lines.append(f"    - {ref.kind} {ref.natural_key}  {ref.label}")
        total = max(failure.records_total, len(failure.records))
        if total > min(len(failure.records), SHOWN_RECORDS):
            lines.append("    " + _("……共%(n)s条记录") % {"n": total})
    return lines


class Command(SystemCheckCommand):
    help = _("不带参数时运行系统检查；带 --park 与 --period 时检查园区该期数据质量（有错误时退出状态为1）。")

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("--park", help=_("园区代码（含下级园区）"))
        parser.add_argument("--period", help=_("报告期 YYYY-MM"))

    def handle(self, *app_labels, **options):
        park, period = options.get("park"), options.get("period")
        if not park and not period:
            return super().handle(*app_labels, **options)
        if not park or not period:
            raise CommandError(_("数据质量检查须同时指定 --park 与 --period"))
        try:
            failures = run_checks(park.strip(), period.strip())
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        for line in render_failures(park.strip(), period.strip(), failures):
            self.stdout.write(line)
        errors = sum(1 for f in failures if f.is_error)
        if errors:
            raise CommandError(_("数据质量检查发现%(n)s项错误") % {"n": errors}, returncode=1)
