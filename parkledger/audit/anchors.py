"""External anchors of the audit chain's head: what `audit verify` compares the database with.

After every committed write batch (one line per transaction that appended entries, not one per
entry: an import's thousands of entries give one line) the newest sequence number and MAC are
appended to `audit-anchors.log` under `PARKLEDGER_VAR_DIR` (`settings.PARKLEDGER_AUDIT
["ANCHOR_FILE"]` overrides), and to syslog when `PARKLEDGER_AUDIT["SYSLOG"]` is set. So the
file is never more than one commit behind the database; a batch still running is anchored when
it commits (what has not been committed cannot be cut from the database either).

Each line is JSON: `db` (which database: engine, host and name), `seq`, `mac`, `kid` (the key's
id), `time`, and `sig` = HMAC(key, the line's other fields as canonical JSON), so a line cannot
be forged or moved without the key. The file is opened for appending only (O_APPEND, mode 0600),
under an exclusive lock; past `ANCHOR_MAX_BYTES` it is renamed to `.1` (`.1` to `.2`, … up to
`ANCHOR_KEEP` files) and a new one begun. Verify reads them all. A restore from a backup rewinds
the log on purpose: `parkledger restore` appends a line marked `reset`, and verify compares the
database only with the anchors from the newest valid reset line on.
"""
from __future__ import annotations

import fcntl
import json
import logging
import logging.handlers
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connections

from parkledger.audit.keys import AuditKey, audit_setting

__all__ = ["Anchor", "anchor_file", "database_identity", "write_anchor", "read_anchors"]

log = logging.getLogger(__name__)
_syslog: dict[str | tuple[str, int], logging.Logger] = {}


def anchor_file() -> Path:
    configured = audit_setting("ANCHOR_FILE")
    if configured:
        return Path(configured)
    return Path(getattr(settings, "VAR_DIR", "var")) / "audit-anchors.log"


def database_identity(alias: str = "default") -> str:
    """The database an anchor belongs to (several databases may share a var/ folder)."""
    conn = connections[alias]
    data = conn.settings_dict
    if conn.vendor == "sqlite":
        return f"sqlite:{data.get('NAME')}"
    return f"{conn.vendor}://{data.get('HOST') or 'local'}:{data.get('PORT') or ''}/{data.get('NAME')}"


def _canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


@dataclass(frozen=True)
class Anchor:
    file: str
    line: int
    db: str
    seq: int
    mac: str
    kid: str
    time: str
    valid: bool  # the line's signature checks under the current key
    reset: bool = False  # a restore: the anchors before this line belong to the overwritten database


def _rotate(path: Path) -> None:
    keep = max(int(audit_setting("ANCHOR_KEEP")), 1)
    for n in range(keep - 1, 0, -1):
        older = path.with_name(f"{path.name}.{n}")
        if older.exists():
            older.replace(path.with_name(f"{path.name}.{n + 1}"))
    path.replace(path.with_name(f"{path.name}.1"))


def _syslog_logger() -> logging.Logger | None:
    """A logger to syslog at `PARKLEDGER_AUDIT["SYSLOG"]` (True: the local /dev/log; a path; or
    [host, port] over UDP), facility authpriv; None when not set."""
    target = audit_setting("SYSLOG")
    if not target:
        return None
    address: str | tuple[str, int] = "/dev/log" if target is True else (
        target if isinstance(target, str) else (str(target[0]), int(target[1])))
    logger = _syslog.get(address)
    if logger is None:
        logger = logging.getLogger(f"parkledger.audit.anchor.syslog.{len(_syslog)}")
        logger.propagate = False
        logger.addHandler(logging.handlers.SysLogHandler(
            address=address, facility=logging.handlers.SysLogHandler.LOG_AUTHPRIV))
        logger.setLevel(logging.INFO)
        _syslog[address] = logger
    return logger


def write_anchor(key: AuditKey, seq: int, mac: str, alias: str = "default", *, reset: bool = False) -> None:
    """Append one signed line for the head `seq`/`mac` (never raises: a failure is logged).
    `reset` marks a restore from a backup: verify ignores the anchors before it."""
    body = {"db": database_identity(alias), "seq": seq, "mac": mac, "kid": key.key_id,
            "time": datetime.now(UTC).isoformat(timespec="seconds")}
    if reset:
        body["reset"] = True
    line = json.dumps({**body, "sig": key.mac(_canonical(body))}, ensure_ascii=False, separators=(",", ":")) + "\n"
    path = anchor_file()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            if os.fstat(fd).st_size >= int(audit_setting("ANCHOR_MAX_BYTES")) and os.path.exists(path):
                _rotate(path)
                os.close(fd)
                fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
                fcntl.flock(fd, fcntl.LOCK_EX)
            os.write(fd, line.encode("utf-8"))
        finally:
            os.close(fd)
    except OSError as exc:
        log.error("audit anchor not written to %s: %s", path, exc)
    try:
        syslog = _syslog_logger()
        if syslog is not None:
            syslog.info("parkledger-audit-anchor %s", line.strip())
    except OSError as exc:
        log.error("audit anchor not sent to syslog: %s", exc)


def _files(path: Path) -> list[Path]:
    """The anchor files, oldest first."""
    rotated = sorted((p for p in path.parent.glob(f"{path.name}.*") if p.suffix[1:].isdigit()),
                     key=lambda p: -int(p.suffix[1:]))
    return [*rotated, path] if path.exists() else rotated


def read_anchors(key: AuditKey, alias: str = "default") -> Iterator[Anchor | tuple[str, int]]:
    """Every anchor of this database, oldest first; a line that cannot be read as one
    is given as (file, line number)."""
    identity = database_identity(alias)
    for path in _files(anchor_file()):
        with open(path, encoding="utf-8", errors="replace") as fh:
            for number, text in enumerate(fh, start=1):
                if not text.strip():
                    continue
                try:
                    data = json.loads(text)
                    sig = data.pop("sig")
                    anchor = Anchor(file=path.name, line=number, db=str(data["db"]), seq=int(data["seq"]),
                                    mac=str(data["mac"]), kid=str(data["kid"]), time=str(data.get("time", "")),
                                    valid=key.mac(_canonical(data)) == sig, reset=data.get("reset") is True)
                except (ValueError, KeyError, TypeError, AttributeError):
                    yield (path.name, number)
                    continue
                if anchor.db == identity or (not anchor.valid and anchor.kid == key.key_id):
                    yield anchor  # a line moved to another database's name is forged too
