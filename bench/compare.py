#!/usr/bin/env python
"""Benchmark of comparing parks: `compare` of 20 keys for every park against one park's figures.

By default it builds (once) `parkledger demo --parks 8` (宁波's eight parks, each with a sub-park) in a
SQLite file of its own; with DATABASE_URL it uses that database as it is (e.g. the province-scale
demo of bench/figures.py). It prints the data size, then for the same 20 keys:
- one park's figures (the first top-level park): time and SQL queries,
- every top-level park's (`compare`): time, queries, and the ratio to one park,
- the 园区比较 page through Django's test client (uncached), time and queries.

Usage (from the repository root):
    .venv/bin/python bench/compare.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pl_bench_compare .venv/bin/python bench/compare.py

Goal (issue): all parks ≤ 5 × one park, the query count independent of the number of parks; the
page ≤ 500 ms uncached.
"""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

KEYS = [
    "econ.output", "econ.output.yoy", "econ.above_scale_output", "econ.above_scale_output.yoy",
    "econ.above_scale_value_added", "econ.above_scale_value_added.yoy", "econ.fiscal_revenue_total",
    "econ.general_budget_revenue", "econ.fai", "econ.fai.yoy", "econ.industrial_investment",
    "econ.industrial_investment.yoy", "invest.signed", "invest.fdi_actual", "econ.fai_projects",
    "econ.general_budget_expenditure", "econ.fiscal_expenditure_total", "invest.started", "invest.in_production",
    "invest.contacted",
]


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
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from parkledger.accounts.models import RoleAssignment, SecurityProfile
    from parkledger.city.compare import compare, top_level_parks
    from parkledger.core.models import Enterprise, EnterpriseMonth
    from parkledger.indicators.registry import resolve

    keys = []
    for key in KEYS:
        try:
            resolve(key)
            keys.append(key)
        except KeyError:
            pass
    parks = top_level_parks()
    period = "2022-09"
    print(f"data: {len(parks)} top-level parks, {Enterprise.objects.count():,} enterprises, "
          f"{EnterpriseMonth.objects.count():,} monthly returns; {len(keys)} keys; database {connection.vendor}")

    def run(chosen):
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            compare(period, keys, chosen)
            elapsed = time.perf_counter() - started
        return elapsed, len(ctx.captured_queries)

    run(parks[:1])  # warm up
    one = sorted(run(parks[:1]) for _ in range(3))[1]
    every = sorted(run(parks) for _ in range(3))[1]
    print(f"one park: {one[0] * 1000:.0f} ms, {one[1]} queries")
    print(f"all {len(parks)} parks: {every[0] * 1000:.0f} ms, {every[1]} queries "
          f"({every[0] / one[0]:.1f}× one park's time, {every[1] / one[1]:.1f}× its queries)")

    settings.ALLOWED_HOSTS = ["*"]
    user, created = get_user_model().objects.get_or_create(username="bench-super", defaults={"is_superuser": True})
    if created:
        SecurityProfile.objects.update_or_create(user=user, defaults={"must_change_password": False})
        RoleAssignment.objects.get_or_create(user=user, role="leader")
    client = Client()
    client.force_login(user)
    query = "&".join(f"keys={k}" for k in keys[:4])
    client.get(f"/city/compare/?period={period}&{query}")
    times, counts = [], []
    for _ in range(3):
        cache.clear()
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            assert client.get(f"/city/compare/?period={period}&{query}").status_code == 200
            times.append(time.perf_counter() - started)
        counts.append(len(ctx.captured_queries))
    print(f"园区比较 page (4 keys, {len(parks)} parks, uncached): median {sorted(times)[1] * 1000:.0f} ms, "
          f"{counts[-1]} queries")


if __name__ == "__main__":
    main()
