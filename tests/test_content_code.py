"""Generated codes depend on the content, not on how a decimal was written."""
from datetime import date
from decimal import Decimal

from parkledger.governance.models import SafetyOutreach


def test_equal_amounts_written_differently_get_one_code():
    a = SafetyOutreach(park_id="A", held_on=date(2022, 3, 1), kind="materials", quantity=Decimal("1.5"))
    b = SafetyOutreach(park_id="A", held_on=date(2022, 3, 1), kind="materials", quantity=Decimal("1.5000"))
    assert a.content_code() == b.content_code()


def test_different_content_gets_another_code():
    a = SafetyOutreach(park_id="A", held_on=date(2022, 3, 1), kind="materials", quantity=Decimal("1.5"))
    b = SafetyOutreach(park_id="A", held_on=date(2022, 3, 2), kind="materials", quantity=Decimal("1.5"))
    assert a.content_code() != b.content_code()
