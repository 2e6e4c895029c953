"""`parkledger permu --park CODE --year E`: compute and store the 亩均 evaluation round, print grade counts."""
from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from parkledger.core.models import Park
from parkledger.economy.permu import (
    GRADES,
    PermuRoundClosed,
    RoundSummary,
    permu_round_compute,
    permu_scheme_new_version,
    root_park,
    round_summary,
)
from parkledger.economy.permu_models import PermuGroup
from parkledger.periods.locks import PeriodClosedError

__all__ = ["Command", "render_summary"]


def render_summary(summary: RoundSummary) -> list[str]:
    """One line per group: `规上：共4家，A 1家，B 2家，C 1家，D 0家` (plus 不定等级 when any)."""
    lines = []
    for group in (PermuGroup.ABOVE, PermuGroup.BELOW):
        counts = summary.counts.get(group)
        if counts is None:
            continue
        parts = [_("%(grade)s %(n)s家") % {"grade": g, "n": counts.get(g, 0)} for g in GRADES]
        if counts.get(""):
            parts.append(_("不定等级 %(n)s家") % {"n": counts[""]})
        total = sum(counts.values())
        lines.append(_("%(group)s：共%(total)s家，") % {"group": group.label, "total": total} + "，".join(parts))
    return lines


class Command(BaseCommand):
    help = _("计算并保存园区（含下级园区）某评价年度的亩均效益评价（使用上一年数据），按组别输出各等级企业数。")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--park", required=True, help=_("园区代码；下级园区按其上级园区整体评价"))
        parser.add_argument("--year", required=True, type=int, help=_("评价年度E（使用E−1年数据）"))
        parser.add_argument(
            "--new-scheme-version", action="store_true",
            help=_("复制当前方案（无则默认方案）为新版本以便编辑，不计算"),
        )

    def handle(self, *args, **options) -> None:
        code, year = str(options["park"]).strip(), options["year"]
        if not 1900 <= year <= 9999:
            raise CommandError(_("评价年度“%(year)s”不正确") % {"year": year})
        try:
            root = root_park(code)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if options["new_scheme_version"]:
            scheme = permu_scheme_new_version(park_code=root, year=year)
            self.stdout.write(
                _("已保存%(park)s %(year)s年度亩均评价方案第%(version)s版（编号%(pk)s），可编辑其权重、基准值、分档和调整。")
                % {"park": root, "year": year, "version": scheme.version, "pk": scheme.pk}
            )
            return
        try:
            summary = permu_round_compute(root, year)
        except (PermuRoundClosed, PeriodClosedError) as exc:
            raise CommandError(" ".join(getattr(exc, "messages", None) or [str(exc)])) from exc
        name = Park.objects.filter(code=root).values_list("name", flat=True).first() or root
        self.stdout.write(
            _("%(name)s（%(code)s）%(year)s年度亩均效益评价（依据%(data_year)s年数据）")
            % {"name": name, "code": root, "year": year, "data_year": year - 1}
        )
        if summary.imported:
            self.stdout.write(_("已有导入的评价结果，以导入结果为准，未重新计算。"))
        else:
            self.stdout.write(
                _("方案：%(label)s；已计算并保存%(n)s家企业的评价结果。") % {"label": summary.scheme_label, "n": summary.total}
            )
        for line in render_summary(summary):
            self.stdout.write(line)
        if code != root:
            self.stdout.write(_("其中%(code)s：") % {"code": code})
            for line in render_summary(round_summary(code, year)):
                self.stdout.write("  " + line)
