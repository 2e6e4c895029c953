"""The audit log: every ledger write with its values, the actor, append-only, tamper detection, retention."""
from __future__ import annotations

import csv
import getpass
from datetime import timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, models, transaction
from django.test import RequestFactory
from django.utils import timezone

from parkledger.accounts.middleware import AuditContextMiddleware
from parkledger.audit.log import (
    GENESIS_HASH,
    RetentionError,
    audit_log,
    purge_before,
    record_history,
    verify_chain,
)
from parkledger.audit.models import AuditEntry, AuditLogIsAppendOnly
from parkledger.core.kinds import KIND_ORDER, data_fields, kind_models
from tests.accounts.conftest import make_user

pytestmark = pytest.mark.django_db


def _changed_value(model, obj):
    """(field, new value) for a field that is neither a reference nor part of the natural key."""
    for fld in data_fields(model):
        if isinstance(fld, models.ForeignKey) or fld.name in model.natural_key_fields or fld.name == "code":
            continue
        value = getattr(obj, fld.attname)
        if fld.choices:
            others = [c for c, _label in fld.choices if c != value]
            if others:
                return fld, others[0]
            continue
        if isinstance(fld, models.BooleanField):
            return fld, not value
        if isinstance(fld, models.DecimalField):
            return fld, (value or Decimal(0)) + Decimal("1.25")
        if isinstance(fld, models.DateField):
            return fld, value + timedelta(days=1) if value else timezone.localdate()
        if isinstance(fld, models.IntegerField):
            return fld, (value or 0) + 1
        if isinstance(fld, models.CharField) and fld.name not in ("month", "uscc", "country", "indicator"):
            return fld, (value or "")[: fld.max_length - 1] + "改"
    raise AssertionError(f"no changeable field on {model.kind_key}")


def test_every_ledger_model_logs_create_change_and_delete_with_its_values(eco_world):
    models_by_kind = kind_models()
    changed = {}
    for kind in KIND_ORDER:
        obj = eco_world[kind]
        fld, value = _changed_value(models_by_kind[kind], obj)
        setattr(obj, fld.attname, value)
        obj.save()
        changed[kind] = (fld, value)
    for kind in reversed(KIND_ORDER):  # references first, so nothing is protected
        if kind != "park":
            eco_world[kind].delete()
    missing = []
    for kind in KIND_ORDER:
        obj = eco_world[kind]
        entries = {e.action: e for e in AuditEntry.objects.filter(object_kind=kind, natural_key__isnull=False)
                   if e.natural_key == "/".join(str(v) for v in obj.natural_key())}
        if kind == "park":  # built by the fixture with Park.objects.create: logged too
            entries = {e.action: e for e in AuditEntry.objects.filter(object_kind="park", natural_key="ECO")}
        fld, value = changed[kind]
        name = fld.name
        create, change = entries.get("create"), entries.get("change")
        if create is None or create.before is not None or not create.after:
            missing.append((kind, "create"))
        if change is None or change.before.get(name) == change.after.get(name):
            missing.append((kind, "change"))
        else:
            # the stored JSON: dates as ISO text, decimals as text with the field's places, the rest as is
            expected = value.isoformat() if hasattr(value, "isoformat") else value
            if isinstance(expected, Decimal):
                expected = format(expected.quantize(Decimal(1).scaleb(-fld.decimal_places)), "f")
            if change.after[name] != expected:
                missing.append((kind, "change value", change.after[name], expected))
        if kind != "park":
            delete = entries.get("delete")
            if delete is None or not delete.before or delete.after is not None:
                missing.append((kind, "delete"))
    assert missing == []
    report = verify_chain()
    assert report.ok, report.problems
    assert report.checked == AuditEntry.objects.count()


def test_a_park_is_logged_when_created_changed_and_deleted(db):
    from parkledger.core.models import Park

    park = Park.objects.create(code="TMP", name="临时园区")
    park.name = "临时园区改"
    park.save()
    park.delete()
    entries = list(AuditEntry.objects.filter(object_kind="park", natural_key="TMP").order_by("seq"))
    assert [e.action for e in entries] == ["create", "change", "delete"]
    assert entries[1].before["name"] == "临时园区" and entries[1].after["name"] == "临时园区改"
    assert entries[2].before["name"] == "临时园区改" and entries[2].after is None


def test_a_save_that_changes_nothing_writes_no_entry(eco_world):
    before = AuditEntry.objects.count()
    eco_world["petition"].save()
    assert AuditEntry.objects.count() == before


def test_the_request_user_and_address_are_recorded(eco_world):
    user = make_user("clerk", "social", park="ECO")
    request = RequestFactory().post("/x", REMOTE_ADDR="10.1.2.3")
    request.user = user
    petition = eco_world["petition"]

    def view(req):
        petition.subject = "改"
        petition.save()
        return None

    AuditContextMiddleware(view)(request)
    entry = AuditEntry.objects.filter(object_kind="petition", action="change").get()
    assert (entry.username, entry.user_id, entry.ip) == ("clerk", user.pk, "10.1.2.3")
    assert entry.before["subject"] != "改" and entry.after["subject"] == "改"


def test_command_line_writes_are_recorded_as_the_os_user(parks):
    entry = audit_log("other", detail={"note": "x"})
    assert entry.username == f"cli:{getpass.getuser()}" and entry.user_id is None


def test_entries_cannot_be_changed_or_deleted_through_the_orm(parks):
    entry = audit_log("other")
    entry.result = "failure"
    with pytest.raises(AuditLogIsAppendOnly):
        entry.save()
    with pytest.raises(AuditLogIsAppendOnly):
        entry.delete()
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEntry.objects.filter(pk=entry.pk).update(result="failure")
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.get(pk=entry.pk).result == "success"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only")
def test_postgresql_refuses_update_and_delete_of_entries(parks):
    from django.db import DatabaseError

    entry = audit_log("other")
    for sql in ("UPDATE accounts_auditentry SET result = 'failure' WHERE id = %s",
                "DELETE FROM accounts_auditentry WHERE id = %s"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [entry.pk])


def _tamper(sql: str, params: list) -> None:
    """What someone with database access could do: switch the trigger off, then edit the table."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE accounts_auditentry DISABLE TRIGGER accounts_auditentry_append_only")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE accounts_auditentry ENABLE TRIGGER accounts_auditentry_append_only")


def _five_entries():
    return [audit_log("other", detail={"n": n}) for n in range(5)]


def test_an_edited_entry_is_detected_and_named(parks, capsys):
    entries = _five_entries()
    assert verify_chain().ok
    _tamper("UPDATE accounts_auditentry SET username = %s WHERE id = %s", ["someone-else", entries[2].pk])
    report = verify_chain()
    assert not report.ok
    assert report.problems == [f"条目 #{entries[2].seq}：内容与 MAC 不符（被修改）"]
    with pytest.raises(CommandError):
        call_command("audit", "verify")
    assert f"#{entries[2].seq}" in capsys.readouterr().err


def test_an_edit_with_a_recomputed_hash_breaks_the_next_link(parks):
    from parkledger.audit.log import legacy_hash

    entries = _five_entries()
    victim = AuditEntry.objects.get(pk=entries[1].pk)
    victim.result = "failure"
    _tamper("UPDATE accounts_auditentry SET result = %s, hash = %s WHERE id = %s",
            ["failure", legacy_hash(victim), victim.pk])
    problems = verify_chain().problems
    assert problems == [f"条目 #{entries[1].seq}：内容与 MAC 不符（被修改）",
                        f"条目 #{entries[2].seq}：前一条哈希与条目 #{entries[1].seq} 不符（链被改写）"]


def test_an_edit_with_the_right_key_passes_and_the_same_key_is_needed_to_verify(parks, settings):
    """The MAC is the key's: with the key, an edit can be hidden (which is why the key lives
    outside the database); under another key every entry fails, named as a wrong key."""
    from parkledger.audit.log import entry_hash

    entries = _five_entries()
    victim = AuditEntry.objects.get(pk=entries[4].pk)
    victim.result = "failure"
    _tamper("UPDATE accounts_auditentry SET result = %s, hash = %s WHERE id = %s",
            ["failure", entry_hash(victim), victim.pk])
    assert verify_chain().ok
    settings.PARKLEDGER_AUDIT = {**settings.PARKLEDGER_AUDIT, "KEY": "11" * 32}
    report = verify_chain()
    assert report.wrong_key and len(report.problems) == 1 and report.problems[0].startswith("审计密钥错误")


def test_a_deleted_entry_is_detected_and_named(parks):
    entries = _five_entries()
    _tamper("DELETE FROM accounts_auditentry WHERE id = %s", [entries[3].pk])
    problems = verify_chain().problems
    gone = entries[3].seq
    assert problems == [f"条目 #{gone} 至 #{gone} 缺失（在 #{gone - 1} 与 #{gone + 1} 之间被删除）"]


def test_deleting_the_first_entries_without_a_purge_is_detected(parks):
    entries = _five_entries()
    _tamper("DELETE FROM accounts_auditentry WHERE seq <= %s", [entries[1].seq])
    problems = verify_chain().problems
    assert problems == [f"条目 #1 至 #{entries[1].seq} 缺失：没有有效的清理检查点记录这些条目的删除"]


def test_the_first_entry_chains_to_the_genesis_hash(db):
    first = audit_log("other")
    assert first.seq == 1 and first.prev_hash == GENESIS_HASH
    second = audit_log("other")
    assert second.prev_hash == first.hash and second.seq == 2


def test_the_purge_keeps_180_days_and_re_anchors_the_chain(db):
    old_time = timezone.now() - timedelta(days=200)
    with mock.patch("parkledger.audit.log.timezone.now", return_value=old_time):
        old = [audit_log("other", detail={"old": n}) for n in range(3)]
    recent = [audit_log("other", detail={"recent": n}) for n in range(2)]
    with pytest.raises(RetentionError):
        purge_before(timezone.now() - timedelta(days=179))
    with pytest.raises(CommandError):
        call_command("audit", "purge", "--before", timezone.localdate().isoformat())
    assert AuditEntry.objects.count() == 5
    purged = purge_before(timezone.now() - timedelta(days=190))
    assert purged == 3
    assert not AuditEntry.objects.filter(pk__in=[e.pk for e in old]).exists()
    checkpoint = AuditEntry.objects.get(action="audit_purge")
    assert checkpoint.detail["anchor_seq"] == recent[0].seq and checkpoint.detail["purged_count"] == 3
    report = verify_chain()
    assert report.ok, report.problems
    assert report.first_seq == recent[0].seq


def test_the_audit_export_command_writes_every_entry(db, tmp_path):
    _five_entries()
    audit_log("other", detail={"formula": "=1+1"})
    target = tmp_path / "audit.csv"
    call_command("audit", "export", "-o", str(target))
    with open(target, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 6
    assert [int(r["seq"]) for r in rows] == list(range(1, 7))
    assert "'" not in rows[-1]["detail"][:1]  # JSON cells start with {, formulas are never bare
    assert AuditEntry.objects.filter(action="audit_export").get().detail["rows"] == 6


def test_record_history_lists_one_records_entries_newest_first(eco_world):
    petition = eco_world["petition"]
    petition.subject = "一改"
    petition.save()
    petition.subject = "二改"
    petition.save()
    history = list(record_history(type(petition), petition.pk))
    assert [e.action for e in history] == ["change", "change", "create"]
    assert history[0].after["subject"] == "二改" and history[0].before["subject"] == "一改"
    assert {(e.object_kind, e.object_pk) for e in history} == {("petition", str(petition.pk))}


def test_the_audit_pages_are_for_the_audit_administrator_only(client, eco_world):
    from parkledger.accounts.authn import profile_of

    auditor = make_user("aud", "auditadmin")
    profile = profile_of(auditor)
    profile.totp_secret, profile.totp_confirmed_at = "JBSWY3DPEHPK3PXP", timezone.now()
    profile.save()
    leader = make_user("boss", "leader", park="ECO")
    client.force_login(leader)
    assert client.get("/audit/").status_code == 403
    assert client.get("/audit/export.csv").status_code == 403
    assert AuditEntry.objects.filter(action="perm_denied", username="boss").count() == 2
    client.force_login(auditor)
    page = client.get("/audit/", {"action": "create", "object_kind": "petition"})
    assert page.status_code == 200
    assert page.context["page"].paginator.count == 1
    export = client.get("/audit/export.csv", {"object_kind": "petition"})
    body = b"".join(export.streaming_content).decode("utf-8")
    assert export.status_code == 200 and body.startswith("\ufeffseq,time") and body.count("\r\n") == 2
    assert client.get("/audit/verify/").context["report"].ok
