#!/usr/bin/env python
"""Benchmark of the indicator engine at city and province scale, on SQLite and PostgreSQL.

For each database backend and scale it builds (once) the demo data (`parkledger demo --scale city|province`)
in a database of its own, then prints:
- the data size (rows of the main ledgers),
- the time to compute every figure of one park-period (best and median of several runs) and the number
  of SQL queries it took (the same at both scales: each indicator runs a constant number of queries),
- with --plans, every query of that computation with its time and the plan lines that read a ledger
  without an index led by the park (or by the park's enterprises, projects, …): a scan, or a search
  by a date, month, kind or year first (SQLite EXPLAIN QUERY PLAN; PostgreSQL EXPLAIN ANALYZE); at city
  scale the one park is all the data and a planner may rightly read whole tables: the province plans count,
- the time of the headline aggregates (output, its comparable-basis YoY, FAI, petitions closed,
  inspections) through the engine, and the same aggregates computed by DuckDB over the same rows
  exported to Parquet, the values compared and the ratio of the two times.

Usage (from the repository root):
    .venv/bin/python bench/figures.py                       # both scales, both backends
    .venv/bin/python bench/figures.py --scales city --backends sqlite
    .venv/bin/python bench/figures.py --rebuild             # drop and rebuild the bench databases

Databases: SQLite files `var/bench/<scale>.sqlite3`; PostgreSQL `pl_bench_<scale>` on
$BENCH_PG (default postgres://postgres@127.0.0.1:5432). Goals: ≤ 1 s (city), ≤ 2 s (one park of the
province), one park's figures at province scale within 1.3× of its time at city scale (the cost follows
the park's rows, not the deployment's), the same query count at both scales, within 3× of DuckDB.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PERIOD = "2022-09"
PARK_OF_SCALE = {"city": "ECO", "province": "P01"}
HEADLINE = ("econ.output", "econ.output.yoy", "econ.fai", "gov.petitions_closed", "safety.inspections")
GOALS = {"city": 1.0, "province": 2.0}
SCALE_RATIO_GOAL = 1.3  # one park's figures: province time ÷ city time
RESULT_TAG = "RESULT "


def database_url(backend: str, scale: str) -> str:
    if backend == "sqlite":
        return f"sqlite:///{ROOT / 'var' / 'bench' / f'{scale}.sqlite3'}"
    base = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432").rstrip("/")
    return f"{base}/pl_bench_{scale}"


# -- the parent process: one worker process per backend × scale ------------------------------------

def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="city,province")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--plans", action="store_true", help="every query of one computation with its plan")
    parser.add_argument("--worker", nargs=2, metavar=("BACKEND", "SCALE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker(*args.worker, runs=args.runs, rebuild=args.rebuild, plans=args.plans)
    results = []
    for backend in args.backends.split(","):
        for scale in args.scales.split(","):
            print(f"\n== {backend} · {scale} ==", flush=True)
            env = {**os.environ, "DATABASE_URL": database_url(backend, scale),
                   "DJANGO_SETTINGS_MODULE": "parkledger.settings"}
            cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", backend, scale, "--runs", str(args.runs)]
            if args.rebuild:
                cmd.append("--rebuild")
            if args.plans:
                cmd.append("--plans")
            proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=subprocess.PIPE, text=True)
            assert proc.stdout is not None
            for line in proc.stdout:
                if line.startswith(RESULT_TAG):
                    results.append(json.loads(line[len(RESULT_TAG):]))
                else:
                    print(line, end="", flush=True)
            if proc.wait() != 0:
                print(f"!! {backend} · {scale} failed (exit {proc.returncode})")
    summary(results)
    return 0


def summary(results: list[dict]) -> None:
    if not results:
        return
    print("\n== summary ==")
    head = f"{'backend':<11}{'scale':<9}{'park':<6}{'enterprise_month':>17}{'figures':>8}{'all (s)':>9}" \
           f"{'median':>8}{'cpu (s)':>8}{'queries':>8}{'goal':>6}{'headline':>10}{'duckdb':>9}{'ratio':>7}  same values"
    print(head)
    for r in results:
        print(f"{r['backend']:<11}{r['scale']:<9}{r['park']:<6}{r['rows']['enterprise_month']:>17}"
              f"{r['figures']:>8}{r['all_best']:>9.3f}{r['all_median']:>8.3f}{r['all_cpu_best']:>8.3f}{r['queries']:>8}"
              f"{'ok' if r['all_best'] <= GOALS[r['scale']] else 'MISS':>6}"
              f"{r['headline_best']:>10.4f}{r['duckdb_best']:>9.4f}{r['ratio']:>7.2f}  {r['same_values']}")
    by_backend: dict[str, set[int]] = {}
    for r in results:
        by_backend.setdefault(r["backend"], set()).add(r["queries"])
    for backend, counts in by_backend.items():
        verdict = "the same at every scale" if len(counts) == 1 else f"DIFFER: {sorted(counts)}"
        print(f"query count on {backend}: {verdict}")
    best = {(r["backend"], r["scale"]): r["all_best"] for r in results}
    for backend in by_backend:
        if (backend, "city") in best and (backend, "province") in best:
            ratio = best[backend, "province"] / best[backend, "city"]
            print(f"one park's figures on {backend}: province {best[backend, 'province']:.3f} s ÷ city "
                  f"{best[backend, 'city']:.3f} s = {ratio:.2f} (goal ≤ {SCALE_RATIO_GOAL}: "
                  f"{'ok' if ratio <= SCALE_RATIO_GOAL else 'MISS'}; load average now {load_average()})")


# -- the worker: one backend and scale, DATABASE_URL already set ------------------------------------

def worker(backend: str, scale: str, *, runs: int, rebuild: bool, plans: bool = False) -> int:
    prepare_database(backend, scale, rebuild)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command, get_commands
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from parkledger.core.models import Park
    from parkledger.indicators.engine import compute_figures

    park = PARK_OF_SCALE[scale]
    call_command("migrate", verbosity=0)
    if not Park.objects.filter(code=park).exists():
        if "demo" not in get_commands():
            print("the `demo` command is not available yet: cannot build the bench data")
            return 1
        t0 = time.perf_counter()
        call_command("demo", "--scale", scale)
        print(f"built the {scale} demo in {time.perf_counter() - t0:.1f} s")
    with connection.cursor() as cur:
        # fresh planner statistics (and, on PostgreSQL, the visibility map index-only scans need),
        # as autovacuum would have made them after a bulk load
        cur.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    rows = data_size()
    print("rows: " + ", ".join(f"{k} {v}" for k, v in rows.items()))

    t0 = time.perf_counter()
    figs = compute_figures(park, PERIOD)  # warm-up (may compute the 亩均 round once)
    print(f"first run (warm-up): {time.perf_counter() - t0:.3f} s, {len(figs)} figures, "
          f"{len(figs.undefined())} undefined")
    all_times, all_cpu = timed(lambda: compute_figures(park, PERIOD), runs, cpu=True)
    connection.queries_log.clear()  # a full log (after the demo load) would make the count read 0
    with CaptureQueriesContext(connection) as queries:
        figs = compute_figures(park, PERIOD)
    print(f"all figures of {park} {PERIOD}: best {min(all_times):.3f} s, median {statistics.median(all_times):.3f} s, "
          f"CPU best {min(all_cpu):.3f} s, {len(queries)} queries (goal ≤ {GOALS[scale]} s); "
          f"load average {load_average()}")
    if plans:
        print_plans(park)
    for key, reason in figs.undefined().items():
        print(f"  undefined {key}: {reason}")

    head_times = timed(lambda: compute_figures(park, PERIOD, HEADLINE), runs)
    ours = compute_figures(park, PERIOD, HEADLINE)
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        export_parquet(Path(tmp))
        print(f"exported the headline ledgers to Parquet in {time.perf_counter() - t0:.1f} s")
        duck_times, duck = duckdb_headline(Path(tmp), park, runs)
    same = compare(ours, duck)
    ratio = min(head_times) / min(duck_times)
    print(f"headline via the engine: best {min(head_times):.4f} s; DuckDB over Parquet: best "
          f"{min(duck_times):.4f} s; ratio {ratio:.2f} (goal ≤ 3); same values: {same}")
    print(RESULT_TAG + json.dumps({
        "backend": backend, "scale": scale, "park": park, "rows": rows, "figures": len(figs),
        "all_best": min(all_times), "all_median": statistics.median(all_times), "all_cpu_best": min(all_cpu),
        "queries": len(queries),
        "headline_best": min(head_times), "duckdb_best": min(duck_times), "ratio": ratio, "same_values": same,
    }))
    return 0


def prepare_database(backend: str, scale: str, rebuild: bool) -> None:
    """Create (or, with --rebuild, recreate) the bench database of a backend and scale."""
    if backend == "sqlite":
        path = ROOT / "var" / "bench" / f"{scale}.sqlite3"
        path.parent.mkdir(parents=True, exist_ok=True)
        if rebuild and path.exists():
            path.unlink()
        return
    import psycopg

    base = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432").rstrip("/")
    name = f"pl_bench_{scale}"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if exists and rebuild:
            conn.execute(f'DROP DATABASE "{name}"')
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def load_average() -> str:
    """The machine's 1, 5 and 15 minute load averages (the times are comparable only under a like load)."""
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


def timed(fn, runs: int, *, cpu: bool = False):
    """Wall times of `runs` calls (and, with `cpu`, this process's CPU times too)."""
    out, cpu_out = [], []
    for _ in range(runs):
        c0, t0 = time.process_time(), time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
        cpu_out.append(time.process_time() - c0)
    return (out, cpu_out) if cpu else out


def data_size() -> dict[str, int]:
    from parkledger.core.kinds import kind_models

    models = kind_models()
    sizes = {k: models[k].objects.count() for k in ("park", "enterprise", "enterprise_month", "park_month",
                                                     "inspection", "petition")}
    sizes["all ledgers"] = sum(m.objects.count() for m in models.values())
    return sizes


# -- query plans: does every query start from the park? ----------------------------------------------

# The first column of an index that starts from the park: the park, or the key of the park's
# enterprises, projects, talents, platforms, inspections or milestone subjects (or a lookup by
# primary key or code inside a loop that started from the park).
PARK_LED = frozenset({
    "park_id", "parent_id", "uscc_id", "uscc", "employer_uscc_id", "project_id", "talent_id", "platform_id",
    "inspection_id", "subject", "code", "id", "rowid",
})
WHOLE_TABLES = frozenset({"core_park"})  # the park tree, read whole once per computation


def print_plans(park: str) -> None:
    """Every query of one computation of the park's figures: its rows, best time and the plan lines
    that read a ledger without an index led by the park."""
    import re

    from django.db import connection

    from parkledger.indicators.engine import compute_figures

    captured: list[tuple[str, tuple]] = []

    def record(execute, sql, params, many, context):
        captured.append((sql, tuple(params or ())))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        compute_figures(park, PERIOD)
    pg = connection.vendor == "postgresql"
    tables = set(connection.introspection.table_names())
    led_by_park = 0
    print(f"plans of the {len(captured)} queries (best of 3; ✗ = a line not led by the park):")
    with connection.cursor() as cur:
        for n, (sql, params) in enumerate(captured):
            times = []
            for _ in range(3):
                t0 = time.perf_counter()
                cur.execute(sql, params)
                rows = len(cur.fetchall())
                times.append(time.perf_counter() - t0)
            if pg:
                cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
                plan = [r[0] for r in cur.fetchall()]
                bad = _pg_not_park_led(cur, plan, tables)
            else:
                cur.execute("EXPLAIN QUERY PLAN " + sql, params)
                plan = [r[3] for r in cur.fetchall()]
                bad = _sqlite_not_park_led(sql, plan, tables, re)
            led_by_park += not bad
            table = re.search(r'FROM "(\w+)"', sql)
            print(f"  #{n:<3} {min(times) * 1000:8.2f} ms {rows:>5} rows  {table.group(1) if table else sql[:40]}"
                  f"{'' if bad else '  ✓'}")
            for line in bad:
                print(f"         ✗ {line.strip()}")
    print(f"{led_by_park} of {len(captured)} queries read every ledger through an index led by the park")


def _sqlite_not_park_led(sql: str, plan: list[str], tables: set[str], re) -> list[str]:
    aliases = {alias: table for table, alias in re.findall(r'"(\w+)" ([A-Z]\d+)\b', sql)}
    bad = []
    for line in plan:
        node = re.match(r"^(SCAN|SEARCH) (\w+)(.*)$", line)
        if not node:
            continue
        verb, name, rest = node.groups()
        table = aliases.get(name, name)
        if table not in tables or table in WHOLE_TABLES:
            continue
        lead = re.search(r"\((?:ANY\()?(\w+)\)?(=|>|<|\)| IN)", rest)
        if verb == "SCAN" or "AUTOMATIC" in rest or lead is None or lead.group(1) not in PARK_LED \
                or lead.group(2) not in ("=", " IN"):
            bad.append(line)
    return bad


def _pg_not_park_led(cur, plan: list[str], tables: set[str]) -> list[str]:
    import re

    bad = []
    for line in plan:
        seq = re.search(r"Seq Scan on (\w+)", line)
        if seq and seq.group(1) in tables and seq.group(1) not in WHOLE_TABLES:
            bad.append(line)
            continue
        idx = re.search(r"(?:Index Scan|Index Only Scan|Bitmap Index Scan)(?: Backward)? (?:using|on) (\w+)", line)
        if idx:
            cur.execute("SELECT a.attname, t.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                        "JOIN pg_class t ON t.oid = i.indrelid "
                        "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0] "
                        "WHERE c.relname = %s", [idx.group(1)])
            first = cur.fetchone()
            if first and first[1] not in WHOLE_TABLES and first[0] not in PARK_LED:
                bad.append(f"{line.strip()}  [index led by {first[0]}]")
    return bad


# -- the second method: DuckDB over Parquet ---------------------------------------------------------

EXPORTS = {
    # table: (kind, columns)
    "parks": ("park", ("code", "parent_id")),
    "enterprise": ("enterprise", ("uscc", "park_id")),
    "em": ("enterprise_month", ("uscc_id", "month", "output_value")),
    "pm": ("park_month", ("park_id", "month", "fixed_asset_investment")),
    "inspection": ("inspection", ("uscc_id", "inspected_on")),
    "petition": ("petition", ("park_id", "closed_on")),
}


DECIMAL_COLUMNS = ("output_value", "fixed_asset_investment")
DATE_COLUMNS = ("inspected_on", "closed_on")


def export_parquet(folder: Path) -> None:
    """Every row of the headline ledgers (all parks) to CSV, then to Parquet with exact decimals."""
    import csv

    import duckdb

    from parkledger.core.kinds import kind_model

    con = duckdb.connect()
    for table, (kind, columns) in EXPORTS.items():
        path = folder / f"{table}.csv"
        with path.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(columns)
            for row in kind_model(kind).objects.values_list(*columns).order_by().iterator(chunk_size=20000):
                writer.writerow(["" if v is None else str(v) for v in row])
        types = {c: "DECIMAL(20,4)" if c in DECIMAL_COLUMNS else "DATE" if c in DATE_COLUMNS else "VARCHAR"
                 for c in columns}
        con.execute(
            f"COPY (SELECT * FROM read_csv('{path}', header=true, columns={json.dumps(types)})) "
            f"TO '{folder / f'{table}.parquet'}' (FORMAT parquet)"
        )
    con.close()


HEADLINE_SQL = """
WITH RECURSIVE tree(code) AS (
    SELECT code FROM '{d}/parks.parquet' WHERE code = $park
    UNION ALL
    SELECT p.code FROM '{d}/parks.parquet' p JOIN tree t ON p.parent_id = t.code
),
ent AS (SELECT uscc FROM '{d}/enterprise.parquet' WHERE park_id IN (SELECT code FROM tree)),
cur AS (
    SELECT uscc_id, output_value FROM '{d}/em.parquet'
    WHERE month BETWEEN $m0 AND $m1 AND uscc_id IN (SELECT uscc FROM ent)
)
SELECT
    (SELECT coalesce(sum(output_value), 0) FROM cur) AS output,
    (SELECT coalesce(sum(output_value), 0) FROM '{d}/em.parquet'
      WHERE month BETWEEN $p0 AND $p1 AND uscc_id IN (SELECT uscc_id FROM cur)) AS last_output,
    (SELECT count(*) FROM '{d}/em.parquet'
      WHERE month BETWEEN $p0 AND $p1 AND uscc_id IN (SELECT uscc_id FROM cur)) AS last_rows,
    (SELECT coalesce(sum(fixed_asset_investment), 0) FROM '{d}/pm.parquet'
      WHERE month BETWEEN $m0 AND $m1 AND park_id IN (SELECT code FROM tree)) AS fai,
    (SELECT count(*) FROM '{d}/petition.parquet'
      WHERE closed_on BETWEEN $d0 AND $d1 AND park_id IN (SELECT code FROM tree)) AS petitions_closed,
    (SELECT count(*) FROM '{d}/inspection.parquet'
      WHERE inspected_on BETWEEN $d0 AND $d1 AND uscc_id IN (SELECT uscc FROM ent)) AS inspections
"""


def duckdb_headline(folder: Path, park: str, runs: int) -> tuple[list[float], dict[str, Decimal | None]]:
    """The headline aggregates by DuckDB, reading the Parquet files on every run."""
    import duckdb

    from parkledger.lib.periods import Period

    per = Period.parse(PERIOD)
    params = {"park": park, "m0": f"{per.year}-01", "m1": per.key, "p0": f"{per.year - 1}-01", "p1": per.prev.key,
              "d0": per.start, "d1": per.end}
    sql = HEADLINE_SQL.format(d=folder)
    con = duckdb.connect()
    times, row = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        row = con.execute(sql, params).fetchone()
        times.append(time.perf_counter() - t0)
    con.close()
    output, last, last_rows, fai, petitions, inspections = row
    output, last, fai = Decimal(output), Decimal(last), Decimal(fai)
    yoy = (output - last) / last * 100 if last_rows and last else None
    return times, {
        "econ.output": output.scaleb(-4), "econ.output.yoy": yoy, "econ.fai": fai.scaleb(-4),
        "gov.petitions_closed": Decimal(petitions), "safety.inspections": Decimal(inspections),
    }


def compare(ours, duck: dict[str, Decimal | None]) -> bool:
    same = True
    for key in HEADLINE:
        a, b = ours[key].value, duck[key]
        equal = (a is None and b is None) or (a is not None and b is not None and abs(a - b) < Decimal("1e-12"))
        print(f"  {key:<24} engine {ours[key].text!s:>12}   duckdb {b if b is None else round(b, 6)!s:>16}"
              f"   {'=' if equal else 'DIFFERENT'}")
        same = same and equal
    return same


if __name__ == "__main__":
    sys.exit(main())
