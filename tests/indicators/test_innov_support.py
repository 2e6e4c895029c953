"""(二) 企业创新与助企纾困: distinct enterprises, windows, sums — expected figures worked out by hand."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from parkledger.economy.models import (
    Disbursement,
    Patent,
    PermuEvaluation,
    Qualification,
    ServiceRequest,
    TechUpgradeAcceptance,
)
from parkledger.indicators.engine import compute_figures

from .hand_data import enterprise, parks, text

pytestmark = pytest.mark.django_db

P = "2022-09"


@pytest.fixture
def firms():
    parks()
    return {n: enterprise(n, park) for n, park in [(1, "ECO"), (2, "ECO"), (3, "ECO-CEE"), (9, "OTHER")]}


def qual(e, kind, applied_on=None, granted_on=None):
    Qualification.objects.create(uscc=e, kind=kind, applied_on=applied_on, granted_on=granted_on)


def test_qualifications_count_distinct_enterprises_granted_or_applied_in_w(firms):
    e1, e2, e3, e9 = firms[1], firms[2], firms[3], firms[9]
    d = date
    qual(e1, "engineering_center", granted_on=d(2022, 1, 1))
    qual(e1, "engineering_center", granted_on=d(2022, 6, 1))    # same enterprise again: one 家
    qual(e3, "engineering_center", granted_on=d(2022, 9, 30))   # sub-park, on D
    qual(e2, "engineering_center", granted_on=d(2021, 12, 31))  # last year
    qual(e2, "engineering_center", applied_on=d(2022, 3, 1))    # applied, not granted
    qual(e9, "engineering_center", granted_on=d(2022, 3, 1))    # other park
    qual(e2, "hte_pool", granted_on=d(2022, 10, 1))             # after D
    qual(e2, "hte_pool", granted_on=d(2022, 2, 2))
    qual(e1, "hte", applied_on=d(2022, 4, 4), granted_on=d(2022, 12, 1))
    qual(e2, "hte", applied_on=d(2022, 9, 30))
    qual(e3, "hte", applied_on=d(2021, 9, 30))
    qual(e3, "provincial_tech_sme", applied_on=d(2022, 1, 1))
    qual(e3, "provincial_tech_sme", applied_on=d(2022, 2, 1))
    qual(e9, "national_tech_sme", applied_on=d(2022, 2, 1))
    figs = compute_figures("ECO", P, ["innov.engineering_centers", "innov.hte_pool_added", "innov.applied.hte",
                                      "innov.applied.provincial_tech_sme", "innov.applied.national_tech_sme"])
    # engineering centres: e1 (twice), e3 = 2; hte_pool: e2 (Feb) = 1; hte applied: e1, e2 = 2
    # provincial: e3 (twice) = 1; national: only another park's = 0
    assert [f.text for f in figs.values()] == ["2", "1", "2", "1", "0"]


def test_patents_and_inventions(firms):
    d = date
    for n, (e, kind, on) in enumerate([
        (firms[1], "invention", d(2022, 1, 1)), (firms[1], "utility", d(2022, 9, 30)),
        (firms[3], "invention", d(2022, 5, 5)), (firms[2], "design", d(2021, 12, 31)),
        (firms[2], "invention", d(2022, 10, 1)), (firms[9], "invention", d(2022, 5, 5)),
    ]):
        Patent.objects.create(uscc=e, number=f"ZL{n}", kind=kind, granted_on=on)
    # in W: ZL0, ZL1, ZL2 = 3; inventions ZL0, ZL2 = 2
    assert text("ECO", P, "innov.patents") == "3"
    assert text("ECO", P, "innov.patents.invention") == "2"


def test_permu_grade_a_counts_year_y_rows_graded_a(firms):
    for e, year, grade in [(firms[1], 2022, "A"), (firms[2], 2022, "B"), (firms[3], 2022, "A"),
                           (firms[2], 2021, "A"), (firms[9], 2022, "A")]:
        PermuEvaluation.objects.create(uscc=e, year=year, grade=grade)
    assert text("ECO", P, "support.permu_grade_a") == "2"      # e1, e3 (sub-park)
    assert text("ECO-CEE", P, "support.permu_grade_a") == "1"
    assert text("ECO", "2021-12", "support.permu_grade_a") == "1"


def test_tech_upgrade_distinct_enterprises_and_subsidy(firms):
    d = date
    for e, on, subsidy in [(firms[1], d(2022, 1, 1), Decimal("120.5")), (firms[1], d(2022, 3, 1), 80),
                           (firms[3], d(2022, 9, 30), None), (firms[2], d(2022, 10, 1), 999),
                           (firms[9], d(2022, 2, 2), 999)]:
        TechUpgradeAcceptance.objects.create(uscc=e, project_name="技改", accepted_on=on, subsidy=subsidy)
    # enterprises e1, e3 = 2; subsidy 120.5 + 80 + (empty → 0) = 200.5 万元
    assert text("ECO", P, "support.tech_upgrade") == "2"
    assert text("ECO", P, "support.tech_upgrade.subsidy") == "200.5"


def pay(park, kind, amount, on, e=None):
    Disbursement.objects.create(park_id=park, uscc=e, kind=kind, amount=amount, paid_on=on)


def test_disbursements_count_enterprises_and_sum_amounts(firms):
    d = date
    e1, e2, e3 = firms[1], firms[2], firms[3]
    pay("ECO", "loan_interest", 10, d(2022, 1, 1), e1)
    pay("ECO", "loan_interest", 0, d(2022, 2, 1), e2)       # zero amount still counts
    pay("ECO", "loan_interest", 5, d(2022, 3, 1), e1)       # e1 again
    pay("ECO", "loan_interest", 5, d(2022, 3, 1))           # no uscc: not counted as an enterprise
    pay("ECO-CEE", "loan_interest", 5, d(2022, 9, 30), e3)
    pay("ECO", "loan_interest", 5, d(2022, 10, 1), e3)
    pay("OTHER", "loan_interest", 5, d(2022, 3, 1), e1)     # belongs to OTHER by its own park
    pay("ECO", "quality_award", Decimal("100.125"), d(2022, 4, 1), e1)
    pay("ECO", "quality_award", Decimal("50"), d(2022, 4, 2))
    pay("ECO", "quality_award", Decimal("7"), d(2021, 4, 2), e2)
    pay("ECO", "staff_retention", 3000, d(2022, 1, 1))
    pay("ECO", "travel", Decimal("1560.4"), d(2022, 5, 1), e1)
    pay("ECO-CEE", "industry_support", 1000, d(2022, 9, 30), e3)
    pay("ECO", "rent_relief", 888, d(2022, 5, 1), e1)       # not a relief kind here
    pay("ECO", "staff_retention", 999, d(2022, 10, 1), e1)
    figs = compute_figures("ECO", P, ["support.loan_interest", "support.quality_award",
                                      "support.quality_award.amount", "support.relief_total"])
    # loan interest: e1, e2, e3 = 3
    assert figs["support.loan_interest"].text == "3"
    # quality award: e1 only (a row without uscc adds to the sum only) = 1; 100.125 + 50 = 150.125 → 150.13
    assert figs["support.quality_award"].text == "1"
    assert figs["support.quality_award.amount"].value == Decimal("150.125")
    assert figs["support.quality_award.amount"].text == "150.13"
    # relief: 3000 + 1560.4 + 1000 = 5560.4 万元 → quoted 超5500万元
    f = figs["support.relief_total"]
    assert f.text == "5560.4" and f.extra["floor"] == Decimal(5500)
    assert text("OTHER", P, "support.loan_interest") == "1"


def test_service_requests_received_in_w():
    parks()
    d = date
    for park, on in [("ECO", d(2022, 1, 1)), ("ECO-CEE", d(2022, 9, 30)), ("ECO", d(2021, 12, 31)),
                     ("ECO", d(2022, 10, 1)), ("OTHER", d(2022, 5, 5))]:
        ServiceRequest.objects.create(park_id=park, kind="用工", received_on=on)
    assert text("ECO", P, "support.service_requests") == "2"
