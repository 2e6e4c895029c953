#!/usr/bin/env python
"""Benchmark of the REST API at city scale: the enterprise_month list, the figures endpoint, query counts.

It uses (building it once when missing) the city-scale demo database `var/bench/city.sqlite3`
(`parkledger demo --scale city`: 3000 enterprises × 48 months), or `--database URL`. Requests go
through the whole Django stack in-process (middleware, token authentication, permissions,
filters, serializers, JSON rendering) with the test client; nothing is written to the database
(the bench users and tokens are created in a transaction that is rolled back). It prints:

- the data size;
- `GET /api/enterprise_month/` pages of 100 (whole park, a month range, a late page), for a
  superuser and for a statistician scoped to the park: server time (goal ≤ 100 ms) and queries;
- the query count of the same request on one enterprise's 48 rows, on the sub-park and on the
  whole park (independent of data size);
- `GET /api/figures/?park=&period=` against `parkledger figures --format json` in-process
  (goal: within 10 %), and that both give the same JSON.

Usage (from the repository root):
    .venv/bin/python bench/api.py [--runs 15] [--database sqlite:///path]
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from io import StringIO

from common import ROOT, ensure_database, timed  # noqa: E402  (bench/ is the script's folder)

PARK, SUB_PARK, PERIOD = "ECO", "ECO-CEE", "2022-09"
LIST_GOAL_MS = 100.0
FIGURES_TOLERANCE = 0.10


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default=f"sqlite:///{ROOT / 'var' / 'bench' / 'city.sqlite3'}")
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    ensure_database(args.database)
    os.environ["DATABASE_URL"] = args.database
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parkledger.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from parkledger.accounts.models import Membership, RoleAssignment
    from parkledger.api.tokens import token_create
    from parkledger.core.kinds import kind_model
    from parkledger.core.models import EnterpriseMonth

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    sizes = {kind: kind_model(kind).objects.count() for kind in ("park", "enterprise", "enterprise_month")}
    print("data:", ", ".join(f"{k} {v}" for k, v in sizes.items()), flush=True)
    failures: list[str] = []

    with transaction.atomic():
        from django.contrib.auth import get_user_model

        User = get_user_model()
        superuser = User.objects.create_user("bench-api-su", is_superuser=True)
        statistician = User.objects.create_user("bench-api-stat")
        RoleAssignment.objects.create(user=statistician, role="statistician")
        Membership.objects.create(user=statistician, park_id=PARK)
        clients = {}
        for label, user in (("superuser", superuser), ("statistician", statistician)):
            _, key = token_create(user=user, days=1, name="bench")
            clients[label] = Client(HTTP_AUTHORIZATION=f"Token {key}")

        one_uscc = EnterpriseMonth.objects.filter(uscc__park_id=SUB_PARK).values_list("uscc_id", flat=True).first()
        one_rows = EnterpriseMonth.objects.filter(uscc_id=one_uscc).count()
        sub_rows = EnterpriseMonth.objects.filter(uscc__park_id=SUB_PARK).count()
        in_park = EnterpriseMonth.objects.filter(uscc__park_id=PARK).count()
        late_page = max(1, in_park // 100 - 1)
        requests = [
            ("whole park, page 1", {"park": PARK, "page_size": 100}),
            ("2022 only", {"park": PARK, "month_after": "2022-01", "month_before": "2022-12", "page_size": 100}),
            (f"whole park, page {late_page}", {"park": PARK, "page_size": 100, "page": late_page}),
        ]
        print(f"\nGET /api/enterprise_month/ ({in_park} returns in {PARK} and its sub-parks), {args.runs} runs each:")
        for label, client in clients.items():
            for name, params in requests:
                def get(client=client, params=params):
                    response = client.get("/api/enterprise_month/", params)
                    assert response.status_code == 200, response.content[:300]
                    return response
                best, median, response = timed(get, args.runs, warm_up=True)
                with CaptureQueriesContext(connection) as ctx:
                    get()
                rows = len(response.json()["results"])
                ok = median * 1000 <= LIST_GOAL_MS
                if not ok:
                    failures.append(f"list {label} {name}")
                print(f"  {label:12s} {name:28s} {rows:3d} rows  best {best * 1000:6.1f} ms  "
                      f"median {median * 1000:6.1f} ms  {len(ctx.captured_queries)} queries  "
                      f"(goal ≤ {LIST_GOAL_MS:.0f} ms: {'met' if ok else 'NOT met'})", flush=True)
            counts = {}
            for what, params in ((f"one enterprise ({one_rows} rows)", {"park": SUB_PARK, "uscc": one_uscc}),
                                 (f"{SUB_PARK} ({sub_rows} rows)", {"park": SUB_PARK}),
                                 (f"{PARK} ({in_park} rows)", {"park": PARK})):
                with CaptureQueriesContext(connection) as ctx:
                    client.get("/api/enterprise_month/", {**params, "page_size": 100})
                counts[what] = len(ctx.captured_queries)
            same = len(set(counts.values())) == 1
            if not same:
                failures.append(f"query count {label}")
            print(f"  {label:12s} queries: " + ", ".join(f"{k} {v}" for k, v in counts.items())
                  + f": {'independent of data size' if same else 'DEPEND ON DATA SIZE'}")

        def cli() -> dict:
            out = StringIO()
            call_command("figures", "--park", PARK, "--period", PERIOD, "--format", "json", stdout=out)
            return json.loads(out.getvalue())

        def api() -> dict:
            response = clients["statistician"].get("/api/figures/", {"park": PARK, "period": PERIOD})
            assert response.status_code == 200, response.content[:300]
            return response.json()

        runs = max(5, args.runs // 2)
        # informative (no goal): sorting the filtered set by a column without an index
        sort_params = {"park": PARK, "month_after": "2022-01", "ordering": "-output_value", "page_size": 100}
        best, median, _ = timed(lambda: clients["statistician"].get("/api/enterprise_month/", sort_params), 5, warm_up=True)
        print(f"  (for information: 2022 sorted by output_value, no index: median {median * 1000:.0f} ms)")

        print(f"\nfigures of {PARK} {PERIOD}, {runs} runs each (alternating):")
        cli_times, api_times = [], []
        cli_json, api_json = cli(), api()  # warm-up
        for _ in range(runs):
            for func, times in ((cli, cli_times), (api, api_times)):
                started = time.perf_counter()
                func()
                times.append(time.perf_counter() - started)
        cli_median, api_median = statistics.median(cli_times), statistics.median(api_times)
        ratio = api_median / cli_median - 1
        ok = ratio <= FIGURES_TOLERANCE
        if not ok:
            failures.append("figures time")
        if cli_json != api_json:
            failures.append("figures JSON differs")
        print(f"  parkledger figures --format json (in-process): median {cli_median:.3f} s, best {min(cli_times):.3f} s")
        print(f"  GET /api/figures/:                               median {api_median:.3f} s, best {min(api_times):.3f} s")
        print(f"  API vs CLI: {ratio:+.1%} (goal ≤ +{FIGURES_TOLERANCE:.0%}: {'met' if ok else 'NOT met'}); "
              f"{len(api_json)} figures, JSON {'identical' if cli_json == api_json else 'DIFFERENT'}")
        transaction.set_rollback(True)

    print("\nall goals met" if not failures else f"\nNOT met: {', '.join(failures)}")
    return 0 if not failures else 1


if __name__ == "__main__":
    raise SystemExit(main())
