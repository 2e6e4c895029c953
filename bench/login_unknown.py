#!/usr/bin/env python
"""Benchmark: a failed sign-in with a known name against one with a name that matches no account.

Both go through the login form with the production password hasher (PBKDF2), each attempt from
a fresh client address (so no delay of the throttle answers instead). Alternating known and
unknown attempts, it prints the best and median time of each, their ratio, and the SQL queries
of one attempt each. The throttle's aim: answers that do not tell whether an account exists, so
the ratio should stay near 1 (the password hash dominates both).

Usage (from the repository root; a SQLite file of its own under var/, built once):
    .venv/bin/python bench/login_unknown.py [--runs 15]
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB = ROOT / "var" / "bench_login_unknown.sqlite3"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = f"sqlite:///{DB}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parkledger.settings")
    if not DB.exists():
        DB.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, str(ROOT / "manage.py"), "migrate", "--no-input", "-v", "0", "--skip-checks"],
                       env=os.environ, check=True, cwd=ROOT)
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    setup_test_environment()
    settings.ALLOWED_HOSTS = ["*"]
    User = get_user_model()
    if not User.objects.filter(username="bench-clerk").exists():
        User.objects.create_user("bench-clerk", "clerk@example.com", "Right-Pass-123")
    from parkledger.accounts.models import LoginThrottle

    LoginThrottle.objects.filter(ip__startswith="10.77.").delete()
    client = Client()
    counter = iter(range(1, 1_000_000))

    def attempt(name: str) -> float:
        n = next(counter)
        ip = f"10.77.{n // 250}.{n % 250 + 1}"
        started = time.perf_counter()
        response = client.post("/accounts/login/", {"username": name, "password": "wrong-Pass-1"}, REMOTE_ADDR=ip)
        elapsed = time.perf_counter() - started
        assert response.status_code == 200
        return elapsed

    attempt("bench-clerk")
    attempt("bench-nobody")  # warm up
    known, unknown = [], []
    for _ in range(args.runs):
        known.append(attempt("bench-clerk"))
        unknown.append(attempt("bench-nobody"))
    queries = {}
    for name in ("bench-clerk", "bench-nobody"):
        with CaptureQueriesContext(connection) as ctx:
            attempt(name)
        queries[name] = len(ctx.captured_queries)
    print(f"hasher: {settings.PASSWORD_HASHERS[0].rsplit('.', 1)[-1]}, {args.runs} attempts each")
    for label, times, name in (("known name", known, "bench-clerk"), ("unknown name", unknown, "bench-nobody")):
        print(f"{label:13s} best {min(times) * 1000:7.1f} ms  median {statistics.median(times) * 1000:7.1f} ms  "
              f"queries {queries[name]}")
    print(f"ratio unknown/known (median): {statistics.median(unknown) / statistics.median(known):.2f}")
    LoginThrottle.objects.filter(ip__startswith="10.77.").delete()


if __name__ == "__main__":
    main()
