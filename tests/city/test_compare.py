"""Comparing parks: the same figures as each park's own, ranks, the city's combined figures."""
from __future__ import annotations

import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command

from parkledger.city.compare import CompareError, city_figures, compare, ranks, top_level_parks
from parkledger.core.models import Park
from parkledger.indicators.batch import compute_many
from parkledger.indicators.engine import compute_figures, expand_keys, make_context
from parkledger.indicators.registry import all_indicators
from tests.web import data

pytestmark = pytest.mark.django_db


@pytest.fixture
def parks(db):
    data.build(1)
    Park.objects.filter(code="OTH").update(city="宁波")
    return top_level_parks(city="宁波")


def test_the_citys_top_level_parks_are_compared(parks):
    assert [p.code for p in parks] == ["ECO", "OTH"]  # ECO-CEE rolls up into ECO


def test_compare_gives_each_parks_own_figures_for_every_key(parks):
    keys = sorted({k for p in parks for k in expand_keys(make_context(p.code, data.PERIOD))})
    assert {ind.key for ind in all_indicators() if not ind.parameterised} <= set(keys)
    result = compare(data.PERIOD, keys, parks)
    assert result["keys"] == keys and [row["code"] for row in result["parks"]] == ["ECO", "OTH"]
    many = compute_many([p.code for p in parks], data.PERIOD, keys)
    for row in result["parks"]:
        alone = compute_figures(row["code"], data.PERIOD, keys)
        assert row["figures"] == alone.to_json()
        assert dict(many[row["code"]]) == dict(alone)  # the batch path: reasons and extras too


def test_the_command_prints_the_same_json(parks):
    out = io.StringIO()
    call_command("compare", "--period", data.PERIOD, "--keys", "econ.output,invest.signed", "--city", "宁波",
                 stdout=out)
    got = json.loads(out.getvalue())
    assert got == compare(data.PERIOD, ["econ.output", "invest.signed"], parks)
    # by hand: ECO has 2 enterprises (its own and the sub-park's) × 9 months × 1,000 万元, less the
    # sub-park's missed September = 17,000 万元 = 1.7 亿元; OTH 9 × 1,000 = 0.9 亿元
    assert [row["figures"]["econ.output"]["value"] for row in got["parks"]] == ["1.7", "0.9"]


def test_ranks_largest_first_ties_share(parks):
    result = {"parks": [
        {"code": "A", "figures": {"k": {"value": "3"}}}, {"code": "B", "figures": {"k": {"value": "5"}}},
        {"code": "C", "figures": {"k": {"value": "3"}}}, {"code": "D", "figures": {"k": {"value": None}}},
    ]}
    assert ranks(result, "k") == {"B": 1, "A": 2, "C": 2}


def test_the_city_figures_combine_the_records(parks):
    city = city_figures(parks, data.PERIOD, ["econ.output", "econ.output.yoy"])
    assert city["econ.output"].value == Decimal("2.6")  # 1.7 + 0.9 亿元, summed over the records
    # growth on the combined comparable basis: the three enterprises' 26 returns of Jan–Sep 2022
    # (26,000 万元) against all their 27 returns of Jan–Sep 2021 (27,000): −3.70%; not the average of the
    # parks' growths (ECO 17,000 vs 18,000 = −5.56%, OTH 0%: −2.78%)
    assert city["econ.output.yoy"].value == (Decimal(26000) - Decimal(27000)) / Decimal(27000) * 100
    park_growths = [compute_figures(p.code, data.PERIOD, ["econ.output.yoy"])["econ.output.yoy"].value for p in parks]
    assert park_growths == [(Decimal(17000) - Decimal(18000)) / Decimal(18000) * 100, Decimal(0)]


def test_bad_input_is_a_clear_error(parks):
    with pytest.raises(CompareError, match="未知指标"):
        compare(data.PERIOD, ["nope"], parks)
    with pytest.raises(CompareError, match="园区不存在"):
        top_level_parks(codes=["ECO", "XX"])
