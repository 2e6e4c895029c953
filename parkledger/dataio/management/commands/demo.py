"""`parkledger demo`: load (or write) the deterministic demo park 生态园 and its three years of ledgers."""
from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError, CommandParser

from parkledger.accounts.demo_users import create_demo_users
from parkledger.dataio.demo.export import write_demo
from parkledger.dataio.demo.generator import DEFAULT_SEED
from parkledger.dataio.demo.load import demo_present, load_demo
from parkledger.dataio.demo.scales import DEMO_PERIOD, SCALES, scale_named

__all__ = ["Command"]


class Command(BaseCommand):
    help = "载入演示数据：生态园（宁波/余姚）及中东欧产业园2020—2022年全部台账；-o 时输出为导入格式文件"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"随机种子（默认 {DEFAULT_SEED}）")
        parser.add_argument("--scale", choices=tuple(SCALES), default="demo",
                            help="demo：约400家企业；city：3000家企业×48个月；province：50个园区")
        parser.add_argument("-o", "--output", metavar="PATH",
                            help="不载入数据库，写成导入格式：.xlsx 工作簿或 CSV 目录")
        parser.add_argument("--if-empty", action="store_true", help="演示园区已存在时什么也不做")

    def handle(self, *args, seed: int, scale: str, output: str | None, if_empty: bool, **options) -> None:
        chosen = scale_named(scale)
        started = time.perf_counter()
        if output:
            try:
                counts = write_demo(output, seed, chosen)
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(f"已写出演示数据：{output}（{sum(counts.values())}行，{len(counts)}类台账，"
                              f"{time.perf_counter() - started:.1f}秒）")
            return
        existing = demo_present(chosen)
        if existing:
            if if_empty:
                self.stdout.write(f"演示园区{existing}已存在，未重复载入。")
                self._print_users()
                return
            raise CommandError(f"园区{existing}已存在：演示数据只能载入空库（或加 --if-empty 跳过）")
        verbosity = options.get("verbosity", 1)

        def progress(park: str, kind: str, count: int) -> None:
            if verbosity >= 2:
                self.stdout.write(f"  {park} {kind}: {count}")

        counts = load_demo(seed, chosen, progress=progress)
        elapsed = time.perf_counter() - started
        parks = "、".join(spec.code for spec in chosen.parks[:3]) + ("等" if len(chosen.parks) > 3 else "")
        self.stdout.write(self.style.SUCCESS(
            f"已载入演示数据：园区{parks}，{len(counts)}类台账共{sum(counts.values())}行，用时{elapsed:.1f}秒"))
        if verbosity >= 1:
            for kind, n in counts.items():
                self.stdout.write(f"  {kind}: {n}")
            self.stdout.write(f"报告期：{DEMO_PERIOD}（parkledger figures --park {chosen.parks[0].code} "
                              f"--period {DEMO_PERIOD}）")
        self._print_users()

    def _print_users(self) -> None:
        for username, password, role in create_demo_users():
            self.stdout.write(f"登录：用户名 {username}  密码 {password}  （{role}）")
