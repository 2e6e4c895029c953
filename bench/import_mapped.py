"""Mapped-import speed: the statistics office's workbook (merged headers, 累计 columns) against the template format.

    .venv/bin/python bench/import_mapped.py [--enterprises 3000] [--db sqlite|postgres] [--runs 3] [--hooks]

Builds a park of N enterprises with their 2022-09 returns, then writes 2022-10 for all of them
three ways: the import template (.xlsx, one `enterprise_month` sheet of 当月 values), and the
statistics office's sheet as .xlsx and as .xls (xlwt): a title row, a unit line, two merged
header rows, 千元 columns, 工业总产值 本月 + 1-10月累计, 营业收入 1-10月累计 + 1-9月累计 (当月 from
the file), 应交税金 1-10月累计 only (当月 from the ledger's 2022-09), a third of the rows by name
only, a 合计 row and footnotes. Each import runs into the same database after the previous
run's 2022-10 rows are deleted (all rows created), the three files in turn, best of `--runs`; rows per second include
reading the file; `+ s` is a file's best time minus the template's (the mapping's own cost), in
wall-clock and CPU seconds. The values written by the three are checked to be equal. Hooks other apps
register are suspended unless `--hooks`, as in bench/import.py.
"""
from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_NAME = "pl_bench_mapped"


def _pg(sql: str) -> None:
    import psycopg

    with psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=postgres", autocommit=True) as conn:
        conn.execute(sql)


def _setup(db: str, tmp: Path) -> None:
    if db == "sqlite":
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
    else:
        _pg(f'DROP DATABASE IF EXISTS "{PG_NAME}"')
        _pg(f'CREATE DATABASE "{PG_NAME}"')
        os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{PG_NAME}"
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parkledger.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def _data(n: int, rng: random.Random) -> list[dict]:
    from parkledger.lib.uscc import make_uscc

    rows = []
    for i in range(n):
        prev_output = rng.randint(1_000, 900_000)  # 千元, 1-9月累计
        rows.append({
            "uscc": make_uscc(f"91330281{i:09d}"), "name": f"宁波基准{i}号机械有限公司", "by_name": i % 3 == 2,
            "output_month": rng.randint(100, 90_000), "output_prev": prev_output,
            "revenue_prev": rng.randint(1_000, 900_000), "revenue_month": rng.randint(0, 90_000),
            "tax_prev": rng.randint(0, 9_000), "tax_month": rng.randint(0, 900), "employees": rng.randint(5, 900),
        })
    return rows


def _seed(rows: list[dict]) -> None:
    from datetime import date

    from parkledger.core.models import Enterprise, EnterpriseMonth, Park

    Park.objects.create(code="BENCH", name="基准测试园区")
    Enterprise.objects.bulk_create([Enterprise(uscc=r["uscc"], name=r["name"], park_id="BENCH",
                                               registered_on=date(2015, 1, 1)) for r in rows], batch_size=1000)
    # the ledger's 2022-09 (tax: the only previous month stored, so its 1-9月累计 is that month's value)
    EnterpriseMonth.objects.bulk_create([EnterpriseMonth(uscc_id=r["uscc"], month="2022-09",
                                                         tax=Decimal(r["tax_prev"]) / 10) for r in rows],
                                        batch_size=1000)


def _statistics_rows(rows: list[dict]) -> list[list]:
    body = []
    for i, r in enumerate(rows, start=1):
        body.append([i, r["name"], "" if r["by_name"] else r["uscc"],
                     f"{r['output_month']:,}", r["output_prev"] + r["output_month"],
                     r["revenue_prev"] + r["revenue_month"], r["revenue_prev"],
                     r["tax_prev"] + r["tax_month"], r["employees"]])
    return [
        ["2022年1-10月规模以上工业企业主要经济指标", *[None] * 8],
        ["单位：千元", *[None] * 8],
        ["序号", "企业名称", "统一社会信用代码", "工业总产值（千元）", None, "营业收入（千元）", None, "应交税金（千元）",
         "从业人员期末人数（人）"],
        [None, None, None, "本月", "1-10月累计", "1-10月累计", "1-9月累计", "1-10月累计", None],
        *body,
        ["合计", *[None] * 8],
        ["注：快报数。", *[None] * 8],
        ["填报人：张三", *[None] * 8],
    ]


MERGES = ["A1:I1", "A2:I2", "D3:E3", "F3:G3", "A3:A4", "B3:B4", "C3:C4", "I3:I4"]
XLS_MERGES = [(0, 0, 0, 8), (1, 1, 0, 8), (2, 2, 3, 4), (2, 2, 5, 6), (2, 3, 0, 0), (2, 3, 1, 1), (2, 3, 2, 2),
              (2, 3, 8, 8)]


def _files(rows: list[dict], tmp: Path) -> dict[str, Path]:
    from openpyxl import Workbook

    sys.path.insert(0, str(ROOT))
    from tests.data.mapping.workbooks import write_xls, write_xlsx

    sheet = _statistics_rows(rows)
    files = {"mapped .xlsx": write_xlsx(tmp / "统计局.xlsx", sheet, MERGES, title="规上工业"),
             "mapped .xls": write_xls(tmp / "统计局.xls", sheet, XLS_MERGES, title="规上工业")}
    wb = Workbook()
    ws = wb.active
    ws.title = "enterprise_month"
    ws.append(["uscc", "month", "output_value", "revenue", "tax", "employees"])
    for r in rows:
        ws.append([r["uscc"], "2022-10", str(Decimal(r["output_month"]) / 10), str(Decimal(r["revenue_month"]) / 10),
                   str(Decimal(r["tax_month"]) / 10), r["employees"]])
    wb.save(tmp / "template.xlsx")
    files = {"template .xlsx": tmp / "template.xlsx", **files}
    return files


def _stored() -> list[tuple]:
    from parkledger.core.models import EnterpriseMonth

    return list(EnterpriseMonth.objects.filter(month="2022-10").order_by("uscc_id").values_list(
        "uscc_id", "output_value", "revenue", "tax", "employees"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--enterprises", type=int, default=3000)
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--hooks", action="store_true", help="keep the hooks other apps register")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="pl-bench-mapped-") as tmp_name:
        tmp = Path(tmp_name)
        _setup(args.db, tmp)
        from contextlib import nullcontext

        from parkledger.core.models import EnterpriseMonth
        from parkledger.dataio import hooks
        from parkledger.dataio.importing import import_path
        from parkledger.dataio.mapping import mapped_import

        try:
            rows = _data(args.enterprises, random.Random(2022))
            _seed(rows)
            files = _files(rows, tmp)
            print(f"data: {args.enterprises:,} enterprises × 1 month (2022-10), {sum(r['by_name'] for r in rows):,} "
                  f"by name only; database {args.db}; hooks {'on' if args.hooks else 'suspended'}; "
                  f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; "
                  f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
            print(f"{'file':<16} {'bytes':>10} {'best s':>8} {'rows/s':>9} {'vs template':>12} {'+ s':>7} {'CPU s':>7} "
                  f"{'CPU vs template':>16} {'CPU + s':>8}")
            written: dict[str, list] = {}
            best: dict[str, float] = {}
            cpu_best: dict[str, float] = {}
            for run in range(args.runs):  # the files in turn, so a change of the machine's load hits all of them
                for label, path in files.items():
                    EnterpriseMonth.objects.filter(month="2022-10").delete()
                    started, cpu = time.perf_counter(), time.process_time()
                    with nullcontext() if args.hooks else hooks.suspended():
                        if label.startswith("template"):
                            result = import_path(path, park="BENCH")
                        else:
                            result, _mapping = mapped_import(path, "enterprise_month", month="2022-10", park="BENCH")
                    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
                    if not result.ok:
                        print(f"{label}: FAILED {result.issue_lines()[:5]}")
                        return
                    best[label] = min(best.get(label, elapsed), elapsed)
                    cpu_best[label] = min(cpu_best.get(label, cpu), cpu)
                    if run == args.runs - 1:
                        written[label] = _stored()
            template_best, template_cpu = best["template .xlsx"], cpu_best["template .xlsx"]
            for label, path in files.items():
                wall, cpu = best[label], cpu_best[label]
                print(f"{label:<16} {path.stat().st_size:>10,} {wall:>8.3f} {args.enterprises / wall:>9,.0f} "
                      f"{wall / template_best:>11.2f}× {wall - template_best:>7.3f} {cpu:>7.3f} "
                      f"{cpu / template_cpu:>15.2f}× {cpu - template_cpu:>8.3f}")
            same = all(values == written["template .xlsx"] for values in written.values())
            print(f"the three imports stored the same 2022-10 values: {'yes' if same else 'NO'}")
            for label, values in written.items():
                differing = [(a, b) for a, b in zip(values, written["template .xlsx"], strict=False) if a != b]
                if differing or len(values) != len(written["template .xlsx"]):
                    print(f"  {label}: {len(values)} rows, first difference {differing[:1]}")
        finally:
            if args.db == "postgres":
                from django.db import connections

                connections.close_all()
                _pg(f'DROP DATABASE IF EXISTS "{PG_NAME}"')


if __name__ == "__main__":
    main()
