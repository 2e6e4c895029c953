"""Rows that repeat their stored record are left out of the upsert (the record, its last_updated
included, stays as it is) and still counted as updated; a changed row in the same file is written.
The audit entries of a large import are chained and verify on both databases."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from parkledger.audit import log
from parkledger.audit.models import AuditEntry
from parkledger.core.models import EnterpriseMonth, Park
from parkledger.dataio import hooks
from parkledger.dataio.importing import import_path
from parkledger.lib.uscc import make_uscc

pytestmark = pytest.mark.django_db

USCCS = [make_uscc(f"91330281MA2H4{i:04d}") for i in range(3)]


def write_files(d, outputs: dict[tuple[int, int], str]):
    d.mkdir(exist_ok=True)
    (d / "enterprise.csv").write_text("uscc,name,park,registered_on\n" + "".join(
        f"{u},企业{i},ECO,2020-01-01\n" for i, u in enumerate(USCCS)), encoding="utf-8")
    (d / "enterprise_month.csv").write_text("uscc,month,above_scale,output_value\n" + "".join(
        f"{USCCS[i]},2022-{m:02d},false,{value}\n" for (i, m), value in outputs.items()), encoding="utf-8")
    return d


@pytest.fixture
def park(db):
    Park.objects.create(code="ECO", name="生态园")


def _outputs(changed: dict | None = None) -> dict[tuple[int, int], str]:
    outputs = {(i, m): f"{i + 1}{m}.5" for i in range(3) for m in range(1, 4)}
    outputs.update(changed or {})
    return outputs


@pytest.mark.parametrize("audit", [True, False])
def test_a_repeated_file_writes_only_the_rows_it_changes(park, tmp_path, audit):
    first = import_path(write_files(tmp_path / "a", _outputs()))
    assert first.ok, first.issue_lines()
    long_ago = timezone.now() - timedelta(days=30)
    EnterpriseMonth.objects.update(last_updated=long_ago)
    # one value changed; "25.50" is the stored 25.5 written otherwise (not a change)
    again = _outputs({(0, 2): "99.25", (1, 2): "22.50"})
    if audit:
        result = import_path(write_files(tmp_path / "b", again))
    else:
        with hooks.suspended():
            result = import_path(write_files(tmp_path / "b", again))
    assert result.ok, result.issue_lines()
    assert result.counts == {"enterprise": {"created": 0, "updated": 3},
                             "enterprise_month": {"created": 0, "updated": 9}}
    touched = {(em.uscc_id, em.month) for em in EnterpriseMonth.objects.exclude(last_updated=long_ago)}
    assert touched == {(USCCS[0], "2022-02")}
    assert str(EnterpriseMonth.objects.get(uscc_id=USCCS[0], month="2022-02").output_value) == "99.2500"
    assert str(EnterpriseMonth.objects.get(uscc_id=USCCS[1], month="2022-02").output_value) == "22.5000"


def test_a_row_changing_a_column_the_file_leaves_out_keeps_the_stored_value(park, tmp_path):
    # the file has no revenue column: the stored revenue is kept, and is not a change
    assert import_path(write_files(tmp_path / "a", _outputs())).ok
    EnterpriseMonth.objects.filter(uscc_id=USCCS[2]).update(revenue="7.0000")
    result = import_path(write_files(tmp_path / "b", _outputs({(2, 3): "1.0"})))
    assert result.ok, result.issue_lines()
    rows = {em.month: em for em in EnterpriseMonth.objects.filter(uscc_id=USCCS[2])}
    assert {m: str(em.revenue) for m, em in rows.items()} == {f"2022-0{m}": "7.0000" for m in (1, 2, 3)}
    assert str(rows["2022-03"].output_value) == "1.0000"


def test_a_large_append_is_chained_in_order_and_verifies(db, monkeypatch):
    monkeypatch.setattr(log, "COPY_THRESHOLD", 5)
    monkeypatch.setattr(log, "APPEND_BATCH", 4)
    start = AuditEntry.objects.count()
    rows = [{"action": "create", "result": "success", "object_kind": "probe", "object_pk": str(i),
             "natural_key": f"k{i}", "after": {"n": i}, "detail": {"via": "import"}} for i in range(23)]
    assert log.append_entries(rows) == 23
    entries = list(AuditEntry.objects.order_by("seq")[start:])
    assert [e.object_pk for e in entries] == [str(i) for i in range(23)]
    assert [e.after for e in entries] == [{"n": i} for i in range(23)]
    for earlier, later in zip(entries, entries[1:], strict=False):
        assert later.seq == earlier.seq + 1 and later.prev_hash == earlier.hash
    assert all(e.hash == log.entry_hash(e) for e in entries)
    assert log.verify_chain(entries).ok
    assert connection.vendor in ("sqlite", "postgresql")
    call_command("audit", "verify")


def test_new_changed_and_unchanged_rows_in_one_copied_batch(park, tmp_path, monkeypatch):
    from parkledger.dataio import importing

    monkeypatch.setattr(importing, "COPY_THRESHOLD", 1)  # PostgreSQL: every batch through COPY
    assert import_path(write_files(tmp_path / "a", {k: v for k, v in _outputs().items() if k[1] < 3})).ok
    ids = dict(EnterpriseMonth.objects.filter(uscc_id=USCCS[0]).values_list("month", "id"))
    start = AuditEntry.objects.count()
    result = import_path(write_files(tmp_path / "b", _outputs({(0, 1): "0.5"})))  # months 3 are new
    assert result.ok, result.issue_lines()
    assert result.counts["enterprise_month"] == {"created": 3, "updated": 6}
    stored = {(em.uscc_id, em.month): str(em.output_value) for em in EnterpriseMonth.objects.all()}
    expected = {(USCCS[i], f"2022-0{m}"): f"{i + 1}{m}.5000" for i in range(3) for m in range(1, 4)}
    expected[(USCCS[0], "2022-01")] = "0.5000"
    assert stored == expected
    # the stored records kept their ids; one entry per new or changed record, then the import's
    assert dict(EnterpriseMonth.objects.filter(uscc_id=USCCS[0], month__lt="2022-03")
                .values_list("month", "id")) == ids
    assert AuditEntry.objects.count() - start == 4 + 1
    call_command("audit", "verify")
