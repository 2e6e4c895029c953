"""`governance_hazard_deadline`: every hazard with a deadline and its park, kept by the database.

`safety.hazards_overdue` reads it, so after every kind of write the table must hold exactly what the
ledgers say: one row per hazard with a deadline, with the park of its inspection's enterprise.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection, transaction

from parkledger.core.models import Enterprise, Park
from parkledger.dataio import importing
from parkledger.dataio.importing import import_rows
from parkledger.governance import hazard_deadlines
from parkledger.governance.models import Hazard, HazardDeadline, Inspection
from parkledger.indicators.engine import compute_figures
from parkledger.lib.uscc import make_uscc

pytestmark = pytest.mark.django_db(transaction=True)

E1, E2, X1 = (make_uscc(f"91330281MA3{n:06d}") for n in range(1, 4))


def from_ledgers() -> set[tuple]:
    """The rows the table should hold, computed from the ledgers."""
    return {
        (h.pk, h.inspection.uscc.park_id, h.deadline, h.rectified_on)
        for h in Hazard.objects.select_related("inspection__uscc").filter(deadline__isnull=False)
    }


def stored() -> set[tuple]:
    return set(HazardDeadline.objects.values_list("hazard_id", "park", "deadline", "rectified_on"))


def assert_in_step() -> None:
    assert stored() == from_ledgers()


def overdue_by_definition(park: str, d: date) -> int:
    """`safety.hazards_overdue` as the dictionary defines it, through the inspections."""
    parks = [park, *Park.objects.filter(parent_id=park).values_list("code", flat=True)]
    return Hazard.objects.filter(inspection__uscc__park__in=parks, deadline__lt=d).exclude(rectified_on__lte=d).count()


@pytest.fixture
def ledgers():
    Park.objects.create(code="ECO", name="生态园")
    Park.objects.create(code="ECO-CEE", name="中东欧园", parent_id="ECO")
    Park.objects.create(code="OTHER", name="别的园区")
    for uscc, park in ((E1, "ECO"), (E2, "ECO-CEE"), (X1, "OTHER")):
        Enterprise.objects.create(uscc=uscc, name=f"企业{uscc[-3:]}", park_id=park, registered_on=date(2015, 1, 1))
    Inspection.objects.create(code="I1", uscc_id=E1, inspected_on=date(2022, 1, 10))
    Inspection.objects.create(code="I2", uscc_id=E2, inspected_on=date(2022, 3, 1))
    Inspection.objects.create(code="I3", uscc_id=X1, inspected_on=date(2022, 4, 1))
    Hazard.objects.create(code="H1", inspection_id="I1", description="a", deadline=date(2022, 2, 1))
    Hazard.objects.create(code="H2", inspection_id="I1", description="b", deadline=date(2022, 2, 1),
                          rectified_on=date(2022, 1, 20))
    Hazard.objects.create(code="H3", inspection_id="I1", description="c")  # no deadline: no row
    Hazard.objects.create(code="H4", inspection_id="I2", description="d", deadline=date(2022, 4, 1),
                          rectified_on=date(2022, 10, 1))
    Hazard.objects.create(code="H5", inspection_id="I3", description="e", deadline=date(2022, 5, 1))


def test_rows_follow_creates_saves_and_updates(ledgers):
    assert len(stored()) == 4
    assert_in_step()
    h3 = Hazard.objects.get(code="H3")
    h3.deadline = date(2022, 3, 1)
    h3.save()  # a deadline set: a row appears
    assert_in_step()
    Hazard.objects.filter(code="H1").update(deadline=None)  # cleared: its row goes
    Hazard.objects.filter(code="H4").update(rectified_on=date(2022, 5, 1))
    assert_in_step()
    Hazard.objects.filter(code="H5").update(inspection_id="I1")  # now a hazard of ECO
    assert_in_step()
    Hazard.objects.filter(code="H2").delete()
    assert_in_step()


def test_rows_follow_inspections_and_moving_enterprises(ledgers):
    Inspection.objects.filter(code="I3").update(uscc_id=E1)
    assert_in_step()
    ent = Enterprise.objects.get(uscc=E1)
    ent.park_id = "OTHER"
    ent.save()
    assert_in_step()
    Enterprise.objects.filter(uscc=E2).update(park_id="ECO")
    assert_in_step()


def test_rows_follow_bulk_writes_in_any_order(ledgers):
    # hazards before their inspection and the inspection before its enterprise (deferred references)
    with transaction.atomic():
        Hazard.objects.bulk_create([
            Hazard(code=f"B{n}", inspection_id="I9", description="x", deadline=date(2022, 6, n)) for n in range(1, 4)
        ])
        Inspection.objects.bulk_create([Inspection(code="I9", uscc_id=make_uscc("91330281MA3000009"),
                                                   inspected_on=date(2022, 6, 1))])
        Enterprise.objects.bulk_create([Enterprise(uscc=make_uscc("91330281MA3000009"), name="新企业",
                                                   park_id="ECO-CEE", registered_on=date(2020, 1, 1))])
    assert_in_step()
    assert HazardDeadline.objects.filter(park="ECO-CEE").count() == 4


@pytest.mark.parametrize("copy", [False, True])
def test_rows_follow_imports(ledgers, monkeypatch, copy):
    if copy:
        if connection.vendor != "postgresql":
            pytest.skip("COPY is the PostgreSQL import path")
        monkeypatch.setattr(importing, "COPY_THRESHOLD", 1)
    result = import_rows("hazard", [
        {"code": "M1", "inspection": "I2", "description": "m", "level": "general", "deadline": "2022-05-01"},
        {"code": "H5", "inspection": "I3", "description": "e", "level": "general", "deadline": "2022-05-02",
         "rectified_on": "2022-06-01"},
    ])
    assert result.ok, result.issue_lines()
    assert_in_step()
    result = import_rows("enterprise", [
        {"uscc": X1, "name": f"企业{X1[-3:]}", "park": "ECO", "registered_on": "2015-01-01"},
    ])
    assert result.ok, result.issue_lines()
    assert_in_step()


def test_flush_empties_the_table(ledgers):
    from django.core.management import call_command

    call_command("flush", interactive=False, verbosity=0)
    assert stored() == set()


def test_a_missing_trigger_is_put_back_and_the_rows_rebuilt(ledgers):
    with connection.cursor() as cur:
        on = "" if connection.vendor == "sqlite" else " ON core_enterprise"
        cur.execute(f"DROP TRIGGER gov_hzdl_ent_upd{on}")
    Enterprise.objects.filter(uscc=E1).update(park_id="OTHER")
    assert stored() != from_ledgers()  # what a migration remaking the table on SQLite would leave
    assert hazard_deadlines.missing_triggers(connection) == ["gov_hzdl_ent_upd"]
    assert hazard_deadlines.ensure(connection) is True
    assert hazard_deadlines.missing_triggers(connection) == []
    assert_in_step()
    assert hazard_deadlines.ensure(connection) is False


def test_the_overdue_count_is_the_dictionarys(ledgers):
    Hazard.objects.create(code="H6", inspection_id="I2", description="f", deadline=date(2022, 9, 30))  # due on D
    Hazard.objects.create(code="H7", inspection_id="I1", description="g", deadline=date(2021, 5, 1),
                          rectified_on=date(2022, 9, 30))  # rectified on D
    for park in ("ECO", "ECO-CEE", "OTHER"):
        for period, d in (("2022-09", date(2022, 9, 30)), ("2022-03", date(2022, 3, 31)), ("2021-12", date(2021, 12, 31))):
            figure = compute_figures(park, period, ["safety.hazards_overdue"])["safety.hazards_overdue"]
            assert figure.value == Decimal(overdue_by_definition(park, d)), (park, period)
    # ECO on 2022-09-30: H1 (open) and H4 (ECO-CEE, rectified after D) → 2
    assert compute_figures("ECO", "2022-09", ["safety.hazards_overdue"])["safety.hazards_overdue"].value == 2
