"""Page query counts do not grow with the data: measured on the small dataset and on one five
times bigger, both must equal the baseline in `query_counts.json`.

Refresh the baselines with `UPDATE_QUERY_COUNTS=1 pytest tests/web/test_query_counts.py`.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from parkledger.core.models import Enterprise, EnterpriseMonth
from tests.web import data

pytestmark = pytest.mark.django_db

BASELINES = Path(__file__).with_name("query_counts.json")
PAGES = {
    "dashboard": "/",
    "ledger_hazard": "/ledgers/hazard/",
    "ledger_enterprise_month": "/ledgers/enterprise_month/",
    "ledger_investment_project": "/ledgers/investment_project/?preset=reached_signed",
    "enterprise_index": "/enterprises/",
    "enterprise_360": "/enterprises/{uscc}/",
    "figure_explain": "/figures/explain/?key=econ.output",
    "figures": "/figures/",
    "ledger_figure_records": "/ledgers/enterprise_month/?figure=econ.output",
    "ledger_enterprise_month_search": "/ledgers/enterprise_month/?q=测试企业",
    "lookup_enterprise": "/lookup/enterprise/?q=测试",
    "record_detail": "/ledgers/enterprise_month/{em_pk}/",
    "report_archive": "/reports/archive/",
}


def measure(client) -> dict[str, int]:
    uscc = Enterprise.objects.filter(park_id="ECO").order_by("uscc").values_list("uscc", flat=True).first()
    em_pk = EnterpriseMonth.objects.filter(uscc_id=uscc).order_by("month").values_list("pk", flat=True).first()
    counts = {}
    for name, url in PAGES.items():
        url = url.format(uscc=uscc, em_pk=em_pk)
        client.get(url)  # warm up: the session as on any later visit
        cache.clear()  # ... but figures computed afresh (a cold page)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200, name
        counts[name] = len(ctx.captured_queries)
    return counts


def test_query_counts_are_independent_of_data_size(client_in, dataset):
    small = measure(client_in)
    small_rows = EnterpriseMonth.objects.count()
    data.add_records(dataset.parks, 1, 4)
    assert EnterpriseMonth.objects.count() == 5 * small_rows
    big = measure(client_in)
    assert big == small
    if os.environ.get("UPDATE_QUERY_COUNTS"):
        BASELINES.write_text(json.dumps(small, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    baselines = json.loads(BASELINES.read_text(encoding="utf-8"))
    assert small == baselines
