#!/usr/bin/env python
"""Benchmark of the web pages at city scale: server time, query counts, and 20 concurrent users.

It builds (once) the city-scale demo data (`parkledger demo --scale city`) in a database of its own,
then (on PostgreSQL after a `VACUUM ANALYZE`) prints:
- the data size (rows of the main ledgers),
- the server time of the dashboard, two ledger list pages, an enterprise's 360 page and the report
  preview (median, 95th percentile and worst of several runs through Django's test client, after a
  warm-up), the median CPU time of this process (on a machine busy with other work the wall time
  grows, the CPU time much less; on SQLite it holds the database's work too, on PostgreSQL not)
  and the number of SQL queries each took,
- a load test: a local server on a random loopback port (DEBUG off): by default `--workers` processes
  (one per CPU) of the standard library's threading WSGI server sharing the port (SO_REUSEPORT), as a
  pre-forking production server would run; `--server runserver` uses Django's development server
  instead. A thread pool of 20 users each asks for the dashboard in a loop for 60 s; the latency
  percentiles, throughput and errors are printed.

Usage (from the repository root):
    .venv/bin/python bench/web.py                          # SQLite file var/bench/web-city.sqlite3
    .venv/bin/python bench/web.py --users 20 --seconds 60 --runs 10
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pl_bench_web .venv/bin/python bench/web.py
    .venv/bin/python bench/web.py --database-url sqlite:///var/bench/city.sqlite3 --pages report_preview --no-load

A database that already holds the demo park is used as it is (not rebuilt, not migrated unless
`--migrate`; the migrations it lacks are listed), so a shared bench database stays untouched.

Goals: dashboard ≤ 150 ms, ledger list ≤ 150 ms, report preview ≤ 300 ms uncached (server time,
median); dashboard under 20 users: p95 ≤ 300 ms and no errors.
"""
from __future__ import annotations

import argparse
import http.client
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PARK, PERIOD = "ECO", "2022-09"
BENCH_USER, BENCH_PASSWORD = "bench-leader", "Bench-Leader-2022!"
GOALS_MS = {"dashboard": 150, "ledger_enterprise_month": 150, "ledger_hazard": 150, "report_preview": 300}
LOAD_P95_GOAL_MS = 300


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


SERVER_ENV = {
    # production-like: DEBUG off; the same secret key in this process and the server, so the
    # sessions logged in here are valid there
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "bench-only-secret-key-not-for-production-use-0123456789",
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
}


def setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.update(SERVER_ENV)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parkledger.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def loaded() -> bool:
    """The database holds the demo park already (its schema may lag behind the code's migrations)."""
    from django.db import connection

    from parkledger.core.models import Park

    return Park._meta.db_table in connection.introspection.table_names() and Park.objects.filter(code=PARK).exists()


def pending_migrations() -> list[str]:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    return [f"{m.app_label}.{m.name}" for m, _ in executor.migration_plan(executor.loader.graph.leaf_nodes())]


def prepare_data(rebuild: bool, migrate: bool = False) -> None:
    """Build the demo data in an empty database; a database already loaded (possibly shared with
    others, read-only) is used as it is: not migrated unless `migrate`, its pending migrations listed."""
    from django.core.management import call_command

    from parkledger.core.models import Park

    if rebuild or migrate or not loaded():
        call_command("migrate", verbosity=0)
    elif pending := pending_migrations():
        print(f"note: the database lacks {len(pending)} migration(s) of the code (not applied; --migrate "
              f"applies them): {', '.join(pending)}", flush=True)
    if rebuild or not Park.objects.filter(code=PARK).exists():
        if rebuild:
            call_command("flush", interactive=False, verbosity=0)
        print("building the city-scale demo data (a few minutes)…", flush=True)
        call_command("demo", scale="city", verbosity=0)
    settle_statistics()


def settle_statistics() -> None:
    """On PostgreSQL, `VACUUM ANALYZE` before measuring: the state autovacuum leaves a bulk-loaded
    database in shortly after (planner statistics, and the visibility map index-only scans need),
    so that runs right after a build measure the same plans as later ones."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"VACUUM ANALYZE: {time.perf_counter() - started:.1f} s", flush=True)


def data_size() -> dict[str, int]:
    from parkledger.core.kinds import kind_models

    sizes = {kind: model.objects.count() for kind, model in kind_models().items()}
    sizes["(all ledgers)"] = sum(sizes.values())
    return sizes


def bench_user():
    """A leader of the park whose password is current (no password-change or second-factor gate)."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from parkledger.accounts.models import Membership, RoleAssignment, SecurityProfile

    User = get_user_model()
    user = User.objects.filter(username=BENCH_USER).first()
    if user is None:
        user = User.objects.create_user(BENCH_USER, password=BENCH_PASSWORD)
        RoleAssignment.objects.create(user=user, role="leader")
        Membership.objects.create(user=user, park_id=PARK)
    SecurityProfile.objects.update_or_create(
        user=user, defaults={"password_changed_at": timezone.now(), "must_change_password": False}
    )
    return user


def server_times(user, runs: int, only: list[str] | None = None) -> list[dict]:
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from parkledger.core.models import Enterprise

    uscc = Enterprise.objects.filter(park_id=PARK).order_by("uscc").values_list("uscc", flat=True).first()
    # (name, url, headers, cold): a cold page has no cached figures (the first view after a change)
    pages = [
        ("dashboard", "/", {}, False),
        ("dashboard (cold)", "/", {}, True),
        ("ledger_enterprise_month", "/ledgers/enterprise_month/", {}, False),
        ("ledger_hazard", "/ledgers/hazard/", {}, False),
        ("ledger_hazard (overdue)", "/ledgers/hazard/?preset=overdue", {}, False),
        ("enterprise_360", f"/enterprises/{uscc}/", {}, False),
        ("report_preview", "/reports/preview/", {"HTTP_HX_REQUEST": "true"}, False),
        ("report_preview (cold)", "/reports/preview/", {"HTTP_HX_REQUEST": "true"}, True),
    ]
    if only:
        pages = [page for page in pages if any(page[0].startswith(name) for name in only)]
    client = Client()
    client.force_login(user)
    client.get("/", {"park": PARK, "period": PERIOD})
    results = []
    for name, url, headers, cold in pages:
        for _ in range(2):
            client.get(url, **headers)
        times, cpu = [], []
        queries = 0
        for _ in range(runs):
            if cold:
                cache.clear()
            with CaptureQueriesContext(connection) as ctx:
                start, cpu_start = time.perf_counter(), time.process_time()
                response = client.get(url, **headers)
                times.append((time.perf_counter() - start) * 1000)
                cpu.append((time.process_time() - cpu_start) * 1000)
            assert response.status_code == 200, (name, response.status_code)
            queries = len(ctx.captured_queries)
        results.append({"page": name, "url": url, "median": statistics.median(times), "cpu": statistics.median(cpu),
                        "p95": percentile(times, 0.95), "max": max(times), "queries": queries,
                        "goal": GOALS_MS.get(name.split(" ")[0])})
    return results


def preview_split(user, runs: int) -> tuple[dict[str, float], dict[str, tuple[float, float, int]]]:
    """Where the uncached report preview's time goes: its figures (the engine, per chapter), the
    names and milestones, the provenance HTML, the page, the rest (Django, session, template text).
    Returns (totals, part → (median wall ms, median CPU ms, queries))."""
    from collections import defaultdict

    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    import parkledger.reports.sources as sources
    import parkledger.web.views.reports as views
    from parkledger.indicators.registry import resolve

    acc: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0])
    active = [False]

    def timed_part(owner, name: str, label) -> None:
        original = getattr(owner, name)

        def wrapper(*args, **kwargs):
            if active[0]:
                return original(*args, **kwargs)
            active[0] = True
            part = label(*args) if callable(label) else label
            n0, t0, c0 = len(connection.queries_log), time.perf_counter(), time.process_time()
            try:
                return original(*args, **kwargs)
            finally:
                entry = acc[part]
                entry[0] += time.perf_counter() - t0
                entry[1] += time.process_time() - c0
                entry[2] += len(connection.queries_log) - n0
                active[0] = False

        setattr(owner, name, wrapper)

    def chapter(_self, key: str) -> str:
        return f"figures: {resolve(key)[0].func.__module__.split('.')[1]}"

    timed_part(sources.EngineFigures, "get", chapter)
    timed_part(sources.EngineFigures, "__init__", "figures: context")
    for name in ("platform", "project", "package", "wetland", "milestones"):
        timed_part(sources.LedgerNames, name, "names and milestones")
    timed_part(views, "render_html", "provenance HTML")
    timed_part(views, "render_page", "page template")
    timed_part(views, "selection_of", "selection (park, period)")
    client = Client()
    client.force_login(user)
    client.get("/", {"park": PARK, "period": PERIOD})
    client.get("/reports/preview/", HTTP_HX_REQUEST="true")
    walls, cpus, queries, parts = [], [], 0, []
    for _ in range(runs):
        cache.clear()
        acc.clear()
        with CaptureQueriesContext(connection) as ctx:
            t0, c0 = time.perf_counter(), time.process_time()
            client.get("/reports/preview/", HTTP_HX_REQUEST="true")
            walls.append((time.perf_counter() - t0) * 1000)
            cpus.append((time.process_time() - c0) * 1000)
        queries = len(ctx.captured_queries)
        parts.append({k: (v[0] * 1000, v[1] * 1000, v[2]) for k, v in acc.items()})
    split = {name: (statistics.median(p.get(name, (0, 0, 0))[0] for p in parts),
                    statistics.median(p.get(name, (0, 0, 0))[1] for p in parts), parts[-1].get(name, (0, 0, 0))[2])
             for name in sorted({k for p in parts for k in p})}
    total = {"wall": statistics.median(walls), "cpu": statistics.median(cpus), "queries": queries}
    split["rest (Django, session, template text)"] = (
        total["wall"] - sum(v[0] for v in split.values()), total["cpu"] - sum(v[1] for v in split.values()),
        queries - sum(v[2] for v in split.values()))
    return total, split


def load_average() -> str:
    """The machine's load average (other work on it slows every figure down)."""
    one, five, fifteen = os.getloadavg()
    return f"machine load average {one:.1f} / {five:.1f} / {fifteen:.1f} (1 / 5 / 15 min, {os.cpu_count()} CPUs)"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def session_cookies(user, count: int) -> list[str]:
    from django.test import Client

    cookies = []
    for _ in range(count):
        client = Client()
        client.force_login(user)
        cookies.append(client.cookies["sessionid"].value)
    return cookies


def serve(port: int) -> None:
    """One server worker: the project's WSGI application on a threading server sharing the port."""
    from socketserver import ThreadingMixIn
    from wsgiref.simple_server import WSGIRequestHandler, WSGIServer

    sys.path.insert(0, str(ROOT))
    from parkledger.wsgi import application

    class QuietHandler(WSGIRequestHandler):
        def log_message(self, format, *args):  # noqa: A002 (the base class's signature)
            pass

    class SharedPortServer(ThreadingMixIn, WSGIServer):
        daemon_threads = True
        request_queue_size = 128

        def server_bind(self) -> None:
            self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
            super().server_bind()

    server = SharedPortServer(("127.0.0.1", port), QuietHandler)
    server.set_app(application)
    server.serve_forever()


def wait_for_port(port: int, procs: list[subprocess.Popen]) -> None:
    deadline = time.time() + 60
    while time.time() < deadline:
        for proc in procs:
            if proc.poll() is not None:
                raise RuntimeError(f"the server stopped: {proc.stderr.read() if proc.stderr else ''}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("the server did not start within 60 s")


def start_server(port: int, database_url: str, kind: str, workers: int) -> list[subprocess.Popen]:
    env = {**os.environ, **SERVER_ENV, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "parkledger.settings"}
    if kind == "runserver":
        commands = [[sys.executable, str(ROOT / "manage.py"), "runserver", f"127.0.0.1:{port}", "--noreload",
                     "--skip-checks"]]
    elif kind == "gunicorn":  # as `make serve` runs it (parkledger.jobs.management.commands.serve)
        commands = [[sys.executable, "-m", "gunicorn", "parkledger.wsgi:application", "--bind", f"127.0.0.1:{port}",
                     "--workers", str(workers), "--timeout", "300", "--no-control-socket"]]
    else:
        commands = [[sys.executable, str(Path(__file__).resolve()), "--serve", str(port)]] * workers
    procs = [subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
             for cmd in commands]
    try:
        wait_for_port(port, procs)
        time.sleep(1.0)  # let every worker finish starting
    except Exception:
        stop_server(procs)
        raise
    return procs


def stop_server(procs: list[subprocess.Popen]) -> None:
    for proc in procs:
        proc.terminate()
    for proc in procs:
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def warm_up(port: int, cookie: str, seconds: float = 5.0, requests: int = 12) -> int:
    """Ask for the dashboard for at least `seconds` and `requests` times (so that every worker has
    computed its cache once, as after a first visit); not measured. At most 60 s."""
    started, done = time.time(), 0
    while (time.time() < started + seconds or done < requests) and time.time() < started + 60:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        conn.request("GET", f"/?park={PARK}&period={PERIOD}", headers={"Cookie": f"sessionid={cookie}"})
        conn.getresponse().read()
        conn.close()
        done += 1
    return done


def load_test(port: int, cookies: list[str], seconds: float) -> dict:
    """Each user (thread) asks for the dashboard again as soon as the last answer arrived."""
    path = f"/?park={PARK}&period={PERIOD}"
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop_at = time.time() + seconds

    def user_loop(cookie: str) -> None:
        mine: list[float] = []
        bad: list[str] = []
        while time.time() < stop_at:
            start = time.perf_counter()
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                conn.request("GET", path, headers={"Cookie": f"sessionid={cookie}", "Host": "127.0.0.1"})
                response = conn.getresponse()
                body = response.read()
                conn.close()
                if response.status != 200 or b"chart-output" not in body:
                    bad.append(f"HTTP {response.status}")
                    continue
            except Exception as exc:  # every failure counts as an error of the run
                bad.append(type(exc).__name__)
                continue
            mine.append((time.perf_counter() - start) * 1000)
        with lock:
            latencies.extend(mine)
            errors.extend(bad)

    threads = [threading.Thread(target=user_loop, args=(c,)) for c in cookies]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    return {
        "users": len(cookies), "seconds": elapsed, "requests": len(latencies), "errors": len(errors),
        "error_kinds": sorted(set(errors)), "throughput": len(latencies) / elapsed if elapsed else 0.0,
        "p50": percentile(latencies, 0.50), "p95": percentile(latencies, 0.95), "max": max(latencies, default=0),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get(
        "DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench' / 'web-city.sqlite3'}"))
    parser.add_argument("--runs", type=int, default=10, help="server-time runs per page")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--rebuild", action="store_true", help="flush and rebuild the demo data")
    parser.add_argument("--migrate", action="store_true",
                        help="apply the code's migrations to an already loaded database (left as it is by default)")
    parser.add_argument("--pages", default="",
                        help="only these pages, comma-separated name prefixes (e.g. report_preview)")
    parser.add_argument("--no-load", action="store_true", help="server times only, no load test")
    parser.add_argument("--split", action="store_true",
                        help="also where the uncached report preview's time goes (figures per chapter, names, page)")
    parser.add_argument("--server", choices=("stdlib", "runserver", "gunicorn"), default="stdlib",
                        help="gunicorn: the production server of `make serve` with --workers workers")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve)
        return 0
    args.workers = max(1, min(args.workers, 16))
    args.users = max(1, min(args.users, 100))          # bounded load
    args.seconds = max(1.0, min(args.seconds, 300.0))

    (ROOT / "var" / "bench").mkdir(parents=True, exist_ok=True)
    setup_django(args.database_url)
    prepare_data(args.rebuild, args.migrate)
    from django.db import connection

    print(f"database: {connection.vendor} ({connection.settings_dict['NAME']}); {load_average()}")
    sizes = data_size()
    print("data size (rows):", ", ".join(
        f"{k} {v}" for k, v in sizes.items()
        if k in ("enterprise", "enterprise_month", "park_month", "investment_project", "inspection", "hazard",
                 "petition", "(all ledgers)")))

    user = bench_user()
    print(f"\n== server time ({args.runs} runs a page, after warm-up) ==")
    print(f"{'page':<28}{'median ms':>10}{'p95 ms':>9}{'max ms':>9}{'cpu ms':>8}{'queries':>9}{'goal ms':>9}  verdict")
    for r in server_times(user, args.runs, [p for p in args.pages.split(",") if p]):
        goal = r["goal"]
        verdict = "" if goal is None else ("ok" if r["median"] <= goal else "MISS")
        print(f"{r['page']:<28}{r['median']:>10.1f}{r['p95']:>9.1f}{r['max']:>9.1f}{r['cpu']:>8.1f}{r['queries']:>9}"
              f"{goal if goal else '':>9}  {verdict}")

    if args.split:
        total, split = preview_split(user, args.runs)
        print(f"\n== the uncached report preview, split ({args.runs} runs, medians) ==")
        print(f"total: {total['wall']:.1f} ms, CPU {total['cpu']:.1f} ms, {total['queries']} queries")
        for name, (wall, cpu, n) in sorted(split.items(), key=lambda item: -item[1][0]):
            print(f"  {name:<40}{wall:>8.1f} ms{cpu:>8.1f} ms CPU{n:>5} queries")
    if args.no_load:
        return 0
    port = free_port()
    cookies = session_cookies(user, args.users)
    connection.close()
    server_name = {"runserver": "runserver", "gunicorn": f"gunicorn, {args.workers} workers"}.get(
        args.server, f"{args.workers} stdlib WSGI workers")
    print(f"\n== load: {args.users} users on the dashboard for {args.seconds:.0f} s, {server_name} on "
          f"127.0.0.1:{port} ==", flush=True)
    procs = start_server(port, args.database_url, args.server, args.workers)
    try:
        warmed = warm_up(port, cookies[0])
        print(f"warm-up (not measured): {warmed} requests", flush=True)
        load = load_test(port, cookies, args.seconds)
    finally:
        stop_server(procs)
    verdict = "ok" if load["p95"] <= LOAD_P95_GOAL_MS and load["errors"] == 0 else "MISS"
    print(f"requests {load['requests']} in {load['seconds']:.1f} s ({load['throughput']:.1f}/s), "
          f"errors {load['errors']} {load['error_kinds'] or ''}")
    print(f"latency ms: p50 {load['p50']:.1f}, p95 {load['p95']:.1f}, max {load['max']:.1f} "
          f"(goal p95 ≤ {LOAD_P95_GOAL_MS}, no errors): {verdict}")
    print(load_average())
    return 0


if __name__ == "__main__":
    sys.exit(main())
