"""Tampering with the audit log as someone with SQL access (but not the key) would, and the
refusals and command-line runs that must leave entries: `audit verify` names what happened."""
from __future__ import annotations

import getpass
import hashlib
import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from parkledger.accounts.authn import profile_of
from parkledger.accounts.services import period_close
from parkledger.audit import anchors
from parkledger.audit.log import append_entries, audit_log, canonical_json, entry_payload, verify_chain
from parkledger.audit.models import AuditEntry
from parkledger.periods.locks import PeriodClosedError
from tests.accounts.conftest import make_user
from tests.accounts.world import build_parks, build_records
from tests.api.conftest import token_client

pytestmark = pytest.mark.django_db

CLOSED = "2022-03"  # the accounts tests' world is dated 2022-03-15


def _tamper(sql: str, params: list | None = None) -> None:
    """What the database's owner can do on either database: switch the trigger off, edit, switch it on."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE accounts_auditentry DISABLE TRIGGER accounts_auditentry_append_only")
        cursor.execute(sql, params or [])
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE accounts_auditentry ENABLE TRIGGER accounts_auditentry_append_only")


def _unkeyed(entry: AuditEntry) -> str:
    """The hash the log used before it had a key (and an attacker without the key can compute)."""
    return hashlib.sha256(canonical_json(entry_payload(entry)).encode("utf-8")).hexdigest()


def _entries(count: int, django_capture_on_commit_callbacks) -> list[AuditEntry]:
    """`count` committed entries: the commit anchors the head outside the database."""
    with django_capture_on_commit_callbacks(execute=True):
        append_entries([{"username": "clerk", "action": "other", "result": "success", "detail": {"n": n}}
                        for n in range(count)])
    return list(AuditEntry.objects.order_by("seq"))


def test_deleting_the_newest_entries_is_found_as_a_cut_tail(db, django_capture_on_commit_callbacks, capsys):
    entries = _entries(10, django_capture_on_commit_callbacks)
    assert [a.seq for a in anchors.read_anchors(_key())] == [10]
    report = verify_chain()
    assert report.ok and report.anchor_seq == 10, report.problems
    _tamper("DELETE FROM accounts_auditentry WHERE seq > %s", [7])
    report = verify_chain()
    assert len(report.problems) == 1, report.problems
    assert report.problems[0].startswith("链尾被截断：外部锚点记录到 #10（")
    assert report.problems[0].endswith("数据库只到 #7：条目 #8 至 #10 被删除")
    with pytest.raises(CommandError) as failed:
        call_command("audit", "verify")
    assert failed.value.returncode == 1
    assert "#8 至 #10" in capsys.readouterr().err
    assert entries[-1].seq == 10


def _key():
    from parkledger.audit.keys import load_key

    return load_key()


def test_an_edit_with_the_unkeyed_chain_recomputed_after_it_is_found(db, django_capture_on_commit_callbacks):
    _entries(6, django_capture_on_commit_callbacks)
    previous = AuditEntry.objects.get(seq=2).hash
    for entry in AuditEntry.objects.filter(seq__gte=3).order_by("seq"):  # edit #3, re-chain #3–#6 without the key
        if entry.seq == 3:
            entry.username = "someone-else"
        entry.prev_hash = previous
        previous = _unkeyed(entry)
        _tamper("UPDATE accounts_auditentry SET username = %s, prev_hash = %s, hash = %s WHERE seq = %s",
                [entry.username, entry.prev_hash, previous, entry.seq])
    assert verify_chain().problems == [
        "条目 #3 至 #6：内容与 MAC 不符（#3 被修改，其后的链被重算）",
        "条目 #6 与外部锚点记录的 MAC 不符（被改写，或链尾被删除后重新写入）",
    ]


def test_deleting_the_first_entries_behind_a_fake_checkpoint_is_found(db):
    append_entries([{"username": "clerk", "action": "other", "result": "success", "detail": {"n": n}}
                    for n in range(60)])
    first_kept = AuditEntry.objects.get(seq=51)
    head = AuditEntry.objects.get(seq=60)
    _tamper("DELETE FROM accounts_auditentry WHERE seq <= 50")
    fake = AuditEntry(seq=61, prev_hash=head.hash, time=timezone.now().replace(microsecond=0), user_id=None,
                      username="cli:root", ip="", action="audit_purge", result="success", object_kind="",
                      object_pk="", natural_key="", before=None, after=None,
                      detail={"purged_before": "2022-01-01T00:00:00+00:00", "purged_count": 50,
                              "anchor_seq": 51, "anchor_prev_hash": first_kept.prev_hash})
    fake.hash = _unkeyed(fake)
    _tamper("INSERT INTO accounts_auditentry (seq, time, user_id, username, ip, action, object_kind, object_pk, "
            "natural_key, result, before, after, detail, prev_hash, hash) "
            "VALUES (%s, %s, NULL, %s, '', 'audit_purge', '', '', '', 'success', NULL, NULL, %s, %s, %s)",
            [fake.seq, fake.time, fake.username, json.dumps(fake.detail), fake.prev_hash, fake.hash])
    assert verify_chain().problems == [
        "条目 #1 至 #50 缺失：没有有效的清理检查点记录这些条目的删除",
        "条目 #61：检查点的 MAC 无效（伪造的检查点，不能证明之前条目的删除）",
    ]


def test_the_purge_command_writes_a_checkpoint_that_verifies(db):
    from unittest import mock

    with mock.patch("parkledger.audit.log.timezone.now", return_value=timezone.now() - timedelta(days=200)):
        for n in range(3):
            audit_log("other", detail={"old": n})
    audit_log("other", detail={"recent": True})
    call_command("audit", "purge", "--before", (timezone.localdate() - timedelta(days=190)).isoformat())
    assert list(AuditEntry.objects.values_list("seq", "action")) == [(4, "other"), (5, "audit_purge")]
    report = verify_chain()
    assert report.ok and report.first_seq == 4, report.problems


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger and the purge function exist on PostgreSQL")
def test_no_session_setting_lets_sql_delete_or_update_entries(db):
    audit_log("other")
    for sql in ("DELETE FROM accounts_auditentry", "UPDATE accounts_auditentry SET username = 'x'"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL parkledger.audit_purge = 'on'")
            cursor.execute(sql)
    # the purge function itself keeps 180 days whoever calls it
    with pytest.raises(DatabaseError, match="younger than 180 days"), transaction.atomic(), \
            connection.cursor() as cursor:
        cursor.execute("SELECT parkledger_audit_purge(%s)", [10])
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_userbyid(proowner), prosecdef FROM pg_proc WHERE proname = 'parkledger_audit_purge'")
        assert cursor.fetchone() == ("parkledger_audit_purger", True)
        cursor.execute("SELECT rolcanlogin FROM pg_roles WHERE rolname = 'parkledger_audit_purger'")
        assert cursor.fetchone() == (False,)
    assert AuditEntry.objects.count() == 1


def test_a_wrong_key_is_named_as_such(db, settings, django_capture_on_commit_callbacks):
    _entries(3, django_capture_on_commit_callbacks)
    written_with = _key().key_id
    settings.PARKLEDGER_AUDIT = {**settings.PARKLEDGER_AUDIT, "KEY": "77" * 32}
    report = verify_chain()
    assert report.wrong_key
    assert report.problems == [
        f"审计密钥错误：当前密钥（ID {_key().key_id}）下 3 条的 MAC 全部不符，锚点由密钥 ID {written_with} 签名；"
        "请使用写入日志时的密钥"
    ]


def test_a_forged_anchor_line_is_found(db, django_capture_on_commit_callbacks):
    _entries(2, django_capture_on_commit_callbacks)
    path = anchors.anchor_file()
    line = json.loads(path.read_text().splitlines()[-1])
    line["seq"] = 1  # moved back, so that a cut tail would pass
    with open(path, "a") as fh:
        fh.write(json.dumps(line) + "\n")
    problems = verify_chain().problems
    assert problems == [f"外部锚点 {path.name} 第 2 行的签名无效（伪造或被改动，记录 #1）"]


# -- refusals outlive their rollback ------------------------------------------------------------

@pytest.fixture
def closed_world(db):
    build_parks()
    world = build_records("ECO", "E", number=1)
    period_close(actor=make_user("boss", "leader", park="ECO"), park="ECO", month=CLOSED)
    return world


def _refusals() -> list[tuple[str, str, str]]:
    return [(e.username, e.object_kind, e.detail["attempted"])
            for e in AuditEntry.objects.filter(action="period_refused", result="denied").order_by("seq")]


def test_a_refused_delete_is_logged_after_its_rollback(closed_world):
    petition = closed_world["petition"]
    with pytest.raises(PeriodClosedError), transaction.atomic():
        # an entry of the same transaction: it holds the chain's lock (PostgreSQL) and is rolled back
        audit_log("other", detail={"rolled": "back"})
        petition.delete()
    assert AuditEntry.objects.filter(action="period_refused").count() == 0  # not inside the rolled-back transaction
    assert not AuditEntry.objects.filter(detail__rolled="back").exists()
    later = audit_log("other")  # the next entry written outside a transaction writes the queued refusal first
    refused = AuditEntry.objects.get(action="period_refused")
    assert (refused.result, refused.object_kind, refused.object_pk) == ("denied", "petition", str(petition.pk))
    assert refused.detail["attempted"] == "delete" and refused.seq == later.seq - 1
    assert verify_chain().ok


def test_refused_writes_through_the_api_leave_denied_entries(closed_world):
    stat = make_user("stat", "statistician", park="ECO")
    client = token_client(stat)
    obj = closed_world["enterprise_month"]
    assert client.patch(f"/api/enterprise_month/{obj.pk}/", {"tax": "9"}, format="json").status_code == 409
    assert client.delete(f"/api/enterprise_month/{obj.pk}/").status_code == 409
    rows = [{"uscc": closed_world["enterprise"].uscc, "month": CLOSED, "tax": "1"}]
    assert client.post("/api/enterprise_month/bulk/", {"rows": rows}, format="json").status_code == 400
    assert _refusals() == [("stat", "enterprise_month", "change"), ("stat", "enterprise_month", "delete"),
                           ("stat", "enterprise_month", "change")]
    bulk = AuditEntry.objects.filter(action="period_refused").order_by("seq").last()
    assert bulk.detail["via"] == "import" and bulk.detail["row"] == 1
    assert verify_chain().ok


# -- command-line exports -----------------------------------------------------------------------

def test_command_line_exports_and_reports_are_logged(closed_world, tmp_path):
    call_command("export", "--park", "ECO", "--kinds", "petition", "-o", str(tmp_path / "out.xlsx"))
    make_user("stat", "statistician", park="ECO")
    call_command("export", "--park", "ECO", "--user", "stat", "-o", str(tmp_path / "dir"))
    call_command("report", "--park", "ECO", "--period", CLOSED, "--format", "md", "-o", str(tmp_path / "r.md"))
    exports = list(AuditEntry.objects.filter(action="export").order_by("seq"))
    assert [(e.username, e.detail["park"], e.detail["format"], e.detail["target"]) for e in exports] == [
        (f"cli:{getpass.getuser()}", "ECO", "xlsx", str(tmp_path / "out.xlsx")),
        ("stat", "ECO", "csv", str(tmp_path / "dir")),
        (f"cli:{getpass.getuser()}", "ECO", "md", str(tmp_path / "r.md")),
    ]
    assert exports[0].detail["kinds"] == ["petition"]
    assert exports[2].object_kind == "report" and exports[2].detail["period"] == CLOSED


# -- the audit administrator's page --------------------------------------------------------------

def test_the_verify_page_names_a_cut_tail_in_chinese(client, db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # committed, so anchored
        auditor = make_user("aud", "auditadmin")
        profile = profile_of(auditor)
        profile.totp_secret, profile.totp_confirmed_at = "JBSWY3DPEHPK3PXP", timezone.now()
        profile.save()
        client.force_login(auditor)
        audit_log("other")
    head = AuditEntry.objects.order_by("-seq").first().seq
    _tamper("DELETE FROM accounts_auditentry WHERE seq = %s", [head])
    page = client.get("/audit/verify/")
    body = page.content.decode()
    assert page.status_code == 200 and 'data-testid="verify-failed"' in body
    assert f"数据库只到 #{head - 1}：条目 #{head} 被删除" in body
