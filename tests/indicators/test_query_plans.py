"""Every figure query of one park starts from the park (SQLite `EXPLAIN QUERY PLAN`).

In a deployment of many parks, the cost of one park's figures must follow that park's rows, not
the deployment's: each query of `compute_figures` has to read its ledger through an index whose
first column is the park (`park_id`) or, for a ledger reached through another record, that
record's key (the `uscc` of the park's enterprises, the project, talent, platform or inspection).
A plan that scans a ledger, or searches it first by a date, a month, a kind or a year, fails.

The plans checked are those SQLite makes without statistics (a database never analysed); the
bench (`bench/figures.py --plans`) shows those of the province-scale data after `ANALYZE`.
"""
from __future__ import annotations

import re
from datetime import date

import pytest
from django.db import connection

from parkledger.core.models import Enterprise
from parkledger.dataio.demo.generator import DEFAULT_SEED
from parkledger.dataio.demo.load import load_demo
from parkledger.dataio.demo.scales import SCALES, Scale
from parkledger.governance.models import Inspection
from parkledger.indicators.engine import compute_figures

pytestmark = pytest.mark.django_db

PERIOD = "2022-09"
PARKS = 6
# The first column of an index that starts from the park: the park itself, or the key of the
# park's enterprises, projects, talents, platforms, inspections or milestone subjects (also a
# lookup by primary key or code, made for each row of a loop that started from the park).
PARK_LED = frozenset({
    "park_id", "parent_id", "uscc_id", "uscc", "employer_uscc_id", "project_id", "talent_id", "platform_id",
    "inspection_id", "subject", "code", "id", "rowid",
})
# Tables a plan may read whole: the park tree (a few rows per park, read once per computation).
WHOLE_TABLES = frozenset({"core_park"})
_NODE = re.compile(r"^(SCAN|SEARCH) (\w+)(.*)$")
_LEAD = re.compile(r"\((?:ANY\()?(\w+)\)?(=|>|<|\)| IN)")


def explain(sql: str, params) -> list[str]:
    """The lines of SQLite's query plan of a statement."""
    with connection.cursor() as cur:
        cur.execute("EXPLAIN QUERY PLAN " + sql, params)
        return [row[3] for row in cur.fetchall()]


def not_park_led(sql: str, plan: list[str]) -> list[str]:
    """The plan lines that read a table without an index led by the park (or a park-led key)."""
    aliases = {alias: table for table, alias in re.findall(r'"(\w+)" ([A-Z]\d+)\b', sql)}
    tables = set(connection.introspection.table_names())
    bad = []
    for line in plan:
        node = _NODE.match(line)
        if not node:
            continue
        verb, name, rest = node.groups()
        table = aliases.get(name, name)
        if table not in tables or table in WHOLE_TABLES:
            continue  # a subquery's result, a constant row, the park tree
        if verb == "SCAN" or "AUTOMATIC" in rest:
            bad.append(line)
            continue
        lead = _LEAD.search(rest)
        if lead is None or lead.group(1) not in PARK_LED or lead.group(2) not in ("=", " IN"):
            bad.append(line)
    return bad


def figure_queries(park: str) -> list[tuple[str, tuple]]:
    """Every statement (with its parameters) of one computation of all the park's figures."""
    captured: list[tuple[str, tuple]] = []

    def record(execute, sql, params, many, context):
        captured.append((sql, tuple(params or ())))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        compute_figures(park, PERIOD)
    return captured


@pytest.fixture
def sqlite_only():
    if connection.vendor != "sqlite":
        pytest.skip("reads SQLite's EXPLAIN QUERY PLAN")


@pytest.fixture
def deployment(sqlite_only) -> None:
    """Six parks (each with a sub-park) of the demo generator, a dozen enterprises each."""
    load_demo(DEFAULT_SEED, Scale("plans", SCALES["province"].parks[:PARKS], enterprises=12, first_year=2021))


def test_every_figure_query_of_a_park_reads_an_index_led_by_the_park(deployment):
    queries = figure_queries("P02")
    assert len(queries) > 80  # every indicator ran (a failing one would still query, but fewer)
    offenders = []
    for sql, params in queries:
        bad = not_park_led(sql, explain(sql, params))
        if bad:
            offenders.append(f"{sql[:400]}\n    → " + "\n    → ".join(bad))
    assert not offenders, "\n".join(offenders)


def test_the_check_flags_a_scan_and_a_search_by_date(sqlite_only):
    by_date = Inspection.objects.filter(inspected_on__gte=date(2022, 1, 1), inspected_on__lte=date(2022, 9, 30))
    by_name = Enterprise.objects.filter(name="某企业")
    by_park = Enterprise.objects.filter(park_id__in=["P02", "P02-S"], registered_on__lte=date(2022, 9, 30))
    for qs, flagged in ((by_date, True), (by_name, True), (by_park, False)):
        sql, params = qs.query.sql_with_params()
        plan = explain(sql, params)
        assert bool(not_park_led(sql, plan)) is flagged, plan


def test_overdue_hazards_are_counted_from_the_parks_own_rows(deployment):
    """`safety.hazards_overdue` reads the park's rows of `governance_hazard_deadline` (each hazard
    with a deadline and its park, kept by triggers) through the index led by the park, instead of
    probing every inspection the park ever had for its hazards."""
    queries = [(sql, params) for sql, params in figure_queries("P02") if '"governance_hazard_deadline"' in sql]
    assert len(queries) == 1
    plan = explain(*queries[0])
    assert any("gov_hzdl_park_deadline" in line and "park_id" in line for line in plan), plan
    assert not not_park_led(queries[0][0], plan), plan
