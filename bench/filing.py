#!/usr/bin/env python
"""Benchmark of the filing round at city scale (`parkledger demo --scale city`, 3,420 enterprises).

It builds (once) the city-scale demo in a database of its own, then for a new month (2023-01, no
returns yet) prints:
- opening the round (every expected enterprise gets its submission),
- the round page (server time through Django's test client, and its SQL queries) and the same page
  of a sub-park's round (fewer enterprises, the same number of queries),
- `filing status` (the counts and the missing list),
- accepting every submitted return in bulk (the values written to the ledger through the importer,
  with its validation and audit entries).

Usage (from the repository root):
    .venv/bin/python bench/filing.py                       # SQLite file var/bench/filing-city.sqlite3
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pl_bench_filing .venv/bin/python bench/filing.py

Goals: opening, the round page and `filing status` each ≤ 300 ms; query count independent of the
number of enterprises; 3,420 submissions accepted in bulk in ≤ 5 s.
"""
from __future__ import annotations

import os
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.common import ensure_database, timed  # noqa: E402

MONTH = "2023-01"


def main() -> None:
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{ROOT / 'var' / 'bench' / 'filing-city.sqlite3'}"
    ensure_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parkledger.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from parkledger.accounts.context import acting_as
    from parkledger.accounts.models import Membership, RoleAssignment, SecurityProfile
    from parkledger.core.models import Enterprise, EnterpriseMonth, Park
    from parkledger.filing.models import FilingRound, Submission, SubmissionState
    from parkledger.filing.services import accept_clean, open_round, round_status

    settings.ALLOWED_HOSTS = ["*"]
    from django.contrib.auth import get_user_model

    user, created = get_user_model().objects.get_or_create(username="bench-stat")
    if created:
        RoleAssignment.objects.create(user=user, role="statistician")
        Membership.objects.create(user=user, park_id="ECO")
        SecurityProfile.objects.update_or_create(user=user, defaults={"must_change_password": False})
    sub_park = Park.objects.filter(parent_id="ECO").order_by("code").values_list("code", flat=True).first()
    print(f"data: {Enterprise.objects.count():,} enterprises, {EnterpriseMonth.objects.count():,} monthly returns;"
          f" database {connection.vendor}")

    def fresh() -> None:
        Submission.objects.filter(round__month=MONTH).delete()
        FilingRound.objects.filter(month=MONTH).delete()
        EnterpriseMonth.objects.filter(month=MONTH).delete()

    def open_eco() -> FilingRound:
        fresh()
        return open_round(park="ECO", kind="enterprise_month", month=MONTH, due_on=date(2023, 2, 10), user=user)

    with acting_as(user):
        times = []
        for _ in range(3):
            fresh()
            started = time.perf_counter()
            round_ = open_round(park="ECO", kind="enterprise_month", month=MONTH, due_on=date(2023, 2, 10), user=user)
            times.append(time.perf_counter() - started)
        expected = round_.submissions.count()
        print(f"open round ECO {MONTH}: {expected:,} submissions, best {min(times) * 1000:.0f} ms, "
              f"median {sorted(times)[1] * 1000:.0f} ms")

        client = Client()
        client.force_login(user)
        client.get(f"/filing/{round_.pk}/", {"park": "ECO", "period": "2022-12"})

        def page(pk: int) -> int:
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(f"/filing/{pk}/").status_code == 200
            return len(ctx.captured_queries)

        best, median, queries = timed(lambda: page(round_.pk), 5, warm_up=True)
        print(f"round page ({expected:,} enterprises): best {best * 1000:.0f} ms, median {median * 1000:.0f} ms, "
              f"{queries} queries")
        if sub_park:
            small = open_round(park=sub_park, kind="enterprise_month", month=MONTH, due_on=date(2023, 2, 10), user=user)
            print(f"round page of {sub_park} ({small.submissions.count():,} enterprises): {page(small.pk)} queries")
        best, median, status = timed(lambda: round_status(round_), 5, warm_up=True)
        print(f"filing status: best {best * 1000:.0f} ms, median {median * 1000:.0f} ms "
              f"(expected {status['expected']:,}, missing {len(status['missing']):,})")

        # every enterprise submits the same month as its last return (set directly: not timed)
        last = {}
        for row in EnterpriseMonth.objects.filter(month="2022-12").values():
            last[row["uscc_id"]] = row
        subs = list(round_.submissions.all())
        for s in subs:
            row = last.get(s.enterprise_id, {})
            s.values = {k: (str(row[k]) if row.get(k) is not None else None) for k in (
                "output_value", "value_added", "revenue", "tax", "energy_tce", "rd_expense")}
            s.values.update({"above_scale": bool(row.get("above_scale")), "employees": row.get("employees")})
            s.state, s.anomalies = SubmissionState.SUBMITTED, []
        Submission.objects.bulk_update(subs, ["values", "state", "anomalies"], batch_size=1000)
        started = time.perf_counter()
        accepted = accept_clean(round_, user)
        elapsed = time.perf_counter() - started
        print(f"accept in bulk: {accepted:,} submissions in {elapsed:.2f} s "
              f"({EnterpriseMonth.objects.filter(month=MONTH).count():,} returns in the ledger)")
        fresh()


if __name__ == "__main__":
    main()
