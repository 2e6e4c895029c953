#!/usr/bin/env python
"""Benchmark of comparing parks: `compare` of 20 keys for every park against one park's figures.

By default it builds (once) `parkledger demo --parks 8` (宁波's eight parks, each with a sub-park) in a
SQLite file of its own; with DATABASE_URL it uses that database as it is (e.g. the province-scale
demo of bench/figures.py). It prints the data size, then for the same 20 keys:
- one park's figures (the first top-level park) through `compare`, and through `compute_figures` (the
  per-park path), time and SQL queries,
- every top-level park's (`compare`, one grouped query per aggregate): time, queries, the ratio to one
  park; and the same figures park by park (`compute_figures` per park, as before grouping) for reference,
- the 园区比较 page (for the city with the most parks) and its 全市概况 page through Django's test client
  (uncached), time and queries.
Times are the median of RUNS runs after a warm-up run (wall clock, and this process's CPU time: with
SQLite the database work is in it, with PostgreSQL it is not). The enterprise-month sums are read from
their stored per-park rows (`parkledger.core.rollup`), built by the warm-up as after any write; a
further line times `compare` for all parks with every park's stored sums rebuilt first.

Usage (from the repository root):
    .venv/bin/python bench/compare.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pl_bench_compare .venv/bin/python bench/compare.py

Goal (issue): all parks ≤ 5 × one park, the query count independent of the number of parks; the
page ≤ 500 ms uncached.
"""
from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

KEYS = [
    "econ.output", "econ.output.yoy", "econ.above_scale_output", "econ.above_scale_output.yoy",
    "econ.above_scale_value_added", "econ.above_scale_value_added.yoy", "econ.fiscal_revenue_total",
    "econ.general_budget_revenue", "econ.fai", "econ.fai.yoy", "econ.industrial_investment",
    "econ.industrial_investment.yoy", "invest.signed", "invest.fdi_actual", "econ.fai_projects",
    "econ.general_budget_expenditure", "econ.fiscal_expenditure_total", "invest.started", "invest.production",
    "invest.negotiating",
]

RUNS = int(os.environ.get("BENCH_RUNS", "5"))


def ensure(url: str) -> None:
    path = Path(url.removeprefix("sqlite:///")) if url.startswith("sqlite:///") else None
    if path is None or path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "DATABASE_URL": url}
    print(f"building `demo --parks 8` in {path} (once) …", flush=True)
    for args in (["migrate", "--no-input", "-v", "0"], ["demo", "--parks", "8", "-v", "0"]):
        subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], env=env, check=True, cwd=ROOT,
                       stdout=subprocess.DEVNULL)


def main() -> None:
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{ROOT / 'var' / 'bench' / 'compare-8.sqlite3'}"
    ensure(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parkledger.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from parkledger.accounts.models import RoleAssignment, SecurityProfile
    from parkledger.city.compare import compare, top_level_parks
    from parkledger.core.models import Enterprise, EnterpriseMonth, EnterpriseMonthRollup
    from parkledger.indicators.engine import compute_figures
    from parkledger.indicators.registry import resolve

    for key in KEYS:
        resolve(key)  # KeyError: the list names a key the dictionary does not have
    keys = list(KEYS)
    parks = top_level_parks()
    period = "2022-09"
    print(f"data: {len(parks)} top-level parks, {Enterprise.objects.count():,} enterprises, "
          f"{EnterpriseMonth.objects.count():,} monthly returns; {len(keys)} keys; database {connection.vendor}")

    def measure(func) -> tuple[float, float, int]:
        """Median wall and CPU seconds over RUNS runs (after one warm-up), and the query count."""
        func()
        walls, cpus, counts = [], [], []
        for _ in range(RUNS):
            with CaptureQueriesContext(connection) as ctx:
                cpu, started = time.process_time(), time.perf_counter()
                func()
                walls.append(time.perf_counter() - started)
                cpus.append(time.process_time() - cpu)
            counts.append(len(ctx.captured_queries))
        return statistics.median(walls), statistics.median(cpus), counts[-1]

    def line(label: str, got: tuple[float, float, int], base: tuple[float, float, int] | None = None) -> str:
        text = f"{label}: {got[0] * 1000:.0f} ms (CPU {got[1] * 1000:.0f} ms), {got[2]} queries"
        if base is not None:
            text += (f" ({got[0] / base[0]:.1f}× one park's time, CPU {got[1] / base[1]:.1f}×, "
                     f"{got[2] / base[2]:.1f}× its queries)")
        return text

    one = measure(lambda: compare(period, keys, parks[:1]))
    alone = measure(lambda: compute_figures(parks[0].code, period, keys))
    every = measure(lambda: compare(period, keys, parks))
    per_park = measure(lambda: [compute_figures(p.code, period, keys) for p in parks])
    print(line(f"one park ({parks[0].code}, compare)", one))
    print(line(f"one park ({parks[0].code}, compute_figures)", alone))
    print(line(f"all {len(parks)} parks (compare)", every, one))
    print(line(f"all {len(parks)} parks park by park (compute_figures each, for reference)", per_park, one))
    rebuilt = []
    for _ in range(max(1, RUNS // 2)):  # every park's stored enterprise-month sums stale (a write to each)
        with transaction.atomic():
            EnterpriseMonthRollup.objects.all().delete()
            started = time.perf_counter()
            compare(period, keys, parks)
            rebuilt.append(time.perf_counter() - started)
            transaction.set_rollback(True)
    print(f"all {len(parks)} parks (compare) with every park's stored enterprise-month sums rebuilt first: "
          f"median {statistics.median(rebuilt) * 1000:.0f} ms (once after writes; the runs above read them stored)")

    settings.ALLOWED_HOSTS = ["*"]
    with transaction.atomic():  # the bench's user, sessions and audit rows are rolled back: the database is left as found
        user, created = get_user_model().objects.get_or_create(username="bench-super",
                                                               defaults={"is_superuser": True})
        if created:
            SecurityProfile.objects.update_or_create(user=user, defaults={"must_change_password": False})
            RoleAssignment.objects.get_or_create(user=user, role="leader")
        client = Client()
        client.force_login(user)
        from parkledger.city.views import visible_parks

        # the page compares one city's parks: the city with the most
        sizes = Counter(p.city for p in parks if p.city)
        city = max(sizes, key=lambda c: (sizes[c], c)) if sizes else None
        shown = visible_parks(user, city)[0]
        city_query = f"&city={quote(city)}" if city else ""
        pages = {
            f"园区比较 page (4 keys, {len(shown)} parks of {city or '—'}, uncached)":
                f"/city/compare/?period={period}&" + "&".join(f"keys={k}" for k in keys[:4]) + city_query,
            f"全市概况 page ({len(shown)} parks of {city or '—'}, uncached)": f"/city/?period={period}{city_query}",
        }
        timings = {}
        for label, url in pages.items():
            client.get(url)
            times, counts = [], []
            for _ in range(RUNS):
                cache.clear()
                with CaptureQueriesContext(connection) as ctx:
                    started = time.perf_counter()
                    assert client.get(url).status_code == 200
                    times.append(time.perf_counter() - started)
                counts.append(len(ctx.captured_queries))
            timings[label] = (statistics.median(times), counts[-1])
        transaction.set_rollback(True)
    for label, (median, queries) in timings.items():
        print(f"{label}: median {median * 1000:.0f} ms, {queries} queries")

if __name__ == "__main__":
    main()
