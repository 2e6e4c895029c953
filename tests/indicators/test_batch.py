"""Figures of many parks at once (`compute_many`): each park's own figures, by hand and as
`compute_figures` gives them, closed months, records, and a query count that does not grow with the parks."""
from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from parkledger.core.models import EnterpriseMonthRollup, ParkMonth
from parkledger.indicators.batch import compute_many, providers_for, seeded_contexts
from parkledger.indicators.engine import compute_figures, evaluate, explain_figure, record_refs
from parkledger.indicators.types import Result
from parkledger.periods.closing import close_month
from parkledger.plans.models import ManualFigure
from tests.web import data

pytestmark = pytest.mark.django_db

PARKS = ["ECO", "ECO-CEE", "OTH"]  # ECO with its own sub-park side by side, and another park
KEYS = [
    "econ.output", "econ.output.yoy", "econ.above_scale_output.yoy", "econ.above_scale_value_added",
    "econ.above_scale_value_added.yoy", "econ.fai", "econ.fai.yoy", "econ.fiscal_revenue_total",
    "econ.fai_projects", "invest.signed", "invest.signed.investment", "invest.production", "invest.started",
    "invest.negotiating", "invest.to_start", "invest.fdi_actual", "plan.progress[econ.output]", "talent.total.senior",
]


@pytest.fixture
def hand(db):
    data.build(1)
    ManualFigure.objects.create(park_id="OTH", month=data.PERIOD, indicator="econ.above_scale_value_added.yoy",
                                value=Decimal("7.5"))


def _values(figures, key):
    return [figures[park][key].value for park in PARKS]


def test_each_parks_figures_by_hand(hand):
    got = compute_many(PARKS, data.PERIOD, KEYS)
    assert list(got) == PARKS
    # returns of 1,000 万元 a month: ECO's own enterprise 9 in Jan–Sep 2022, its sub-park's 8 (September
    # missed), OTH's 9; each had 9 in Jan–Sep 2021
    assert _values(got, "econ.output") == [Decimal("1.7"), Decimal("0.8"), Decimal("0.9")]
    assert _values(got, "econ.output.yoy") == [
        (Decimal(17000) - 18000) / 18000 * 100, (Decimal(8000) - 9000) / 9000 * 100, Decimal(0)]
    assert _values(got, "econ.above_scale_output.yoy") == _values(got, "econ.output.yoy")  # every return 规上
    # no value added reported: 0 against 0 last year, undefined; OTH has the official rate by hand
    assert _values(got, "econ.above_scale_value_added") == [Decimal(0)] * 3
    assert _values(got, "econ.above_scale_value_added.yoy") == [None, None, Decimal("7.5")]
    # park statistics of 5,000 (FAI) and 3,000 (fiscal revenue) 万元 a month for each of the three parks
    assert _values(got, "econ.fai") == [Decimal(9), Decimal("4.5"), Decimal("4.5")]
    assert _values(got, "econ.fai.yoy") == [Decimal(0)] * 3
    assert _values(got, "econ.fiscal_revenue_total") == [Decimal("5.4"), Decimal("2.7"), Decimal("2.7")]
    assert _values(got, "econ.fai_projects") == [Decimal(0)] * 3
    # ECO and OTH each: one project signed 2022-03 (1 亿元), one in production 2022-05 (started 2021),
    # one negotiating; the sub-park none
    assert _values(got, "invest.signed") == [Decimal(1), Decimal(0), Decimal(1)]
    assert _values(got, "invest.signed.investment") == [Decimal(1), Decimal(0), Decimal(1)]
    assert _values(got, "invest.production") == [Decimal(1), Decimal(0), Decimal(1)]
    assert _values(got, "invest.started") == [Decimal(0)] * 3
    assert _values(got, "invest.negotiating") == [Decimal(1), Decimal(0), Decimal(1)]
    # ECO's target of 100 亿元: 1.7 亿元 is 1.7%; the others have none
    assert _values(got, "plan.progress[econ.output]") == [Decimal("1.7"), None, None]


def test_the_same_figures_as_each_park_alone(hand):
    got = compute_many(PARKS, data.PERIOD, KEYS)
    for park in PARKS:
        alone = compute_figures(park, data.PERIOD, KEYS)
        assert dict(got[park]) == dict(alone), park
        assert got[park].to_json() == alone.to_json()


def test_every_key_is_served_by_a_grouped_provider_here():
    """The keys above read grouped aggregates only (none falls back to a park's own queries)."""
    names = {p.name for p in providers_for(KEYS)}
    assert {"econ.em", "econ.park_month.cur",
            "econ.park_month.prev", "econ.fai_projects.counts", "econ.manual.above_scale_value_added.yoy",
            "invest.set", "plan.targets", "talent.totals"} <= names


def test_the_query_count_does_not_grow_with_the_parks(hand):
    def count(parks, *, stored: bool) -> int:
        if not stored:  # the stored enterprise-month sums built anew, for every park at once
            EnterpriseMonthRollup.objects.all().delete()
        with CaptureQueriesContext(connection) as ctx:
            compute_many(parks, data.PERIOD, KEYS)
        return len(ctx.captured_queries)

    cold = [count(parks, stored=False) for parks in (["ECO"], ["ECO", "OTH"], PARKS)]
    assert cold[0] == cold[1] == cold[2]
    counts = [count(parks, stored=True) for parks in (["ECO"], ["ECO", "OTH"], PARKS)]
    assert counts[0] == counts[1] == counts[2] < cold[0]  # stored: one read instead of building them
    with CaptureQueriesContext(connection) as ctx:
        for park in PARKS:
            compute_figures(park, data.PERIOD, KEYS)
    assert counts[2] < len(ctx.captured_queries) / 2


def test_a_key_without_a_provider_is_computed_per_park(hand):
    keys = ["safety.hazards", "safety.hazards_overdue", "invest.production.lead", "econ.output"]
    assert {p.name for p in providers_for(keys[:3])} == set()
    got = compute_many(PARKS, data.PERIOD, keys)
    # one overdue hazard (and one rectified) per enterprise: ECO 2 enterprises with its sub-park's
    assert _values(got, "safety.hazards_overdue") == [Decimal(2), Decimal(1), Decimal(1)]
    for park in PARKS:
        assert dict(got[park]) == dict(compute_figures(park, data.PERIOD, keys))


def test_a_closed_month_gives_its_frozen_figures(hand):
    close_month(park="ECO", month=data.PERIOD)
    # a late correction of ECO's September fiscal revenue: the closed month keeps its figure
    ParkMonth.objects.filter(park_id="ECO", month=data.PERIOD).update(fiscal_revenue_total=Decimal("9999"))
    keys = [*KEYS, "plan.progress[econ.fai]"]  # not frozen (ECO has no FAI target): computed live
    got = compute_many(["ECO", "OTH"], data.PERIOD, keys)
    assert got["ECO"].closed and not got["OTH"].closed
    assert got["ECO"]["econ.fiscal_revenue_total"].value == Decimal("5.4")
    live = compute_many(["ECO", "OTH"], data.PERIOD, keys, live=True)
    assert live["ECO"]["econ.fiscal_revenue_total"].value == Decimal("6.0999")  # (54,000 − 3,000 + 9,999) 万元
    for park in ("ECO", "OTH"):
        assert dict(got[park]) == dict(compute_figures(park, data.PERIOD, keys))
        assert dict(live[park]) == dict(compute_figures(park, data.PERIOD, keys, live=True))


def test_records_behind_a_figure_are_the_parks_own(hand):
    keys = ["econ.output", "econ.output.yoy", "econ.fai.yoy", "invest.signed", "econ.fai_projects"]
    for park, (ctx, wanted) in seeded_contexts(PARKS, data.PERIOD, keys).items():
        assert wanted == keys
        for key in keys:
            evaluate(ctx, key)
            refs, total = record_refs(ctx.result(key).records)
            alone = explain_figure(park, data.PERIOD, key)
            assert (refs, total) == (list(alone.records), alone.records_total), (park, key)


def test_unknown_parks_and_keys_are_refused(hand):
    with pytest.raises(ValueError, match="园区“XX”不存在"):
        compute_many(["ECO", "XX"], data.PERIOD, KEYS)
    with pytest.raises(ValueError, match="未知指标：nope"):
        compute_many(["ECO"], data.PERIOD, ["econ.output", "nope"])
    with pytest.raises(ValueError):
        compute_many(["ECO"], "2022-13", ["econ.output"])


def test_records_given_as_a_function_are_built_once_when_read():
    built = []

    def records():
        built.append(1)
        return [("enterprise", 1)]

    result = Result(value=Decimal(1), records=records)
    assert built == []  # a computation asked for values only builds no record set
    assert result.records == [("enterprise", 1)] and result.records == [("enterprise", 1)]
    assert built == [1]
    assert Result().records is None and Result(records=[("target", 2)]).records == [("target", 2)]


def test_every_key_when_none_is_asked(hand):
    close_month(park="OTH", month=data.PERIOD)  # OTH: every frozen key; ECO and its sub-park: every key, live
    got = compute_many(PARKS, data.PERIOD)
    for park in PARKS:
        alone = compute_figures(park, data.PERIOD)
        assert list(got[park]) == list(alone) and dict(got[park]) == dict(alone), park
    assert got["OTH"].closed and not got["ECO"].closed


SUPPORT_KEYS = ["support.quality_award", "support.quality_award.amount", "support.loan_interest",
                "support.relief_total", "support.tech_upgrade", "support.tech_upgrade.subsidy",
                "support.service_requests", "innov.patents", "innov.patents.invention", "innov.applied.hte"]


def test_support_figures_of_a_park_with_its_sub_park(hand):
    from datetime import date

    from parkledger.economy.choices import DisbursementKind
    from parkledger.economy.models import Disbursement

    eco_firm = data.uscc(1)  # ECO's own enterprise, also paid by the sub-park
    for park, value in (("ECO", "10"), ("ECO-CEE", "5.5")):
        Disbursement.objects.create(park_id=park, uscc_id=eco_firm, kind=DisbursementKind.QUALITY_AWARD,
                                    amount=Decimal(value), paid_on=date(2022, 3, 1))
    Disbursement.objects.create(park_id="OTH", kind=DisbursementKind.TRAVEL, amount=Decimal("2.25"),
                                paid_on=date(2022, 4, 1))
    Disbursement.objects.create(park_id="OTH", uscc_id=data.uscc(3), kind=DisbursementKind.QUALITY_AWARD,
                                amount=Decimal("1"), paid_on=date(2021, 4, 1))  # last year: not in W
    got = compute_many(PARKS, data.PERIOD, SUPPORT_KEYS)
    assert _values(got, "support.quality_award") == [Decimal(1), Decimal(1), Decimal(0)]  # one enterprise, once
    assert _values(got, "support.quality_award.amount") == [Decimal("15.5"), Decimal("5.5"), Decimal(0)]
    assert _values(got, "support.relief_total") == [Decimal(0), Decimal(0), Decimal("2.25")]
    assert _values(got, "support.loan_interest") == [Decimal(0)] * 3
    for park in PARKS:
        assert dict(got[park]) == dict(compute_figures(park, data.PERIOD, SUPPORT_KEYS)), park
    counts = []
    for parks in (["OTH"], PARKS):
        with CaptureQueriesContext(connection) as ctx:
            compute_many(parks, data.PERIOD, SUPPORT_KEYS)
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


def test_every_grouped_module_of_the_chapters_is_loaded():
    from pathlib import Path

    from parkledger.indicators.batch import GROUPED_APPS

    root = Path(__file__).resolve().parents[2] / "parkledger"
    assert sorted(GROUPED_APPS) == sorted(p.parent.name for p in root.glob("*/grouped.py"))
