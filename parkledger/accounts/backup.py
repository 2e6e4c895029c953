"""Backup and restore of the whole database, on SQLite and PostgreSQL alike.

A backup file is a tar archive of two members:
- `data.jsonl.gz`: every row of every table, one JSON object a line (Django's `jsonl`
  serialisation, primary keys kept), read in one transaction (REPEATABLE READ on
  PostgreSQL) so the tables agree with each other;
- `manifest.json`: format and version, creation time, database vendor, the applied migrations,
  the row count of every model, the sha256 of `data.jsonl.gz` and the audit log's head.

Restore goes into an empty database migrated to the same migrations (it refuses a database
holding data unless forced, and a backup whose migrations differ), replaces the content types
and permissions `migrate` created by the backup's own (so every reference keeps its key),
streams the rows in with batched inserts (foreign keys are checked at commit), resets the
PostgreSQL sequences, checks the counts and the audit chain, and logs the restore.
"""
from __future__ import annotations

import gzip
import hashlib
import io
import json
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import django
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core import serializers
from django.core.management import call_command
from django.db import connection, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from django.utils.translation import gettext as _

from parkledger.audit.log import audit_log, reanchor_after_restore, verify_chain
from parkledger.audit.models import AuditAction, AuditEntry, AuditResult

__all__ = ["BACKUP_FORMAT", "BackupError", "RestoreReport", "backup_models", "backup_database",
           "read_manifest", "restore_database", "database_is_empty"]

BACKUP_FORMAT = "parkledger-backup"
BACKUP_VERSION = 1
DATA_MEMBER = "data.jsonl.gz"
INSERT_BATCH = 1000
MANIFEST_MEMBER = "manifest.json"
# tables that say nothing about the business or its users' rights: left out of backups,
# and not counted when deciding whether a database is empty
_TRANSIENT = (Session,)
_MIGRATE_CREATED = ("contenttypes.contenttype", "auth.permission")


class BackupError(Exception):
    """A backup that cannot be written or restored; the message says why."""


@dataclass
class RestoreReport:
    manifest: dict[str, Any]
    counts: dict[str, int] = field(default_factory=dict)
    audit_problems: list[str] = field(default_factory=list)


def backup_models() -> list[type[models.Model]]:
    """Every concrete, managed model whose rows a backup holds."""
    return [
        m for m in apps.get_models()
        if m._meta.managed and not m._meta.proxy and not m._meta.swapped and m not in _TRANSIENT
    ]


def _applied_migrations() -> list[list[str]]:
    return sorted([app, name] for app, name in MigrationRecorder(connection).applied_migrations())


class _Counter:
    """Counts the rows of each model while the serializer streams them."""

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}

    def rows(self, model_list: list[type[models.Model]]) -> Iterator[models.Model]:
        for model in model_list:
            label = model._meta.label_lower
            self.counts[label] = 0
            for obj in model._base_manager.order_by("pk").iterator(chunk_size=2000):
                self.counts[label] += 1
                yield obj


def backup_database(path: str | Path) -> dict[str, Any]:
    """Write a backup to `path`; returns the manifest."""
    path = Path(path)
    counter = _Counter()
    # logged first, so the backup holds its own entry (a failure is logged after it)
    audit_log(AuditAction.BACKUP, detail={"file": path.name})
    try:
        manifest = _write_backup(path, counter)
    except Exception as exc:
        audit_log(AuditAction.BACKUP, result=AuditResult.FAILURE, detail={"file": path.name, "error": str(exc)[:500]})
        raise
    return manifest


def _write_backup(path: Path, counter: _Counter) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        data_path = Path(tmp) / DATA_MEMBER
        outermost = not connection.in_atomic_block
        with transaction.atomic():
            if outermost and connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            migrations = _applied_migrations()
            head = AuditEntry.objects.order_by("-seq").values("seq", "hash").first()
            with gzip.open(data_path, "wt", encoding="utf-8", compresslevel=6) as fh:
                serializers.serialize("jsonl", counter.rows(backup_models()), stream=fh)
        digest = hashlib.sha256(data_path.read_bytes()).hexdigest()
        manifest = {
            "format": BACKUP_FORMAT, "version": BACKUP_VERSION,
            "created_at": timezone.now().isoformat(), "vendor": connection.vendor,
            "django": django.get_version(), "migrations": migrations, "counts": counter.counts,
            "total_rows": sum(counter.counts.values()), "data_sha256": digest, "audit_head": head,
        }
        manifest_bytes = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".partial")
        with tarfile.open(partial, "w") as tar:
            info = tarfile.TarInfo(MANIFEST_MEMBER)
            info.size = len(manifest_bytes)
            info.mtime = int(timezone.now().timestamp())
            tar.addfile(info, io.BytesIO(manifest_bytes))
            tar.add(data_path, arcname=DATA_MEMBER)
        partial.replace(path)
    return manifest


def _open(path: Path) -> tarfile.TarFile:
    try:
        return tarfile.open(path, "r")
    except (tarfile.TarError, OSError) as exc:
        raise BackupError(_("不是有效的备份文件：%(e)s") % {"e": exc}) from exc


def read_manifest(path: str | Path) -> dict[str, Any]:
    with _open(Path(path)) as tar:
        try:
            member = tar.extractfile(MANIFEST_MEMBER)
        except KeyError as exc:
            raise BackupError(_("备份文件缺少 manifest.json")) from exc
        manifest = json.loads(member.read().decode("utf-8")) if member else {}
    if manifest.get("format") != BACKUP_FORMAT or manifest.get("version") != BACKUP_VERSION:
        raise BackupError(_("不支持的备份格式：%(f)s %(v)s") % {"f": manifest.get("format"), "v": manifest.get("version")})
    return manifest


def database_is_empty() -> bool:
    """No rows except those `migrate` creates (content types, permissions) and sessions."""
    for model in backup_models():
        if model._meta.label_lower in _MIGRATE_CREATED:
            continue
        if model._base_manager.exists():
            return False
    return True


def _insert(model: type[models.Model], batch: list) -> None:
    """Insert deserialised rows of one model, then their many-to-many links."""
    if model._meta.parents:  # multi-table inheritance: bulk_create cannot, save one by one
        for item in batch:
            item.save()
        return
    model._base_manager.bulk_create([item.object for item in batch], batch_size=INSERT_BATCH)
    for item in batch:
        for name, targets in (item.m2m_data or {}).items():
            fld = model._meta.get_field(name)
            through = fld.remote_field.through
            source, target = fld.m2m_field_name(), fld.m2m_reverse_field_name()
            through._base_manager.bulk_create(
                [through(**{f"{source}_id": item.object.pk, f"{target}_id": t}) for t in targets]
            )


def _load(stream) -> set[type[models.Model]]:
    """Stream the rows in, a batch of one model at a time; returns the models loaded."""
    loaded: set[type[models.Model]] = set()
    batch: list = []
    current: type[models.Model] | None = None
    for item in serializers.deserialize("jsonl", stream):
        model = type(item.object)
        if model is not current or len(batch) >= INSERT_BATCH:
            if batch:
                _insert(current, batch)
            batch, current = [], model
            loaded.add(model)
        batch.append(item)
    if batch:
        _insert(current, batch)
    return loaded


def _reset_sequences(loaded: set[type[models.Model]]) -> None:
    """Point PostgreSQL's id sequences past the restored ids."""
    from django.core.management.color import no_style

    statements = connection.ops.sequence_reset_sql(no_style(), list(loaded))
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def restore_database(path: str | Path, *, force: bool = False) -> RestoreReport:
    """Restore a backup into this (empty, same-migrations) database; see the module docstring."""
    path = Path(path)
    manifest = read_manifest(path)
    applied = _applied_migrations()
    wanted = manifest["migrations"]
    if applied != wanted:
        missing = sorted(map(tuple, {tuple(m) for m in wanted} - {tuple(m) for m in applied}))
        extra = sorted(map(tuple, {tuple(m) for m in applied} - {tuple(m) for m in wanted}))
        raise BackupError(
            _("数据库结构与备份不一致（先运行 migrate 到与备份相同的版本）：缺少 %(missing)s；多出 %(extra)s")
            % {"missing": [".".join(m) for m in missing[:5]] or "-", "extra": [".".join(m) for m in extra[:5]] or "-"}
        )
    if not force and not database_is_empty():
        raise BackupError(_("目标数据库不是空的：恢复会覆盖其中全部数据，确认请加 --force"))
    with tempfile.TemporaryDirectory() as tmp:
        data_path = Path(tmp) / DATA_MEMBER
        with _open(path) as tar:
            try:
                member = tar.extractfile(DATA_MEMBER)
            except KeyError as exc:
                raise BackupError(_("备份文件缺少 data.jsonl.gz")) from exc
            digest = hashlib.sha256()
            with open(data_path, "wb") as out:
                while member is not None and (chunk := member.read(1 << 20)):
                    digest.update(chunk)
                    out.write(chunk)
        if digest.hexdigest() != manifest["data_sha256"]:
            raise BackupError(_("备份文件已损坏：data.jsonl.gz 的校验和与 manifest 不符"))
        with transaction.atomic():
            call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
            with gzip.open(data_path, "rt", encoding="utf-8") as fh:
                loaded = _load(fh)
            ContentType.objects.clear_cache()
            counts = {m._meta.label_lower: m._base_manager.count() for m in backup_models()}
            expected = {label: n for label, n in manifest["counts"].items() if label in counts}
            differing = {k: (v, counts.get(k)) for k, v in expected.items() if counts.get(k) != v}
            if differing:
                raise BackupError(_("恢复后的行数与备份不符：%(d)s") % {"d": differing})
            connection.check_constraints()
        _reset_sequences(loaded)
    reanchor_after_restore()  # the anchors outside the database named the overwritten log's head
    report = RestoreReport(manifest=manifest, counts=counts, audit_problems=verify_chain().problems)
    audit_log(AuditAction.RESTORE, detail={
        "file": path.name, "sha256": manifest["data_sha256"], "rows": manifest.get("total_rows"),
        "backup_created_at": manifest.get("created_at"), "forced": force,
        "audit_chain_ok": not report.audit_problems,
    })
    return report
