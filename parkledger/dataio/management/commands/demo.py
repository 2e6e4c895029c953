"""`parkledger demo`: load (or write) the deterministic demo park 生态园 and its three years of ledgers."""
from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from parkledger.accounts.demo_users import create_demo_users
from parkledger.dataio.demo.export import write_demo
from parkledger.dataio.demo.generator import DEFAULT_SEED
from parkledger.dataio.demo.load import demo_present, load_demo
from parkledger.dataio.demo.scales import DEMO_PERIOD, SCALES, Scale, city_scale, scale_named

__all__ = ["Command"]


def _parks_text(scale: Scale) -> str:
    codes = [spec.code for spec in scale.parks]
    if len(codes) <= 3:
        return "、".join(codes)
    return _("%(first)s至%(last)s共%(n)s个园区") % {"first": codes[0], "last": codes[-1], "n": len(codes)}


class Command(BaseCommand):
    help = _("载入演示数据：生态园（宁波/余姚）及中东欧产业园2020—2022年全部台账；-o 时输出为导入格式文件")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=_("随机种子（同一种子得到相同数据）"))
        parser.add_argument("--scale", choices=tuple(SCALES), default="demo",
                            help=_("demo：约400家企业；city：3000家企业×48个月；province：50个园区"))
        parser.add_argument("-o", "--output", metavar="PATH",
                            help=_("不载入数据库，写成导入格式：.xlsx 工作簿或 CSV 目录"))
        parser.add_argument("--if-empty", action="store_true", help=_("演示园区已存在时什么也不做"))
        parser.add_argument("--parks", type=int, metavar="N",
                            help=_("同一城市（宁波）的N个园区，大小不一、各带一个下级园区，供园区比较"))

    def handle(self, *args, seed: int, scale: str, output: str | None, if_empty: bool, parks: int | None = None,
               **options) -> None:
        if parks is not None and scale != "demo":
            raise CommandError(_("--parks 与 --scale 不能同时使用"))
        try:
            chosen = city_scale(parks) if parks is not None else scale_named(scale)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        started = time.perf_counter()
        if output:
            try:
                counts = write_demo(output, seed, chosen)
            except (ValueError, OSError) as exc:  # too many rows for a workbook, an unwritable path
                raise CommandError(str(exc)) from exc
            self.stdout.write(_("已写出演示数据：%(path)s（%(rows)s行，%(kinds)s类台账，%(seconds)s秒）") % {
                "path": output, "rows": sum(counts.values()), "kinds": len(counts),
                "seconds": f"{time.perf_counter() - started:.1f}"})
            return
        existing = demo_present(chosen)
        if existing:
            if if_empty:
                self.stdout.write(_("演示园区%(park)s已存在，未重复载入。") % {"park": existing})
                # a database loaded before the rounds were computed at loading still gets them
                from parkledger.economy.permu import compute_missing_rounds

                compute_missing_rounds([spec.code for spec in chosen.parks],
                                       range(chosen.first_year + 1, chosen.last_year + 2))
                self._print_users()
                return
            raise CommandError(_("园区%(park)s已存在：演示数据只能载入空库（或加 --if-empty 跳过）") % {"park": existing})
        verbosity = options.get("verbosity", 1)

        def progress(park: str, kind: str, count: int) -> None:
            if verbosity >= 2:
                self.stdout.write(f"  {park} {kind}: {count}")

        counts = load_demo(seed, chosen, progress=progress)
        self.stdout.write(self.style.SUCCESS(
            _("已载入演示数据：园区%(parks)s，%(kinds)s类台账共%(rows)s行，用时%(seconds)s秒") % {
                "parks": _parks_text(chosen), "kinds": len(counts), "rows": sum(counts.values()),
                "seconds": f"{time.perf_counter() - started:.1f}"}))
        if verbosity >= 1:
            for kind, n in counts.items():
                self.stdout.write(f"  {kind}: {n}")
            self.stdout.write(_("报告期：%(period)s（parkledger figures --park %(park)s --period %(period)s）") % {
                "period": DEMO_PERIOD, "park": chosen.parks[0].code})
        self._print_users()

    def _print_users(self) -> None:
        for username, password, role in create_demo_users():
            self.stdout.write(_("登录：用户名 %(username)s  密码 %(password)s  （%(role)s）") % {
                "username": username, "password": password, "role": role})
