"""The dashboard's selectors on their own: every park of the deployment, a user's scope."""
from __future__ import annotations

import pytest

from parkledger.core.kinds import kind_models
from parkledger.lib.periods import Period
from parkledger.web.selectors import ParkScope, alarms, in_parks, monthly_series, park_codes
from tests.web import data

pytestmark = pytest.mark.django_db

PERIOD = Period.parse(data.PERIOD)
EVERY_PARK = ParkScope(("ECO", "ECO-CEE", "OTH"), whole=True)


def only(park: str):
    """A scope that lets a user see one park's records."""
    return lambda kind, qs: qs.filter(in_parks(kind_models()[kind], [park]))


def test_every_park_unscoped_series(dataset):
    series = monthly_series(EVERY_PARK, PERIOD)
    # three enterprises (one per park) × 1000万 a month = 0.30亿; in 2022-09 the sub-park's did not report
    assert series["output"]["this"][:9] == ["0.30"] * 8 + ["0.20"]
    assert series["output"]["last"] == ["0.30"] * 12
    # park_month: 5000万 FAI and 3000万 fiscal revenue for each of the three parks
    assert series["fai"]["this"] == ["1.50"] * 12
    assert series["fiscal"]["last"] == ["0.90"] * 12


def test_alarms_keep_to_the_users_scope(dataset):
    other = {a.key: a for a in alarms(EVERY_PARK, PERIOD, data.AS_OF, only("OTH"))}
    # OTH: its one enterprise's overdue hazard, its 90-day-old petition, OTH-S0 late to start;
    # its enterprise reported 2022-09
    assert {k: a.count for k, a in other.items()} == {"hazards": 1, "petitions": 1, "projects": 1, "returns": 0}
    assert [(str(i), i.pk) for i in other["projects"].items] == [
        ("签约项目0", kind_models()["investment_project"].objects.get(code="OTH-S0").pk)]
    nothing = alarms(EVERY_PARK, PERIOD, data.AS_OF, lambda kind, qs: qs.none())
    assert [(a.count, a.items) for a in nothing] == [(0, [])] * 4


def test_alarm_samples_are_the_first_few_with_the_count_of_all(dataset):
    data.add_records(dataset.parks, 1, 6)  # 7 rounds: 7 late projects per top park
    projects = {a.key: a for a in alarms(park_codes("ECO"), PERIOD, data.AS_OF, lambda kind, qs: qs)}["projects"]
    assert projects.count == 7
    # all planned to start 2022-06-01: by code, the first five
    assert [str(i) for i in projects.items] == [f"签约项目{i}" for i in range(5)]
