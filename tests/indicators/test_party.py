"""(六) 党建与队伍: `party.*` on a small hand-built ledger (P = 2022-09 unless said).

W = 2022-01-01 … 2022-09-30; W′ = 2021-01-01 … 2021-09-30. Parks: ECO with sub-park ECO-CEE, and OTHER.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from parkledger.core.models import Enterprise, Park
from parkledger.indicators.engine import compute_figures
from parkledger.lib.uscc import make_uscc
from parkledger.party.models import PartyActivity, TaskForce, Union

pytestmark = pytest.mark.django_db

E1, E2, E3, E4, C1, X1 = (make_uscc(f"91330281MA2{n:06d}") for n in range(1, 7))


def check(park: str, key: str, value: str, period: str = "2022-09") -> None:
    f = compute_figures(park, period, [key])[key]
    assert (f.value, f.text) == (Decimal(value), value), f.reason


@pytest.fixture
def ledger():
    Park.objects.create(code="ECO", name="生态园")
    Park.objects.create(code="ECO-CEE", name="中东欧国际产业合作园", parent_id="ECO")
    Park.objects.create(code="OTHER", name="别的园区")
    for park, on, kind, participants in [
        ("ECO", date(2022, 1, 1), "night_study", 30),
        ("ECO-CEE", date(2022, 9, 30), "night_study", 20),
        ("ECO", date(2022, 3, 1), "night_study", None),
        ("ECO", date(2021, 12, 31), "night_study", 30),
        ("ECO", date(2022, 10, 1), "night_study", 30),
        ("OTHER", date(2022, 2, 1), "night_study", 30),
        ("ECO", date(2022, 2, 1), "lecture", 80),
        ("ECO-CEE", date(2022, 7, 1), "activity", 40),
        ("ECO", date(2021, 9, 30), "lecture", 60),
        ("ECO", date(2022, 4, 1), "training", 120),
        ("ECO", date(2022, 5, 1), "training", 85),
        ("ECO", date(2022, 6, 1), "training", None),
        ("ECO", date(2022, 10, 1), "training", 500),
        ("ECO", date(2022, 3, 1), "duty", 36),
        ("ECO-CEE", date(2022, 9, 30), "duty", 14),
        ("OTHER", date(2022, 3, 1), "duty", 99),
    ]:
        PartyActivity.objects.create(park_id=park, held_on=on, kind=kind, participants=participants)
    for uscc, park, founded in [(E1, "ECO", date(2022, 1, 1)), (C1, "ECO-CEE", date(2022, 9, 30)),
                                (E2, "ECO", date(2021, 12, 31)), (E3, "ECO", date(2022, 10, 1)),
                                (E4, "ECO", None), (X1, "OTHER", date(2022, 5, 1))]:
        Enterprise.objects.create(uscc=uscc, name=f"企业{uscc[-3:]}", park_id=park, registered_on=date(2015, 1, 1))
        Union.objects.create(uscc_id=uscc, founded_on=founded)
    for park, formed in [("ECO", date(2022, 1, 1)), ("ECO-CEE", date(2022, 9, 30)), ("ECO", date(2021, 12, 31)),
                         ("ECO", date(2022, 10, 1)), ("OTHER", date(2022, 4, 1))]:
        TaskForce.objects.create(park_id=park, name=f"专班{formed}", formed_on=formed)


def test_night_study(ledger):
    check("ECO", "party.night_study", "3")  # 1 Jan, 30 Sep (ECO-CEE), 1 Mar; 31 Dec 2021, 1 Oct, OTHER out
    check("ECO-CEE", "party.night_study", "1")


def test_lectures_and_activities(ledger):
    check("ECO", "party.activities", "2")  # lecture 1 Feb + activity 1 Jul (ECO-CEE)
    # a year earlier the lecture of 30 Sep 2021 is on the last day of W′
    check("ECO", "party.activities", "1", period="2021-09")


def test_training_participants(ledger):
    check("ECO", "party.training", "205")  # 120 + 85 + empty (0); 1 Oct out


def test_duty_participants(ledger):
    check("ECO", "party.duty", "50")  # 36 + 14 (ECO-CEE); OTHER out
    check("OTHER", "party.duty", "99")


def test_unions(ledger):
    check("ECO", "party.unions", "2")  # E1 (1 Jan), C1 (30 Sep); 2021, after D, no date and OTHER out


def test_task_forces(ledger):
    check("ECO", "party.task_forces", "2")
    check("ECO", "party.task_forces", "0", period="2021-09")  # the 31 Dec 2021 one is after W′
