"""Audit snapshots of imported rows: decimals written as the database keeps them, however the file wrote them."""
from __future__ import annotations

from decimal import Decimal

import pytest

from parkledger.audit.log import _decimal_text

QUANTA = [Decimal("0.0001"), Decimal("0.01"), Decimal("1"), Decimal("1E+1")]
VALUES = ["0", "-0", "0E-7", "1", "10", "1E+2", "12.5", "12.50000", "12.34567", "-3.1", "0.00005", "0.00015",
          "999999999.9999", "123456789012345", "1.000000", "-0.00001", "7.25", "100.1"]


@pytest.mark.parametrize("quantum", QUANTA)
def test_a_decimal_reads_as_its_quantized_text(quantum):
    for text in VALUES:
        value = Decimal(text)
        assert _decimal_text(value, quantum) == format(value.quantize(quantum), "f"), (text, quantum)


def test_the_texts_by_hand():
    q = Decimal("0.0001")
    assert [_decimal_text(Decimal(t), q) for t in ("12.5", "7", "1E+2", "0.123456", "-0")] == [
        "12.5000", "7.0000", "100.0000", "0.1235", "-0.0000"]


def test_a_snapshot_writes_each_decimal_field_at_its_places():
    from parkledger.audit.log import snapshot_values
    from parkledger.core.models import EnterpriseMonth

    field = EnterpriseMonth._meta.get_field("output_value")
    quantum = Decimal(1).scaleb(-field.decimal_places)
    for text in VALUES:
        value = Decimal(text)
        snapshot = snapshot_values(EnterpriseMonth, {"output_value": value, "employees": 3})
        assert snapshot["output_value"] == format(value.quantize(quantum), "f"), text
        assert snapshot["employees"] == 3
