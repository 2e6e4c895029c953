"""The audit key (outside the database), a log written before it, and the anchors' file and syslog."""
from __future__ import annotations

import hashlib
import json
import socket
import stat

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from parkledger.audit import anchors
from parkledger.audit.keys import AuditKeyMissing, load_key
from parkledger.audit.log import (
    GENESIS_HASH,
    append_entries,
    audit_log,
    canonical_json,
    entry_payload,
    seal_legacy_chain,
    verify_chain,
)
from parkledger.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_keygen_writes_a_private_key_file_once(settings, tmp_path):
    key_file = tmp_path / "keys" / "audit.key"
    settings.PARKLEDGER_AUDIT = {**settings.PARKLEDGER_AUDIT, "KEY": None, "KEY_FILE": str(key_file)}
    with pytest.raises(AuditKeyMissing):
        load_key(create=False)
    call_command("audit", "keygen", "--if-missing")
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    text = key_file.read_text().strip()
    assert len(bytes.fromhex(text)) == 32
    assert load_key().source == str(key_file)
    call_command("audit", "keygen", "--if-missing")  # idempotent, as `make setup` needs
    assert key_file.read_text().strip() == text
    with pytest.raises(CommandError, match="exists"):
        call_command("audit", "keygen")
    key_file.chmod(0o644)
    with pytest.raises(Exception, match="chmod 600"):
        load_key()


def test_the_environment_variable_holds_the_key_as_hex(settings, monkeypatch):
    settings.PARKLEDGER_AUDIT = {**settings.PARKLEDGER_AUDIT, "KEY": None}
    monkeypatch.setenv("PARKLEDGER_AUDIT_KEY", "0123456789abcdef" * 4)
    assert load_key().secret == bytes.fromhex("0123456789abcdef" * 4)
    monkeypatch.setenv("PARKLEDGER_AUDIT_KEY", "abcd")
    with pytest.raises(Exception, match="shorter than 32 bytes"):
        load_key()


def test_production_without_a_key_refuses_to_audit(settings, tmp_path):
    settings.PARKLEDGER_AUDIT = {**settings.PARKLEDGER_AUDIT, "KEY": None, "KEY_FILE": str(tmp_path / "none.key")}
    settings.DEBUG = False
    with pytest.raises(AuditKeyMissing):
        audit_log("other")
    assert not (tmp_path / "none.key").exists()


def _legacy_entries(count: int) -> list[AuditEntry]:
    """Entries as the log wrote them before it had a key: chained by unkeyed sha256."""
    previous, made = GENESIS_HASH, []
    for seq in range(1, count + 1):
        entry = AuditEntry(seq=seq, prev_hash=previous, time=timezone.now().replace(microsecond=0), user_id=None,
                           username="old", ip="", action="other", result="success", object_kind="", object_pk="",
                           natural_key="", before=None, after=None, detail={"n": seq})
        entry.hash = previous = hashlib.sha256(canonical_json(entry_payload(entry)).encode()).hexdigest()
        made.append(entry)
    AuditEntry.objects.bulk_create(made)
    return made


def test_a_log_from_before_the_key_is_sealed_by_the_first_keyed_entry(db):
    legacy = _legacy_entries(4)
    entry = audit_log("other", detail={"first": "keyed"})
    sealed = AuditEntry.objects.get(action="audit_rekey")
    assert (sealed.seq, sealed.prev_hash, entry.seq) == (5, legacy[-1].hash, 6)
    assert sealed.detail == {"legacy_first": 1, "legacy_last": 4, "legacy_head": legacy[-1].hash,
                             "key_id": load_key().key_id}
    report = verify_chain()
    assert report.ok, report.problems
    assert report.notes[0] == "条目 #1 至 #4 写于启用审计密钥之前，按原无密钥哈希校验，由条目 #5 的检查点封存"
    assert seal_legacy_chain() is None  # never a second time
    # an edit of a sealed legacy entry, with the unkeyed chain recomputed, no longer matches the seal
    previous = legacy[1].hash
    for old in legacy[2:]:
        if old.seq == 3:
            old.username = "someone-else"
        old.prev_hash = previous
        old.hash = previous = hashlib.sha256(canonical_json(entry_payload(old)).encode()).hexdigest()
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("ALTER TABLE accounts_auditentry DISABLE TRIGGER accounts_auditentry_append_only")
            cursor.execute("UPDATE accounts_auditentry SET username = %s, prev_hash = %s, hash = %s WHERE seq = %s",
                           [old.username, old.prev_hash, old.hash, old.seq])
            if connection.vendor == "postgresql":
                cursor.execute("ALTER TABLE accounts_auditentry ENABLE TRIGGER accounts_auditentry_append_only")
    assert verify_chain().problems == ["条目 #5：前一条哈希与条目 #4 不符（链被改写）"]


def test_the_rechain_command_seals_an_unkeyed_log(db, capsys):
    _legacy_entries(2)
    assert verify_chain().problems == ["条目 #1 至 #2 仍以无密钥哈希链接，尚未启用审计密钥（运行 parkledger audit rechain）"]
    call_command("audit", "rechain")
    assert "sealed entries #1–#2 with the key checkpoint #3" in capsys.readouterr().out
    assert verify_chain().ok


def test_one_anchor_line_per_committed_batch_rotated_by_size(db, settings, django_capture_on_commit_callbacks):
    settings.PARKLEDGER_AUDIT = {**settings.PARKLEDGER_AUDIT, "ANCHOR_MAX_BYTES": 200, "ANCHOR_KEEP": 2}
    for batch in range(4):
        with django_capture_on_commit_callbacks(execute=True):
            append_entries([{"username": "u", "action": "other", "detail": {"n": n}} for n in range(1000)])
            audit_log("other", detail={"batch": batch})
    path = anchors.anchor_file()
    files = sorted(p.name for p in path.parent.iterdir() if p.name.startswith(path.name))
    assert files == [path.name, f"{path.name}.1", f"{path.name}.2"]  # the oldest line rotated out
    seqs = [a.seq for a in anchors.read_anchors(load_key()) if a.valid]
    assert seqs == [2002, 3003, 4004]  # one line per batch, not per entry
    line = json.loads(path.read_text())
    assert set(line) == {"db", "seq", "mac", "kid", "time", "sig"} and line["kid"] == load_key().key_id
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert verify_chain().ok and verify_chain().anchor_seq == 4004


def test_anchors_also_go_to_syslog_when_asked(db, settings, django_capture_on_commit_callbacks):
    receiver = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    receiver.bind(("127.0.0.1", 0))
    receiver.settimeout(5)
    settings.PARKLEDGER_AUDIT = {**settings.PARKLEDGER_AUDIT, "SYSLOG": ["127.0.0.1", receiver.getsockname()[1]]}
    with django_capture_on_commit_callbacks(execute=True):
        entry = audit_log("other")
    message = receiver.recv(4096).decode()
    receiver.close()
    assert "parkledger-audit-anchor" in message and f'"seq":{entry.seq}' in message and entry.hash in message


def test_a_log_rewritten_without_the_key_is_not_sealed_as_a_legacy_one(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(3):
            audit_log("other", detail={"n": n})
    with connection.cursor() as cursor:  # everything replaced by an unkeyed chain, as if written before the key
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE accounts_auditentry DISABLE TRIGGER accounts_auditentry_append_only")
        cursor.execute("DELETE FROM accounts_auditentry")
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE accounts_auditentry ENABLE TRIGGER accounts_auditentry_append_only")
    _legacy_entries(3)
    audit_log("other")  # the next write does not take the forged chain for a log from before the key
    assert not AuditEntry.objects.filter(action="audit_rekey").exists()
    assert verify_chain().problems == [
        "条目 #1 至 #3：内容与 MAC 不符（#1 被修改，其后的链被重算）",
        "条目 #3 与外部锚点记录的 MAC 不符（被改写，或链尾被删除后重新写入）",
    ]
