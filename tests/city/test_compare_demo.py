"""Comparing the three parks of `demo --parks 3`: every key of the dictionary gives each park its own
figures through the grouped (batch) path, a closed month its frozen figures, and the number of queries
is the same for two parks as for three."""
from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from bench.compare import KEYS as BENCH_KEYS
from parkledger.city.compare import compare, top_level_parks
from parkledger.city.views import DEFAULT_KEYS
from parkledger.core.models import ParkMonth
from parkledger.indicators.batch import compute_many
from parkledger.indicators.engine import _known, compute_figures, expand_keys, make_context
from parkledger.indicators.registry import all_indicators
from parkledger.periods.closing import close_month

PERIOD = "2022-09"


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        with transaction.atomic():
            call_command("demo", "--parks", "3", verbosity=0, stdout=io.StringIO())
            yield
            transaction.set_rollback(True)


@pytest.fixture
def parks(demo, db):
    return top_level_parks()


def _every_key(parks) -> list[str]:
    keys = sorted({k for p in parks for k in expand_keys(make_context(p.code, PERIOD))})
    assert {ind.key for ind in all_indicators() if not ind.parameterised} <= set(keys)
    return keys


def test_the_three_parks_of_the_demo(parks):
    assert [p.code for p in parks] == ["ECO", "NB01", "NB02"]


@pytest.mark.parametrize("period", [PERIOD, "2022-01"])
def test_every_key_of_every_park_is_its_own_figure(parks, period):
    keys = _every_key(parks)
    result = compare(period, keys, parks)
    many = compute_many([p.code for p in parks], period, keys)
    for row in result["parks"]:
        alone = compute_figures(row["code"], period, keys)
        assert row["figures"] == alone.to_json(), row["code"]
        assert dict(many[row["code"]]) == dict(alone), row["code"]  # reasons, extras and definitions too


def test_a_closed_month_of_one_park_keeps_its_frozen_figures(parks):
    close_month(park="NB01", month=PERIOD)
    ParkMonth.objects.filter(park_id="NB01", month=PERIOD).update(fiscal_revenue_total=Decimal("123456"))
    keys = _every_key(parks)
    result = {row["code"]: row["figures"] for row in compare(PERIOD, keys, parks)["parks"]}
    live = compute_figures("NB01", PERIOD, ["econ.fiscal_revenue_total"], live=True)["econ.fiscal_revenue_total"]
    assert result["NB01"]["econ.fiscal_revenue_total"]["closed"] is True
    assert result["NB01"]["econ.fiscal_revenue_total"]["value"] != live.json_value()
    for park in parks:
        assert result[park.code] == compute_figures(park.code, PERIOD, keys).to_json(), park.code


def _page_keys() -> list[str]:
    """The keys the 园区比较 page asks by default: each key, its YoY and its target progress."""
    keys = list(DEFAULT_KEYS)
    extras = [k for key in keys for k in (f"{key}.yoy", f"plan.progress[{key}]") if _known(k)]
    return keys + extras


@pytest.mark.parametrize("keys", [[k for k in BENCH_KEYS if _known(k)], _page_keys()], ids=["bench", "page"])
def test_the_query_count_is_the_same_for_two_parks_as_for_three(parks, keys):
    counts = []
    for chosen in (parks[:2], parks):
        with CaptureQueriesContext(connection) as ctx:
            compare(PERIOD, keys, chosen)
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


def test_the_compare_page_asks_as_many_queries_for_two_parks_as_for_three(parks, client):
    from django.core.cache import cache

    from parkledger.core.models import Park
    from tests.web.conftest import make_user

    client.force_login(make_user("city-super", "leader", park=None, is_superuser=True))
    asked = {"period": PERIOD, "city": "宁波", "keys": ["econ.output", "econ.fai", "invest.signed"]}
    client.get("/city/compare/", asked)
    counts = []
    for moved in ("", "NB02"):
        if moved:
            Park.objects.filter(code=moved).update(city="绍兴")  # the 宁波 page then compares two parks
        cache.clear()
        with CaptureQueriesContext(connection) as ctx:
            page = client.get("/city/compare/", asked)
        assert page.status_code == 200
        body = page.content.decode()
        assert ('data-park="NB02"' in body) is not bool(moved) and 'data-park="NB01"' in body
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


def test_the_city_figures_through_the_grouped_aggregates_are_those_of_the_combined_records(parks):
    """Every key of the city as one park: seeded by the grouped providers (what `city_figures` does)
    and evaluated on the combined records alone (no provider), the same figures."""
    from parkledger.city.compare import city_context, city_figures
    from parkledger.indicators.engine import evaluate

    keys = _every_key(parks)
    seeded = city_figures(parks, PERIOD, keys)
    plain = city_context(parks, PERIOD)
    for key in keys:
        assert seeded[key] == evaluate(plain, key), key


def test_the_city_reports_figures_are_each_parks_own_and_the_citys(parks):
    """The city report's `KEY@PARK` and `KEY`, all seeded at once, for every key of the dictionary."""
    from parkledger.city.compare import city_context
    from parkledger.city.report import CityFigures
    from parkledger.indicators.engine import evaluate

    keys = _every_key(parks)
    figures = CityFigures("宁波", parks, PERIOD)
    for park in parks:
        alone = compute_figures(park.code, PERIOD, keys)
        for key in keys:
            assert figures.get(f"{key}@{park.code}") == alone[key], (park.code, key)
    plain = city_context(parks, PERIOD, label="宁波")
    for key in keys:
        assert figures.get(key) == evaluate(plain, key), key


def test_the_monthly_output_by_park_is_the_sum_of_its_returns(parks):
    from django.db.models import Sum

    from parkledger.city.selectors import monthly_output
    from parkledger.core.models import EnterpriseMonth
    from parkledger.lib.periods import Period

    got = monthly_output(parks, Period.parse(PERIOD))
    assert got["months"] == [f"{m:02d}月" for m in range(1, 10)]
    for park, series in zip(parks, got["series"], strict=True):
        for m, text in enumerate(series["values"], start=1):
            total = EnterpriseMonth.objects.filter(uscc__park__in=[park.code, *park.children.values_list(
                "code", flat=True)], month=f"2022-{m:02d}").aggregate(t=Sum("output_value"))["t"] or 0
            assert Decimal(text) == (Decimal(str(total)) / 10000).quantize(Decimal("0.01")), (park.code, m)
