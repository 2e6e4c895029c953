"""The shared ledger FilterSets: park roll-up, search, date ranges, choices, ordering."""
from datetime import date

import pytest

from parkledger.core.filtersets import filterset_for
from parkledger.core.kinds import kind_models
from parkledger.core.models import Park
from parkledger.governance.models import Dispute

pytestmark = pytest.mark.django_db


@pytest.fixture
def parks():
    top = Park.objects.create(code="A", name="甲园区")
    Park.objects.create(code="A1", name="甲一分园", parent=top)
    Park.objects.create(code="B", name="乙园区")


def test_every_kind_has_a_filterset():
    for key in kind_models():
        assert filterset_for(key)({}, queryset=kind_models()[key].objects.all()).is_valid()


def test_it_rolls_up_sub_parks_and_filters_dates_and_choices(parks):
    Dispute.objects.create(park_id="A", received_on=date(2022, 1, 1), outcome="success")
    Dispute.objects.create(park_id="A1", received_on=date(2022, 5, 1), outcome="failed")
    Dispute.objects.create(park_id="B", received_on=date(2022, 5, 1), outcome="success")
    fs = filterset_for("dispute")
    base = Dispute.objects.all()
    assert fs({"park": "A"}, queryset=base).qs.count() == 2
    assert fs({"park": "A1"}, queryset=base).qs.count() == 1
    assert fs({"park": "A", "received_on_after": "2022-02-01"}, queryset=base).qs.count() == 1
    assert fs({"outcome": "success"}, queryset=base).qs.count() == 2
    ordered = fs({"ordering": "-received_on"}, queryset=base).qs
    assert ordered.first().received_on == date(2022, 5, 1)


def test_it_searches_text_fields(parks):
    Park.objects.filter(code="B").update(short_name="乙")
    assert list(filterset_for("park")({"q": "甲一"}, queryset=Park.objects.all()).qs) == [
        Park.objects.get(code="A1")
    ]
