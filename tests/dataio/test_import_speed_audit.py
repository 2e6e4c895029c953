"""The audit log's fast paths for imported rows give the entries the general paths give.

`record_snapshot_json` is `canonical_json(record_snapshot(…))` made without the dict, and
`append_entries(rows, common=…, encode=…)` stores and MACs what it stores and MACs without them.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from parkledger.audit.log import (
    append_entries,
    canonical_json,
    record_snapshot,
    record_snapshot_json,
    verify_chain,
)
from parkledger.audit.models import AuditEntry
from parkledger.core.models import Enterprise, EnterpriseMonth

DECIMALS = ["0", "-0", "0E-7", "1", "10", "1E+2", "12.5", "12.50000", "12.34567", "-3.1", "0.00005", "0.00015",
            "999999999.9999", "123456789012345", "1.000000", "-0.00001", "7.25", "100.1", "1.5E+3", "2E-9",
            "NaN", "Infinity", "-Infinity", "0.0000001"]


class Label(str):
    """A str subclass (as a choice enum's member is)."""


def test_a_months_snapshot_json_is_the_canonical_json_of_its_snapshot():
    for text in DECIMALS:
        for employees in (None, 0, 12, True):
            month = EnterpriseMonth(uscc_id="91330281MA2H4XYZ0A", month="2022-09", above_scale=text[:1] == "1",
                                    output_value=Decimal(text), value_added=None, revenue=3, tax=Decimal("2"),
                                    employees=employees, rd_expense="12.3")
            assert record_snapshot_json(month) == canonical_json(record_snapshot(month)), (text, employees)


def test_an_enterprises_snapshot_json_with_dates_quotes_and_other_types():
    for name in ("宁波“甬”\"科技\"\\%s%%有限公司\n", Label("名称"), "", 12.5):
        enterprise = Enterprise(uscc="91330281MA2H4XYZ0A", name=name, park_id="ECO", registered_on=date(2020, 1, 2),
                                land_area_mu=Decimal("10.5"), closed_on=None)
        assert record_snapshot_json(enterprise) == canonical_json(record_snapshot(enterprise)), name


@pytest.mark.django_db
def test_entries_with_common_fields_and_encoded_json_equal_the_plain_ones():
    after = {"month": "2022-09", "output_value": "1.0000", "note": "50%"}
    rows = [{"action": "create", "object_pk": "", "natural_key": f"k{i}", "before": None,
             "after": canonical_json(after), "detail": {"via": "import", "source": "a%s.csv"}} for i in range(3)]
    common = {"user_id": None, "username": "cli:root", "ip": "", "result": "success",
              "object_kind": "enterprise_month"}
    append_entries(rows, common=common, encode={"before": str, "after": str})
    append_entries([{**common, **row, "after": after} for row in rows])
    entries = list(AuditEntry.objects.order_by("seq"))
    assert len(entries) == 6
    fields = ("user_id", "username", "ip", "result", "object_kind", "action", "object_pk", "natural_key",
              "before", "after", "detail")
    for fast, plain in zip(entries[:3], entries[3:], strict=True):
        assert [getattr(fast, f) for f in fields] == [getattr(plain, f) for f in fields]
        assert fast.after == after
    report = verify_chain()
    assert report.ok, report.problems


def test_append_entries_refuses_unknown_common_fields():
    with pytest.raises(ValueError):
        append_entries([{"action": "create"}], common={"colour": "red"})
