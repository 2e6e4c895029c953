"""全市概况's table of alarms: per park the count of each alarm of the park dashboard, linking to the
park's list when the user may read it, in one grouped query per alarm type whatever the parks."""
from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from parkledger.accounts.models import Membership
from parkledger.city.selectors import city_alarms
from parkledger.city.views import alarm_table
from parkledger.core.models import Enterprise, EnterpriseMonth, Park
from parkledger.governance.models import Hazard, Inspection, Petition
from parkledger.investment.models import InvestmentProject
from parkledger.lib.periods import Period
from parkledger.lib.uscc import make_uscc
from parkledger.web import access
from tests.web.conftest import make_user

pytestmark = pytest.mark.django_db

PERIOD = "2022-09"
AS_OF = date(2022, 9, 30)
_serial = iter(range(1, 10_000))


def _enterprise(park: str, *, reported: tuple[str, ...] = ("2022-08", "2022-09")) -> Enterprise:
    n = next(_serial)
    ent = Enterprise.objects.create(uscc=make_uscc(f"91330281MB{n:07d}"), name=f"预警企业{n}", park_id=park,
                                    registered_on=date(2015, 1, 1))
    EnterpriseMonth.objects.bulk_create([EnterpriseMonth(uscc=ent, month=m, output_value=Decimal("100"))
                                         for m in reported])
    return ent


def _hazard(park: str, *, rectified: bool = False) -> None:
    n = next(_serial)
    insp = Inspection.objects.create(code=f"INSA-{n}", uscc=_enterprise(park), inspected_on=date(2022, 5, 1))
    Hazard.objects.create(inspection=insp, description=f"隐患{n}", deadline=date(2022, 6, 1),
                          rectified_on=date(2022, 5, 20) if rectified else None)


def _petition(park: str, days_old: int, *, closed: bool = False) -> None:
    n = next(_serial)
    Petition.objects.create(code=f"{park}-XFA{n}", park_id=park, source="public", subject=f"信访{n}",
                            received_on=AS_OF - timedelta(days=days_old),
                            closed_on=AS_OF - timedelta(days=1) if closed else None)


def _late_project(park: str) -> None:
    n = next(_serial)
    InvestmentProject.objects.create(code=f"{park}-LATE{n}", name=f"未开工项目{n}", park_id=park,
                                     signed_on=date(2022, 3, 1), planned_start_on=date(2022, 6, 1),
                                     total_investment=Decimal("1000"))


def _world() -> dict[str, Park]:
    """Three parks of 宁波 (A with a sub-park), one of 杭州, and by hand:

    | park | overdue hazards | petitions > 60 days | late projects | missed returns |
    |---|---|---|---|---|
    | A (+ A-S) | 2 (one in A-S; a rectified one not) | 1 (a 10-day one not) | 0 | 2 (one in A-S) |
    | B | 1 | 1 (a closed one not) | 1 | 0 |
    | C | 0 | 0 | 0 | 0 |
    | X (杭州) | 1 | 1 | 1 | 1 |
    """
    parks = {
        "A": Park.objects.create(code="PA", name="甲园区", short_name="甲园", city="宁波"),
        "B": Park.objects.create(code="PB", name="乙园区", short_name="乙园", city="宁波"),
        "C": Park.objects.create(code="PC", name="丙园区", short_name="丙园", city="宁波"),
        "X": Park.objects.create(code="PX", name="杭州园区", short_name="杭园", city="杭州"),
    }
    Park.objects.create(code="PA-S", name="甲园分园", parent=parks["A"])
    _hazard("PA")
    _hazard("PA-S")
    _hazard("PA", rectified=True)
    _hazard("PB")
    _hazard("PX")
    _petition("PA", 90)
    _petition("PA", 10)
    _petition("PB", 70)
    _petition("PB", 80, closed=True)
    _petition("PX", 61)
    _late_project("PB")
    _late_project("PX")
    _enterprise("PA", reported=("2022-08",))
    _enterprise("PA-S", reported=("2022-08",))
    _enterprise("PA", reported=())  # never reported: not a missed return of this month
    _enterprise("PX", reported=("2022-08",))
    return parks


EXPECTED = {
    "PA": {"hazards": 2, "petitions": 1, "projects": 0, "returns": 2},
    "PB": {"hazards": 1, "petitions": 1, "projects": 1, "returns": 0},
    "PC": {"hazards": 0, "petitions": 0, "projects": 0, "returns": 0},
}


def _city_user():
    user = make_user("shiji-test", "city", park=None)
    Membership.objects.create(user=user, city="宁波")
    return user


def _cells(body: str) -> dict[tuple[str, str], str]:
    """(park code, alarm key) → the cell's inner HTML in the alarm table."""
    table = body[body.index('data-testid="city-alarms"'):]
    table = table[:table.index("</table>")]
    cells = {}
    for row in re.finditer(r'<tr data-park="([^"]+)">(.*?)</tr>', table, re.S):
        for cell in re.finditer(r'data-alarm="([^"]+)">(.*?)</td>', row.group(2), re.S):
            cells[(row.group(1), cell.group(1))] = cell.group(2)
    return cells


def test_the_counts_per_park_match_the_hand_count():
    parks = _world()
    user = _city_user()
    wanted = [parks["A"], parks["B"], parks["C"]]
    counts = city_alarms(wanted, Period.parse(PERIOD), AS_OF, lambda kind, qs: access.scope(user, kind, qs))
    assert {code: {key: counts[key][code] for key in counts} for code in ("PA", "PB", "PC")} == EXPECTED


def test_the_city_user_sees_the_table_with_links_to_each_parks_list(client):
    _world()
    client.force_login(_city_user())
    response = client.get("/city/", {"period": PERIOD})
    assert response.status_code == 200
    cells = _cells(response.content.decode())
    assert {park for park, _key in cells} == {"PA", "PB", "PC"}  # not 杭州's park
    for park, alarms in EXPECTED.items():
        for key, n in alarms.items():
            assert re.search(rf">{n}</a>$", cells[(park, key)]), (park, key, cells[(park, key)])
    assert "/ledgers/hazard/?park=PA&amp;period=2022-09&amp;preset=overdue" in cells[("PA", "hazards")]
    assert "preset=missed_return" in cells[("PB", "returns")] and "park=PB" in cells[("PB", "returns")]


def test_the_linked_list_shows_the_counted_records(client):
    _world()
    client.force_login(_city_user())
    body = client.get("/city/", {"period": PERIOD}).content.decode()
    href = re.search(r'href="([^"]+)"', _cells(body)[("PB", "petitions")]).group(1).replace("&amp;", "&")
    page = client.get(href).content.decode()
    subjects = set(re.findall(r">(信访\d+)<", page))
    assert len(subjects) == 1  # the open 70-day one, not the closed 80-day one


def test_a_park_user_sees_only_his_park_and_no_link_without_reading_rights(client):
    _world()
    staff = make_user("pb-leader", "leader", park="PB")
    client.force_login(staff)
    cells = _cells(client.get("/city/", {"period": PERIOD}).content.decode())
    assert {park for park, _key in cells} == {"PB"}
    assert all("href=" in html for html in cells.values())
    # a counted park whose ledgers the user may not read shows the figure without a link
    rows = alarm_table(staff, [Park.objects.get(code="PB"), Park.objects.get(code="PC")],
                       SimpleNamespace(period=Period.parse(PERIOD), as_of=AS_OF))
    pc = next(r for r in rows if r["code"] == "PC")
    assert all(c["url"] is None for c in pc["cells"])
    assert all(c["url"] for c in rows[0]["cells"])


def _more_parks(n: int) -> list[Park]:
    parks = []
    for i in range(n):
        park = Park.objects.create(code=f"Q{i}", name=f"园区{i}", city="宁波")
        Park.objects.create(code=f"Q{i}-S", name=f"分园{i}", parent=park)
        _hazard(park.code)
        _hazard(f"Q{i}-S")
        _petition(park.code, 90)
        _late_project(park.code)
        _enterprise(f"Q{i}-S", reported=("2022-08",))
        parks.append(park)
    return parks


def _queries(fn) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def test_the_query_count_does_not_grow_with_the_parks():
    from parkledger.city.selectors import monthly_output, permu_grades, top_enterprises

    parks = _more_parks(3)
    user = _city_user()
    sel = SimpleNamespace(period=Period.parse(PERIOD), as_of=AS_OF)
    period = sel.period

    def reads(subset: list[Park]):
        def run():
            table = alarm_table(user, subset, sel)
            monthly_output(subset, period)
            permu_grades(subset, 2021)
            top_enterprises(subset, 2021)
            return table
        return run

    alarm_table(user, parks, sel)  # the user's roles and parks, read once per request
    two, three = _queries(reads(parks[:2])), _queries(reads(parks))
    assert two == three
    # one grouped query per alarm type (plus the park tree), and the counts are each park's own
    assert _queries(lambda: city_alarms(parks, period, AS_OF, lambda kind, qs: access.scope(user, kind, qs))) == 5
    rows = alarm_table(user, parks, sel)
    assert [[c["count"] for c in r["cells"]] for r in rows] == [[2, 1, 1, 1]] * 3
