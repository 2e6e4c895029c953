"""(四) 综合治理: `safety.*`, `env.*` and `gov.*` on a small hand-built ledger (P = 2022-09 unless said).

W = 2022-01-01 … 2022-09-30; D = 2022-09-30; W′ = 2021-01-01 … 2021-09-30.
Parks: ECO with sub-park ECO-CEE, and OTHER. Enterprises E1…E5 of ECO, C1 of ECO-CEE, X1 of OTHER.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from parkledger.core.models import Enterprise, Park
from parkledger.governance.models import (
    AirSample,
    Dispute,
    EnvCase,
    GovernanceIssue,
    Hazard,
    Inspection,
    OdourCase,
    Petition,
    SafetyInsurance,
    SafetyLetter,
    SafetyOutreach,
    WaterSample,
)
from parkledger.indicators.engine import compute_figures
from parkledger.lib.uscc import make_uscc

pytestmark = pytest.mark.django_db

E1, E2, E3, E4, E5, C1, X1 = (make_uscc(f"91330281MA2{n:06d}") for n in range(1, 8))


def fig(park: str, key: str, period: str = "2022-09"):
    return compute_figures(park, period, [key])[key]


def check(park: str, key: str, value: str | None, text: str | None, period: str = "2022-09") -> None:
    f = fig(park, key, period)
    assert (f.value, f.text) == (None if value is None else Decimal(value), text), f.reason


@pytest.fixture
def parks():
    Park.objects.create(code="ECO", name="生态园")
    Park.objects.create(code="ECO-CEE", name="中东欧国际产业合作园", parent_id="ECO")
    Park.objects.create(code="OTHER", name="别的园区")
    for uscc, park, registered, closed in [
        (E1, "ECO", date(2015, 1, 1), None),
        (E2, "ECO", date(2022, 9, 30), None),             # registered on D: active
        (E3, "ECO", date(2022, 10, 1), None),             # registered after D: not active
        (E4, "ECO", date(2015, 1, 1), date(2022, 9, 30)),  # closed on D: not active
        (E5, "ECO", date(2015, 1, 1), date(2022, 10, 1)),  # closed after D: active
        (C1, "ECO-CEE", date(2015, 1, 1), None),
        (X1, "OTHER", date(2015, 1, 1), None),
    ]:
        Enterprise.objects.create(uscc=uscc, name=f"企业{uscc[-3:]}", park_id=park, registered_on=registered,
                                  closed_on=closed)


# -- safety ----------------------------------------------------------------------------------------

def test_letter_rate_of_active_enterprises(parks):
    SafetyLetter.objects.create(uscc_id=E1, year=2022, signed_on=date(2022, 9, 30))  # signed on D: counts
    SafetyLetter.objects.create(uscc_id=E2, year=2022, signed_on=date(2022, 10, 1))   # after D: not yet
    SafetyLetter.objects.create(uscc_id=E4, year=2022, signed_on=date(2022, 3, 1))    # closed: out of both parts
    SafetyLetter.objects.create(uscc_id=E5, year=2021, signed_on=date(2021, 3, 1))    # last year's letter
    SafetyLetter.objects.create(uscc_id=C1, year=2022, signed_on=date(2022, 1, 1))    # sub-park
    SafetyLetter.objects.create(uscc_id=X1, year=2022, signed_on=date(2022, 1, 1))    # other park
    # active at D: E1, E2, E5, C1 = 4; signed for 2022 by D: E1, C1 = 2 → 2/4 = 50%
    check("ECO", "safety.letter_rate", "50", "50")
    # ECO-CEE: C1 alone, signed → 100%
    check("ECO-CEE", "safety.letter_rate", "100", "100")


def test_letter_rate_rounds_half_up(parks):
    # active at D: E1, E2, E5, C1 and twelve new ones = 16; one signed → 1/16 × 100 = 6.25 → half-up "6.3"
    for n in range(10, 22):
        Enterprise.objects.create(uscc=make_uscc(f"91330281MA2{n:06d}"), name=f"新企业{n}", park_id="ECO",
                                  registered_on=date(2020, 1, 1))
    SafetyLetter.objects.create(uscc_id=E1, year=2022, signed_on=date(2022, 2, 1))
    check("ECO", "safety.letter_rate", "6.25", "6.3")


def test_letter_rate_undefined_without_active_enterprises():
    Park.objects.create(code="EMPTY", name="空园区")
    f = fig("EMPTY", "safety.letter_rate")
    assert f.value is None and f.text is None and "无在册企业" in f.reason


def test_insured_covering_d(parks):
    SafetyInsurance.objects.create(uscc_id=E1, insured_from=date(2022, 1, 1), insured_to=date(2022, 9, 30))  # to = D
    SafetyInsurance.objects.create(uscc_id=E1, insured_from=date(2022, 9, 1), insured_to=None)  # same enterprise
    SafetyInsurance.objects.create(uscc_id=E2, insured_from=date(2022, 9, 30), insured_to=None)  # from = D
    SafetyInsurance.objects.create(uscc_id=E5, insured_from=date(2021, 1, 1), insured_to=date(2022, 9, 29))  # ended
    SafetyInsurance.objects.create(uscc_id=C1, insured_from=date(2022, 10, 1), insured_to=None)  # starts after D
    SafetyInsurance.objects.create(uscc_id=X1, insured_from=date(2022, 1, 1), insured_to=None)  # other park
    # distinct enterprises covered on D: E1, E2 → 2
    check("ECO", "safety.insured", "2", "2")
    # a year earlier (D = 2021-09-30): E5 only
    check("ECO", "safety.insured", "1", "1", period="2021-09")


@pytest.fixture
def inspections(parks):
    rows = [
        # code, uscc, inspected_on, hazards: (deadline, rectified_on)
        ("I1", E1, date(2022, 1, 1), [(date(2022, 2, 1), date(2022, 1, 20)), (None, None)]),
        ("I2", E1, date(2022, 9, 30), [(date(2022, 10, 15), None)]),
        ("I3", C1, date(2022, 5, 1), [(date(2022, 9, 30), None), (date(2022, 9, 29), date(2022, 10, 1))]),
        ("I4", E2, date(2021, 12, 31), [(date(2022, 1, 31), None)]),
        ("I5", E5, date(2022, 10, 1), [(date(2022, 10, 2), None)]),
        ("I6", X1, date(2022, 3, 1), [(date(2022, 3, 5), None)]),
        ("I7", E5, date(2022, 6, 1), []),
    ]
    for code, uscc, on, hazards in rows:
        Inspection.objects.create(code=code, uscc_id=uscc, inspected_on=on)
        for n, (deadline, rectified) in enumerate(hazards):
            Hazard.objects.create(inspection_id=code, description=f"{code}隐患{n}", deadline=deadline,
                                  rectified_on=rectified)


def test_inspections_hazards_and_orders(inspections):
    # inspections in W: I1 (1 Jan), I2 (30 Sep = D), I3 (ECO-CEE), I7 → 4; I4 31 Dec 2021, I5 1 Oct, I6 OTHER out
    check("ECO", "safety.inspections", "4", "4")
    # their hazards: I1 2 + I2 1 + I3 2 + I7 0 = 5
    check("ECO", "safety.hazards", "5", "5")
    # enterprises with a hazard having a deadline: E1 (I1, I2), C1 (I3) → 2 (E5's I7 has none)
    check("ECO", "safety.ordered", "2", "2")
    check("ECO-CEE", "safety.inspections", "1", "1")


def test_hazards_overdue(inspections):
    # deadline < D and not rectified by D:
    #   I1 #0 deadline 2022-02-01 rectified 2022-01-20 → no;  I1 #1 no deadline → no
    #   I2 deadline 2022-10-15 → not yet due;  I3 #0 deadline = D → not overdue
    #   I3 #1 deadline 2022-09-29, rectified 2022-10-01 (after D) → overdue
    #   I4 (inspected 2021) deadline 2022-01-31 open → overdue;  I5 deadline after D;  I6 OTHER
    check("ECO", "safety.hazards_overdue", "2", "2")


def test_outreach_sums(parks):
    for park, on, kind, qty in [
        ("ECO", date(2022, 1, 1), "materials", "3000"), ("ECO-CEE", date(2022, 9, 30), "materials", "560"),
        ("ECO", date(2021, 12, 31), "materials", "100"), ("ECO", date(2022, 10, 1), "materials", "100"),
        ("OTHER", date(2022, 5, 1), "materials", "100"),
        ("ECO", date(2022, 4, 1), "messages", "5600"), ("ECO", date(2022, 5, 1), "messages", "78"),
        ("ECO", date(2022, 6, 1), "cert_training", "45"),
        ("ECO", date(2022, 7, 1), "staff_training", "1234"), ("ECO", date(2022, 8, 1), "staff_training", None),
    ]:
        SafetyOutreach.objects.create(park_id=park, held_on=on, kind=kind, quantity=None if qty is None else Decimal(qty))
    check("ECO", "safety.materials", "3560", "3560")  # 3000 + 560
    check("ECO", "safety.messages", "5678", "5678")  # 5600 + 78
    check("ECO", "safety.cert_training", "45", "45")
    check("ECO", "safety.staff_training", "1234", "1234")  # an empty quantity counts as 0


# -- environment -----------------------------------------------------------------------------------------

def test_odour_cases(parks):
    for uscc, listed, target in [
        (E1, date(2022, 1, 1), 2023), (E1, date(2022, 6, 1), 2023),  # the same enterprise twice
        (C1, date(2022, 9, 30), 2022), (E2, date(2021, 12, 31), 2023), (E5, date(2022, 10, 1), 2023),
        (X1, date(2022, 3, 1), 2023),
    ]:
        OdourCase.objects.create(uscc_id=uscc, listed_on=listed, target_year=target)
    # listed in W, distinct enterprises: E1, C1 → 2
    check("ECO", "env.odour_listed", "2", "2")
    # listed by D with target 2023: E1, E2 (listed 2021) → 2; E5 listed after D, X1 other park
    check("ECO", "env.odour_next_year", "2", "2")


def test_air_samples_per_month(parks):
    # distinct dates in W: 2022-01-01 (two stations), 2022-03-15, 2022-06-01, 2022-09-30 (ECO-CEE) → 4
    for park, station, on in [
        ("ECO", "A", date(2022, 1, 1)), ("ECO", "B", date(2022, 1, 1)), ("ECO", "A", date(2022, 3, 15)),
        ("ECO", "A", date(2022, 6, 1)), ("ECO-CEE", "C", date(2022, 9, 30)), ("ECO", "A", date(2021, 12, 31)),
        ("ECO", "A", date(2022, 10, 1)), ("OTHER", "X", date(2022, 2, 1)),
    ]:
        AirSample.objects.create(park_id=park, station=station, sampled_on=on)
    check("ECO", "env.air_samples_per_month", "0", "0")  # 4 / 9 = 0.44… → 0
    # P = 2022-08 with two August days added: 1 Jan, 15 Mar, 1 Jun, 1 Aug, 31 Aug = 5 → 5/8 = 0.625 → 1
    AirSample.objects.create(park_id="ECO", station="A", sampled_on=date(2022, 8, 1))
    AirSample.objects.create(park_id="ECO", station="A", sampled_on=date(2022, 8, 31))
    check("ECO", "env.air_samples_per_month", "1", "1", period="2022-08")
    # P = 2022-02: 1 date in Jan and Feb (1 Jan) → 1/2 = 0.5 → half-up 1
    check("ECO", "env.air_samples_per_month", "1", "1", period="2022-02")


def test_water_compliance_rate(parks):
    for park, on, ok in [
        ("ECO", date(2022, 1, 1), True), ("ECO", date(2022, 2, 1), True), ("ECO", date(2022, 3, 1), True),
        ("ECO-CEE", date(2022, 9, 30), True), ("ECO", date(2022, 5, 1), True), ("ECO", date(2022, 6, 1), True),
        ("ECO", date(2022, 7, 1), True), ("ECO", date(2022, 8, 1), False),
        ("ECO", date(2021, 12, 31), False), ("ECO", date(2022, 10, 1), False), ("OTHER", date(2022, 1, 5), False),
    ]:
        WaterSample.objects.create(park_id=park, station="S", sampled_on=on, compliant=ok)
    # rows in W: 8, compliant 7 → 87.5%
    check("ECO", "env.water_compliance_rate", "87.5", "87.5")
    # no rows in W of 2020 → undefined, not 0
    f = fig("ECO", "env.water_compliance_rate", "2020-09")
    assert f.value is None and "无水质监测记录" in f.reason


def test_violators(parks):
    for uscc, on, action in [
        (E1, date(2022, 1, 1), "rectify"), (E1, date(2022, 2, 1), "penalty"), (E1, date(2022, 3, 1), "penalty"),
        (C1, date(2022, 9, 30), "closure"), (E2, date(2022, 4, 1), "rectify"),
        (E5, date(2021, 12, 31), "penalty"), (E5, date(2022, 10, 1), "penalty"), (X1, date(2022, 5, 1), "rectify"),
    ]:
        EnvCase.objects.create(uscc_id=uscc, found_on=on, violation="违规", action=action)
    check("ECO", "env.violators", "3", "3")  # E1, C1, E2
    check("ECO", "env.violators.rectify", "2", "2")  # E1, E2
    check("ECO", "env.violators.penalty", "1", "1")  # E1 (twice)
    check("ECO", "env.violators.closure", "1", "1")  # C1


# -- social governance ---------------------------------------------------------------------------------

def test_issues_rectified(parks):
    for park, found, rectified in [
        ("ECO", date(2021, 11, 1), date(2022, 1, 1)), ("ECO-CEE", date(2022, 9, 1), date(2022, 9, 30)),
        ("ECO", date(2021, 11, 1), date(2021, 12, 31)), ("ECO", date(2022, 9, 1), date(2022, 10, 1)),
        ("ECO", date(2022, 9, 1), None), ("OTHER", date(2022, 1, 1), date(2022, 2, 1)),
    ]:
        GovernanceIssue.objects.create(park_id=park, category="garbage", found_on=found, rectified_on=rectified)
    check("ECO", "gov.issues_rectified", "2", "2")


@pytest.fixture
def petitions(parks):
    rows = [
        # code, park, received, closed
        ("P1", "ECO", date(2022, 1, 1), date(2022, 1, 20)),
        ("P2", "ECO", date(2022, 3, 1), date(2022, 9, 30)),     # closed on D
        ("P3", "ECO-CEE", date(2022, 9, 30), None),             # received on D, open
        ("P4", "ECO", date(2021, 12, 1), date(2022, 2, 1)),     # received last year, closed in W
        ("P5", "ECO", date(2022, 5, 1), date(2022, 10, 1)),     # closed after D
        ("P6", "ECO", date(2022, 8, 1), None),                  # open, D − received = 60 days
        ("P7", "ECO", date(2022, 7, 31), None),                 # open, 61 days
        ("P8", "OTHER", date(2022, 1, 1), None),
        ("P9", "ECO", date(2022, 10, 1), None),                 # received after D
    ]
    for code, park, received, closed in rows:
        Petition.objects.create(code=code, park_id=park, source="public", subject=code, received_on=received,
                                closed_on=closed)


def test_petitions_closed_whenever_received(petitions):
    # closed in W: P1, P2, P4 → 3
    check("ECO", "gov.petitions_closed", "3", "3")


def test_petition_closure_rate(petitions):
    # received in W: P1, P2, P3, P5, P6, P7 = 6; closed by D among them: P1, P2 = 2 → 33.333…% → "33.3"
    f = fig("ECO", "gov.petition_closure_rate")
    assert f.text == "33.3" and f.value == Decimal(2) / Decimal(6) * 100


def test_petitions_overdue_after_60_days(petitions):
    # not closed by D and D − received > 60: P5 (152 days, closed after D), P7 (61 days); P6 exactly 60 → no
    check("ECO", "gov.petitions_overdue", "2", "2")
    check("ECO-CEE", "gov.petitions_overdue", "0", "0")


@pytest.fixture
def disputes(parks):
    for park, mediated, outcome in [
        ("ECO", date(2022, 1, 1), "success"), ("ECO", date(2022, 2, 1), "success"),
        ("ECO-CEE", date(2022, 9, 30), "success"), ("ECO", date(2022, 3, 1), "failed"),
        ("ECO", date(2022, 4, 1), "pending"),  # pending: not mediated even with a date
        ("ECO", date(2021, 12, 31), "success"), ("ECO", date(2022, 10, 1), "failed"),
        ("OTHER", date(2022, 5, 1), "failed"), ("ECO", None, "pending"),
    ]:
        Dispute.objects.create(park_id=park, received_on=date(2021, 12, 1), mediated_on=mediated, outcome=outcome)


def test_disputes_mediated_and_success_rate(disputes):
    check("ECO", "gov.disputes_mediated", "4", "4")  # 3 successes + 1 failure in W
    check("ECO", "gov.mediation_success_rate", "75", "75")  # 3 / 4
    check("ECO-CEE", "gov.mediation_success_rate", "100", "100")
    # a park without mediations: undefined, not 0
    f = fig("OTHER", "gov.mediation_success_rate", "2021-09")
    assert f.value is None and f.text is None
