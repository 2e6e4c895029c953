"""The importer's accounts hooks: closed months checked per kind, audit entries chained in bulk."""
from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from parkledger.accounts.services import period_close, period_unlock
from parkledger.audit import log as audit
from parkledger.audit.log import verify_chain
from parkledger.audit.models import AuditEntry
from parkledger.core.kinds import kind_models
from parkledger.dataio.importing import import_path, import_rows
from parkledger.lib.uscc import make_uscc
from parkledger.periods import locks as periods
from tests.accounts.conftest import make_user
from tests.accounts.test_audit import _tamper

pytestmark = pytest.mark.django_db

CLOSED = "2022-03"  # the worlds are dated 2022-03-15
# the message of a row dated in ECO's closed March (record in ECO itself)
CLOSED_MESSAGE = "ECO 园区 2022-03 已封账：该月的记录不能新增、修改或删除；如需更正，请安全管理员开启更正解锁"


def _write_csv(directory, kind: str, text: str):
    directory.mkdir(exist_ok=True)
    (directory / f"{kind}.csv").write_text(text, encoding="utf-8")
    return directory


def _new_entries(after_seq: int) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(seq__gt=after_seq).order_by("seq"))


def test_a_bulk_import_writes_one_chained_entry_per_created_or_changed_row(eco_world, tmp_path, monkeypatch):
    monkeypatch.setattr(audit, "APPEND_BATCH", 2)  # several bulk inserts in one import
    monkeypatch.setattr(audit, "COPY_THRESHOLD", 2)  # PostgreSQL: through COPY, as a large import is
    uscc = eco_world["enterprise"].uscc
    model = kind_models()["enterprise_month"]
    stored = model.objects.get(uscc_id=uscc, month=CLOSED)  # output 12.5, employees 2022 (the world's values)
    start = AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first()
    d = _write_csv(tmp_path / "in", "enterprise_month",
                   "uscc,month,output_value,employees\n"
                   f"{uscc},{CLOSED},30,2022\n"     # changes output 12.5 → 30, employees unchanged
                   f"{uscc},2022-04,1.5,10\n"       # new
                   f"{uscc},2022-05,2,11\n"         # new
                   f"{uscc},2022-06,3,12\n")        # new
    result = import_path(d)
    assert result.ok, result.issue_lines()
    entries = _new_entries(start)
    # 3 creates + 1 change, then the import's summary entry
    assert [e.action for e in entries] == ["change", "create", "create", "create", "import"]
    assert [e.seq for e in entries] == list(range(start + 1, start + 6))
    change = entries[0]
    assert change.object_pk == str(stored.pk) and change.natural_key == f"{uscc}/{CLOSED}"
    assert change.before["output_value"] == "12.5000" and change.after["output_value"] == "30.0000"
    assert change.before["employees"] == change.after["employees"] == 2022
    assert audit.entry_changes(change) == [("output_value", "12.5000", "30.0000")]
    assert change.detail == {"via": "import", "source": "in"}  # the folder of CSV files it read
    created = entries[1]
    assert created.before is None and created.after["month"] == "2022-04"
    assert created.after["output_value"] == "1.5000" and created.after["employees"] == 10
    assert entries[-1].detail["counts"] == {"enterprise_month": {"created": 3, "updated": 1}}
    report = verify_chain()
    assert report.ok, report.problems
    # the chain links each entry to the one before it, across the bulk inserts
    assert all(b.prev_hash == a.hash for a, b in zip(entries, entries[1:], strict=False))
    # the record's history finds the bulk-written change entry
    assert change in audit.record_history(model, stored.pk)


def test_an_unchanged_row_gets_no_entry_and_a_tampered_bulk_entry_is_found(eco_world, tmp_path):
    uscc = eco_world["enterprise"].uscc
    d = _write_csv(tmp_path / "in", "enterprise_month",
                   f"uscc,month,output_value\n{uscc},2022-04,7\n{uscc},2022-05,8\n")
    assert import_path(d).ok
    start = AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first()
    assert import_path(d).ok  # the same file again: nothing changes
    assert [e.action for e in _new_entries(start)] == ["import"]
    entry = AuditEntry.objects.get(action="create", natural_key=f"{uscc}/2022-05")
    assert verify_chain().ok
    _tamper("UPDATE accounts_auditentry SET after = %s WHERE id = %s", ['{"output_value": "80.0000"}', entry.pk])
    assert verify_chain().problems == [f"条目 #{entry.seq}：内容与 MAC 不符（被修改）"]


def test_a_row_of_a_closed_month_is_rejected_with_its_sheet_row_and_column(eco_world, tmp_path):
    period_close(actor=None, park="ECO", month=CLOSED)
    uscc = eco_world["enterprise"].uscc
    start = AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first()
    d = _write_csv(tmp_path / "in", "enterprise_month",
                   "uscc,month,output_value\n"
                   f"{uscc},2022-04,7\n"
                   f"{uscc},{CLOSED},99\n"      # a change in the closed month
                   f"{uscc},2022-05,8\n")
    result = import_path(d)
    assert result.issue_lines() == [f"enterprise_month, 3, month: {CLOSED_MESSAGE}"]
    model = kind_models()["enterprise_month"]
    assert not model.objects.filter(month__in=["2022-04", "2022-05"]).exists()  # all or nothing
    assert model.objects.get(uscc_id=uscc, month=CLOSED).output_value == Decimal("12.5")
    assert _new_entries(start) == []
    # a new record in the closed month: refused as well, in a sub-park too (ECO closes ECO-CEE)
    cee = make_uscc("91330281MA9000001")
    ent = _write_csv(tmp_path / "in2", "enterprise", f"uscc,name,park,registered_on\n{cee},乙,ECO-CEE,2020-01-01\n")
    assert import_path(ent).ok
    d2 = _write_csv(tmp_path / "in3", "enterprise_month", f"uscc,month,output_value\n{cee},{CLOSED},5\n")
    assert import_path(d2).issue_lines() == [
        f"enterprise_month, 2, month: ECO-CEE 所属的 ECO 园区 {CLOSED} 已封账：该月的记录不能新增、修改或删除；"
        "如需更正，请安全管理员开启更正解锁"]
    # the same values again change nothing and pass (re-importing an export of a closed month)
    same = _write_csv(tmp_path / "in4", "enterprise_month", f"uscc,month,output_value\n{uscc},{CLOSED},12.5\n")
    assert import_path(same).ok


def test_a_reference_dates_a_row_and_names_its_column(eco_world):
    """A hazard is dated by its inspection: a new hazard of March's inspection is refused under
    the inspection column although its own date is in May."""
    period_close(actor=None, park="ECO", month=CLOSED)
    row = audit.record_snapshot(eco_world["hazard"])
    row.update(code="E-hazard-2", rectified_on="2022-05-10")
    result = import_rows("hazard", [row])
    assert [(i.row, i.column, i.reason) for i in result.issues] == [(1, "inspection", CLOSED_MESSAGE)]


def test_a_correction_lets_the_row_through_and_is_named_in_its_entry(eco_world, tmp_path):
    sec = make_user("sec", "secadmin")
    period_close(actor=None, park="ECO", month=CLOSED)
    unlock = period_unlock(actor=sec, park="ECO", month=CLOSED, reason="统计局反馈产值有误")
    uscc = eco_world["enterprise"].uscc
    d = _write_csv(tmp_path / "in", "enterprise_month", f"uscc,month,output_value\n{uscc},{CLOSED},13\n")
    result = import_path(d)
    assert result.ok, result.issue_lines()
    entry = AuditEntry.objects.get(action="change", natural_key=f"{uscc}/{CLOSED}")
    assert entry.detail["correction"] == [
        {"unlock_id": unlock.pk, "park": "ECO", "month": CLOSED, "reason": "统计局反馈产值有误"}]
    assert entry.before["output_value"] == "12.5000" and entry.after["output_value"] == "13.0000"


def _query_count(tmp_path, name: str, uscc: str, months: list[str]) -> int:
    body = "".join(f"{uscc},{m},{i + 1}\n" for i, m in enumerate(months))
    d = _write_csv(tmp_path / name, "enterprise_month", "uscc,month,output_value\n" + body)
    periods.invalidate()  # each import reads the closed months afresh (as in its own transaction)
    with CaptureQueriesContext(connection) as queries:
        result = import_path(d)
    assert result.ok, result.issue_lines()
    return len(queries)


def test_the_hooks_cost_no_query_per_row(eco_world, tmp_path):
    """4 and 20 rows (months 2021-01…, with a closed month elsewhere) import with the same
    number of queries: the closed months are read once, the entries inserted in bulk."""
    period_close(actor=None, park="ECO", month=CLOSED)
    uscc = eco_world["enterprise"].uscc
    few = _query_count(tmp_path, "few", uscc, [f"2021-{m:02d}" for m in range(1, 5)])
    many = _query_count(tmp_path, "many", uscc, [f"2020-{m:02d}" for m in range(1, 13)]
                        + [f"2021-{m:02d}" for m in range(5, 13)])
    assert few == many
    assert [e.action for e in AuditEntry.objects.filter(object_kind="enterprise_month", action="create")
            .exclude(natural_key__endswith=CLOSED)].count("create") == 4 + 20
    assert verify_chain().ok


@pytest.mark.parametrize("copy_threshold", [1, 10_000])
def test_entries_appended_in_bulk_hash_as_single_entries_do(db, monkeypatch, copy_threshold):
    """Text that JSON escapes (quotes, backslashes, newlines, Chinese, control characters), numbers,
    nested values and nulls: the bulk writer's hashes are the ones `verify` recomputes (on
    PostgreSQL written through COPY and through INSERTs)."""
    monkeypatch.setattr(audit, "COPY_THRESHOLD", copy_threshold)
    audit.audit_log("other", detail={"n": 1})
    odd = 'a"b\\c\nd\te 生态园 \x01 \u2028 \\N'
    rows = [
        {"user_id": None, "username": odd, "ip": "::1", "action": "create", "result": "success",
         "object_kind": "enterprise_month", "object_pk": "", "natural_key": odd,
         "before": None, "after": {"x": "1.5000", "y": None, "z": [1, True, {"k": odd}]}, "detail": {"via": "import"}},
        {"user_id": 7, "username": "u", "ip": "", "action": "change", "result": "success",
         "object_kind": "k", "object_pk": "12", "natural_key": "n", "before": {}, "after": {"a": 0}, "detail": None},
    ]
    assert audit.append_entries(rows) == 2
    audit.audit_log("other", detail={"n": 2})
    report = verify_chain()
    assert report.ok and report.checked == 4, report.problems
    stored = AuditEntry.objects.get(seq=2)
    assert stored.natural_key == odd and stored.after["z"][2] == {"k": odd} and stored.before is None
    assert AuditEntry.objects.get(seq=3).before == {} and AuditEntry.objects.get(seq=3).detail is None


def test_a_sub_park_new_in_the_file_is_closed_with_its_parent(eco_world, tmp_path):
    """ECO's March is closed: a file adding the sub-park ECO-NEW under ECO, an enterprise in it and
    that enterprise's March return is refused at the return's row (the new park rolls up into ECO)."""
    period_close(actor=None, park="ECO", month=CLOSED)
    new = make_uscc("91330281MA9000002")
    d = tmp_path / "in"
    _write_csv(d, "park", "code,name,parent\nECO-NEW,新片区,ECO\n")
    _write_csv(d, "enterprise", f"uscc,name,park,registered_on\n{new},丙,ECO-NEW,2020-01-01\n")
    _write_csv(d, "enterprise_month", f"uscc,month,output_value\n{new},2022-04,1\n{new},{CLOSED},2\n")
    assert import_path(d).issue_lines() == [
        f"enterprise_month, 3, month: ECO-NEW 所属的 ECO 园区 {CLOSED} 已封账：该月的记录不能新增、修改或删除；"
        "如需更正，请安全管理员开启更正解锁"]
    assert not kind_models()["park"].objects.filter(code="ECO-NEW").exists()


def test_rows_imported_through_the_api_are_logged_as_the_tokens_user(eco_world):
    from rest_framework.test import APIClient

    from parkledger.api.tokens import token_create

    stat = make_user("stat", "statistician", park="ECO")
    _token, key = token_create(user=stat, days=1)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}", REMOTE_ADDR="10.1.2.3")
    uscc = eco_world["enterprise"].uscc
    start = AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first()
    response = client.post("/api/enterprise_month/bulk/", {"rows": [
        {"uscc": uscc, "month": "2022-04", "output_value": "3"},
        {"uscc": uscc, "month": CLOSED, "output_value": "4"},
    ]}, format="json")
    assert response.status_code == 200, response.content
    entries = _new_entries(start)
    assert [(e.action, e.username, e.user_id, e.ip) for e in entries] == [
        ("create", "stat", stat.pk, "10.1.2.3"), ("change", "stat", stat.pk, "10.1.2.3"),
        ("import", "stat", stat.pk, "10.1.2.3")]  # in the rows' order, then the summary
    assert entries[1].before["output_value"] == "12.5000" and entries[1].after["output_value"] == "4.0000"
    assert verify_chain().ok
