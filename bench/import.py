"""Import speed: enterprise_month rows (plus their enterprises) from CSV and from .xlsx, on SQLite and PostgreSQL.

    .venv/bin/python bench/import.py [--rows 100000] [--db sqlite|postgres|both] [--months 36]
                                     [--formats csv,xlsx] [--repeat 1] [--hooks | --no-audit] [--profile FILE]

Generates the rows (valid 统一社会信用代码 via `make_uscc`, one `above_scale` flag per
enterprise-year) as a CSV directory and as a workbook, then imports each into a fresh
database: a new SQLite file, and a PostgreSQL database of its own name on 127.0.0.1:5432
(user postgres), created and dropped by this script. Each import runs in a child process
(`parkledger.dataio.importing.import_path`, migrations done before the clock starts), first
into the empty database (all rows created), then again (all rows updated). Prints rows per
second with the data size.

Auditing is on by default: the audit log's import hooks stay registered (an entry per created
or changed record, HMAC-chained, written in the import's transaction), and the child checks
that the log holds an entry per row and that its chain verifies. The hooks of the other apps
(closed periods, the write gate, filing rounds, the web preview) are suspended, so that the
importer and its audit are measured; `--hooks` keeps them all, `--no-audit` suspends the audit
too (the importer alone). `--repeat N` runs each import N times (a fresh database each time)
and prints the best and the median. `--profile FILE` writes a cProfile of each of the child's
imports to FILE.<format>.<run> (run: create, update).
Each child gets a temporary var directory (its own audit key and anchors).
"""
from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_NAME = f"pl_bench_import_{os.getpid()}"
PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"


def _setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parkledger.settings")
    import django

    django.setup()


# ---------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------

def make_data(rows: int, months: int, directory: Path) -> dict:
    """Write park/enterprise/enterprise_month as CSV and as a workbook; returns sizes."""
    _setup_django()
    from parkledger.dataio.writers import write_csv_dir, write_workbook
    from parkledger.lib.uscc import make_uscc

    rng = random.Random(20221)
    enterprises = -(-rows // months)
    usccs = [make_uscc(f"91330281{i:09d}") for i in range(enterprises)]
    month_keys = [f"{2020 + m // 12}-{m % 12 + 1:02d}" for m in range(months)]
    scale = {(u, y): rng.random() < 0.3 for u in usccs for y in {k[:4] for k in month_keys}}

    def money(low: int, high: int) -> str:
        return str(Decimal(rng.randint(low * 10, high * 10)) / 10)

    def em_rows():
        produced = 0
        for uscc in usccs:
            for month in month_keys:
                if produced >= rows:
                    return
                produced += 1
                yield [uscc, month, "true" if scale[(uscc, month[:4])] else "false",
                       money(10, 9000), money(1, 2000), money(10, 9500), money(0, 300), money(0, 800),
                       str(rng.randint(5, 900)), money(0, 200)]

    def sheets():
        return {
            "park": (["code", "name", "city", "county"], [["BENCH", "基准测试园区", "宁波", "余姚"]]),
            "enterprise": (["uscc", "name", "park", "registered_on", "land_area_mu"],
                           ([u, f"基准企业{i}", "BENCH", f"{2010 + i % 10}-0{1 + i % 9}-15", str(10 + i % 90)]
                            for i, u in enumerate(usccs))),
            "enterprise_month": (["uscc", "month", "above_scale", "output_value", "value_added", "revenue",
                                  "tax", "energy_tce", "employees", "rd_expense"], em_rows()),
        }

    csv_dir = directory / "csv"
    xlsx = directory / "bench.xlsx"
    rng.seed(20221)
    write_csv_dir(csv_dir, sheets())
    rng.seed(20221)
    write_workbook(xlsx, sheets())
    csv_bytes = sum(p.stat().st_size for p in csv_dir.iterdir())
    return {"enterprises": enterprises, "enterprise_month": rows, "csv": str(csv_dir), "xlsx": str(xlsx),
            "csv_bytes": csv_bytes, "xlsx_bytes": xlsx.stat().st_size}


# ---------------------------------------------------------------------------
# Child: one import into one database
# ---------------------------------------------------------------------------

@contextmanager
def _hooks_of(mode: str) -> Iterator[None]:
    """The hooks an import runs with: all ("hooks"), the audit log's only ("audit"), none ("none")."""
    from parkledger.dataio import hooks

    if mode == "hooks":
        yield
        return
    with hooks.suspended():
        if mode == "audit":
            from parkledger.audit.hooks import register_dataio_hooks

            register_dataio_hooks()
        yield


def child(path: str, mode: str, profile: str | None) -> None:
    _setup_django()
    from django.core.management import call_command

    from parkledger.dataio.importing import import_path

    call_command("migrate", verbosity=0, interactive=False)
    results = []
    for attempt in ("create", "update"):
        profiler = None
        if profile:
            import cProfile

            profiler = cProfile.Profile()
        entries_before = _audit_entries()
        started = time.perf_counter()
        cpu = time.process_time()
        with _hooks_of(mode):
            if profiler is not None:
                profiler.enable()
            result = import_path(path)
            if profiler is not None:
                profiler.disable()
        elapsed = time.perf_counter() - started
        cpu = time.process_time() - cpu
        if not result.ok:
            print(json.dumps({"error": result.issue_lines()[:10]}))
            return
        if profiler is not None:
            profiler.dump_stats(f"{profile}.{Path(path).suffix.lstrip('.') or 'csv'}.{attempt}")
        results.append({"run": attempt, "seconds": elapsed, "cpu": cpu, "rows": result.rows,
                        "created": result.created, "updated": result.updated,
                        "audit_entries": _audit_entries() - entries_before})
    if mode != "none":
        from parkledger.audit.log import verify_chain

        report = verify_chain()
        if not report.ok:
            print(json.dumps({"error": ["audit chain: " + "; ".join(report.problems[:5])]}))
            return
    print(json.dumps(results))


def _audit_entries() -> int:
    from parkledger.audit.models import AuditEntry

    return AuditEntry.objects.count()


def _pg(sql: str) -> None:
    import psycopg

    with psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=postgres", autocommit=True) as conn:
        conn.execute(sql)


def run_one(db: str, source: str, tmp: Path, mode: str, profile: str | None) -> list[dict] | dict:
    var_dir = Path(tempfile.mkdtemp(prefix="var-", dir=tmp))
    env = {**os.environ, "PARKLEDGER_VAR_DIR": str(var_dir)}
    env.pop("PARKLEDGER_AUDIT_KEY", None)
    if db == "sqlite":
        file = tmp / f"bench-{time.monotonic_ns()}.sqlite3"
        env["DATABASE_URL"] = f"sqlite:///{file}"
    else:
        _pg(f'DROP DATABASE IF EXISTS "{PG_NAME}"')
        _pg(f'CREATE DATABASE "{PG_NAME}"')
        env["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{PG_NAME}"
    try:
        command = [sys.executable, __file__, "--child", source, "--mode", mode,
                   *(["--profile", profile] if profile else [])]
        out = subprocess.run(command, env=env, capture_output=True,
                             text=True, check=False, cwd=ROOT)
        if out.returncode:
            return {"error": out.stderr[-2000:]}
        return json.loads(out.stdout.strip().splitlines()[-1])
    finally:
        if db == "postgres":
            _pg(f'DROP DATABASE IF EXISTS "{PG_NAME}"')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000, help="enterprise_month rows (default 100000)")
    parser.add_argument("--months", type=int, default=36, help="months per enterprise (default 36)")
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--formats", default="csv,xlsx", help="comma-separated: csv, xlsx (default both)")
    parser.add_argument("--repeat", type=int, default=1, help="imports of each kind (best and median printed)")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--hooks", action="store_true", help="keep every hook other apps register")
    group.add_argument("--no-audit", action="store_true", help="suspend the audit log's hooks too")
    parser.add_argument("--profile", help="write a cProfile of each import to FILE.<format>.<run>")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--mode", default="audit", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.mode, args.profile)
        return
    mode = "hooks" if args.hooks else "none" if args.no_audit else "audit"
    with tempfile.TemporaryDirectory(prefix="pl-bench-import-") as tmp_name:
        tmp = Path(tmp_name)
        started = time.perf_counter()
        data = make_data(args.rows, args.months, tmp)
        total = data["enterprise_month"] + data["enterprises"] + 1
        print(f"data: {data['enterprise_month']:,} enterprise_month rows + {data['enterprises']:,} enterprises "
              f"+ 1 park = {total:,} rows; CSV {data['csv_bytes'] / 1e6:.1f} MB, "
              f"xlsx {data['xlsx_bytes'] / 1e6:.1f} MB (generated in {time.perf_counter() - started:.1f} s)")
        dbs = ["sqlite", "postgres"] if args.db == "both" else [args.db]
        described = {"audit": "audit log on, other apps' hooks suspended", "hooks": "all hooks on",
                     "none": "all hooks suspended (no audit)"}
        print(f"hooks: {described[mode]}; load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        print(f"{'database':<10} {'format':<6} {'run':<7} {'seconds':>8} {'rows/s':>10} {'CPU s':>7} "
              f"{'rows/CPU s':>11} {'audit':>8}  load")
        summary: dict[tuple[str, str, str], list[float]] = {}
        for db in dbs:
            for fmt in args.formats.split(","):
                for _attempt in range(args.repeat):
                    load = os.getloadavg()[0]
                    outcome = run_one(db, data[fmt], tmp, mode, args.profile)
                    if isinstance(outcome, dict):
                        print(f"{db:<10} {fmt:<6} FAILED: {outcome.get('error')}", flush=True)
                        continue
                    for run in outcome:
                        rate = run["rows"] / run["seconds"]
                        cpu_rate = run["rows"] / run["cpu"]
                        summary.setdefault((db, fmt, run["run"]), []).append(rate)
                        print(f"{db:<10} {fmt:<6} {run['run']:<7} {run['seconds']:>8.2f} {rate:>10,.0f} "
                              f"{run['cpu']:>7.2f} {cpu_rate:>11,.0f} {run['audit_entries']:>8,}  {load:.1f}",
                              flush=True)
        if args.repeat > 1:
            print(f"{'database':<10} {'format':<6} {'run':<7} {'best rows/s':>12} {'median':>10}")
            for (db, fmt, run_name), rates in summary.items():
                print(f"{db:<10} {fmt:<6} {run_name:<7} {max(rates):>12,.0f} {statistics.median(rates):>10,.0f}")


if __name__ == "__main__":
    main()
