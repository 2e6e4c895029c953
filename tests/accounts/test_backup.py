"""Backup and restore: a restored database holds the same rows, figures, exports and audit chain."""
from __future__ import annotations

import tarfile
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from parkledger.accounts.backup import BackupError, read_manifest, restore_database
from parkledger.accounts.services import period_close
from parkledger.audit.log import verify_chain
from parkledger.audit.models import AuditEntry
from parkledger.core.kinds import data_fields, kind_models
from parkledger.periods.models import ClosedPeriod
from tests.accounts.conftest import make_user
from tests.accounts.world import build_parks, build_records

pytestmark = pytest.mark.django_db(transaction=True)


def _snapshot(tmp: Path) -> dict:
    """Everything a restore must give back: ledger rows, figures, the export files, accounts, audit."""
    from parkledger.dataio.exporting import export_path
    from parkledger.indicators.engine import compute_figures

    rows = {
        kind: list(model.objects.order_by("pk").values_list("pk", *[f.attname for f in data_fields(model)]))
        for kind, model in kind_models().items()
    }
    export_dir = tmp / "export"
    export_path(export_dir)
    files = {p.name: p.read_bytes() for p in sorted(export_dir.iterdir())}
    return {
        "rows": rows,
        "figures": compute_figures("ECO", "2022-09").to_json(),
        "export": files,
        "users": list(get_user_model().objects.order_by("pk").values_list("username", "password", "is_active")),
        "closed": list(ClosedPeriod.objects.values_list("park_id", "month")),
        "audit": list(AuditEntry.objects.order_by("seq").values_list("seq", "hash")),
    }


def test_a_restored_database_gives_the_same_rows_figures_and_exports(tmp_path):
    build_parks()
    build_records("ECO", "E", number=1)
    build_records("OTH", "O", number=2)
    make_user("boss", "leader", park="ECO")
    period_close(actor=None, park="ECO", month="2022-03")
    before = _snapshot(tmp_path / "before")
    assert sum(len(r) for r in before["rows"].values()) > 90 and before["export"]

    backup = tmp_path / "db.plbak"
    call_command("backup", "-o", str(backup))
    manifest = read_manifest(backup)
    assert manifest["counts"]["core.enterprisemonth"] == 2
    with tarfile.open(backup) as tar:
        assert sorted(tar.getnames()) == ["data.jsonl.gz", "manifest.json"]

    # a database holding data is refused without --force
    with pytest.raises(CommandError, match="不是空的"):
        call_command("restore", str(backup))

    # into an empty (freshly flushed and migrated) database
    call_command("flush", interactive=False, verbosity=0)
    assert not kind_models()["petition"].objects.exists()
    call_command("restore", str(backup))
    after = _snapshot(tmp_path / "after")
    # the restored log: the entries before the backup, the backup's own entry, then the restore's
    audit_before, audit_after = before.pop("audit"), after.pop("audit")
    backup_entry = AuditEntry.objects.get(action="backup")
    restore_entry = AuditEntry.objects.get(action="restore")
    assert audit_after[: len(audit_before)] == audit_before
    assert [seq for seq, _ in audit_after[len(audit_before):]] == [backup_entry.seq, restore_entry.seq]
    assert restore_entry.detail["audit_chain_ok"] is True
    assert after == before
    assert verify_chain().ok


def test_restore_with_force_replaces_a_database_holding_other_data(tmp_path):
    build_parks()
    build_records("ECO", "E", number=1)
    backup = tmp_path / "db.plbak"
    call_command("backup", "-o", str(backup))
    kind_models()["petition"].objects.all().delete()
    build_records("OTH", "O", number=2)
    restore_database(backup, force=True)
    petitions = kind_models()["petition"].objects.values_list("code", flat=True)
    assert list(petitions) == ["E-petition"]
    assert verify_chain().ok


def test_a_corrupted_backup_is_refused_and_nothing_is_changed(tmp_path):
    build_parks()
    backup = tmp_path / "db.plbak"
    call_command("backup", "-o", str(backup))
    raw = bytearray(backup.read_bytes())
    with tarfile.open(backup) as tar:
        member = tar.getmember("data.jsonl.gz")
    raw[member.offset_data + member.size // 2] ^= 0xFF  # a flipped byte inside data.jsonl.gz
    broken = tmp_path / "broken.plbak"
    broken.write_bytes(bytes(raw))
    with pytest.raises(BackupError, match="校验和|损坏|有效"):
        restore_database(broken, force=True)
    assert kind_models()["park"].objects.count() == 3
    not_a_backup = tmp_path / "x.plbak"
    not_a_backup.write_text("hello")
    with pytest.raises(CommandError):
        call_command("restore", str(not_a_backup), "--force")
