"""The audit log's MAC key: kept outside the database, so SQL access alone cannot rewrite the chain.

Where the key comes from, first found wins:
1. `settings.PARKLEDGER_AUDIT["KEY"]` (hex; the test settings give one);
2. the environment variable `PARKLEDGER_AUDIT_KEY`: the key as **hex** (64 hex digits = 32 bytes,
   at least 32 bytes);
3. the file `settings.PARKLEDGER_AUDIT["KEY_FILE"]`, by default `$PARKLEDGER_VAR_DIR/audit.key`
   (`var/audit.key`): the same hex text on one line, mode 0600. `parkledger audit keygen
   --if-missing` (run by `make setup`) creates it.

Without a key, a development server (`DEBUG`) creates the file on first use; with
`DJANGO_DEBUG=0` every audited action fails with `AuditKeyMissing` (an audit log without its
key would be a log anyone with SQL access could rewrite) and `check --deploy` says so.

The key's id (`key_id`) is the first 16 hex digits of HMAC(key, "parkledger-audit-key-id"): it
names the key in anchors and checkpoints without revealing it, so `audit verify` can tell a
wrong key from edited entries.
"""
from __future__ import annotations

import binascii
import hashlib
import hmac
import logging
import os
import secrets
import stat
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

__all__ = ["AuditKey", "AuditKeyMissing", "KEY_ENV", "audit_setting", "key_file", "load_key", "create_key_file",
           "key_status"]

KEY_ENV = "PARKLEDGER_AUDIT_KEY"
MIN_KEY_BYTES = 32
_DEFAULTS = {
    "KEY": None,
    "KEY_FILE": None,  # default: VAR_DIR / "audit.key"
    "ANCHOR_FILE": None,  # default: VAR_DIR / "audit-anchors.log"
    "ANCHOR_MAX_BYTES": 4 * 1024 * 1024,
    "ANCHOR_KEEP": 8,
    "SYSLOG": False,  # True, or a syslog address ("/dev/log", ["host", 514])
}
log = logging.getLogger(__name__)


class AuditKeyMissing(ImproperlyConfigured):
    """No audit key is configured (and none may be created here)."""


def audit_setting(name: str):
    """One of `settings.PARKLEDGER_AUDIT`'s keys, else its default."""
    configured = getattr(settings, "PARKLEDGER_AUDIT", None) or {}
    return configured.get(name, _DEFAULTS[name])


def _var_dir() -> Path:
    return Path(getattr(settings, "VAR_DIR", None) or Path(os.environ.get("PARKLEDGER_VAR_DIR", "var")))


def key_file() -> Path:
    return Path(audit_setting("KEY_FILE") or _var_dir() / "audit.key")


@dataclass(frozen=True)
class AuditKey:
    secret: bytes
    source: str  # "settings", "environment" or the file's path

    @property
    def key_id(self) -> str:
        return hmac.new(self.secret, b"parkledger-audit-key-id", hashlib.sha256).hexdigest()[:16]

    def mac(self, data: bytes) -> str:
        return hmac.new(self.secret, data, hashlib.sha256).hexdigest()

    def mac_function(self) -> Callable[[bytes], str]:
        """`mac` for many messages: HMAC-SHA256 (RFC 2104) with the key's padded inner and outer
        hash states computed once and copied per message (hmac.HMAC.copy() costs more than the
        two hashes it saves)."""
        block = self.secret if len(self.secret) <= 64 else hashlib.sha256(self.secret).digest()
        block = block.ljust(64, b"\0")
        inner = hashlib.sha256(bytes(b ^ 0x36 for b in block))
        outer = hashlib.sha256(bytes(b ^ 0x5C for b in block))

        def mac(data: bytes) -> str:
            digest = inner.copy()
            digest.update(data)
            result = outer.copy()
            result.update(digest.digest())
            return result.hexdigest()

        return mac


def _parse(text: str, source: str) -> AuditKey:
    cleaned = "".join(text.split())
    try:
        secret = binascii.unhexlify(cleaned)
    except (binascii.Error, ValueError) as exc:
        raise ImproperlyConfigured(f"audit key from {source} is not hex") from exc
    if len(secret) < MIN_KEY_BYTES:
        raise ImproperlyConfigured(f"audit key from {source} is shorter than {MIN_KEY_BYTES} bytes "
                                   f"({MIN_KEY_BYTES * 2} hex digits)")
    return AuditKey(secret, source)


@lru_cache(maxsize=8)
def _parse_cached(text: str, source: str) -> AuditKey:
    return _parse(text, source)


def _read_file(path: Path) -> AuditKey | None:
    try:
        info = path.stat()
    except FileNotFoundError:
        return None
    if info.st_mode & stat.S_IRWXO:
        raise ImproperlyConfigured(f"audit key file {path} is readable by others: chmod 600 {path}")
    return _parse_cached(path.read_text(encoding="ascii", errors="replace"), str(path))


def create_key_file(path: Path | None = None) -> Path:
    """Write a new random key (32 bytes as hex) with mode 0600; refuses to overwrite one."""
    path = path or key_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(secrets.token_hex(MIN_KEY_BYTES) + "\n")
    return path


def load_key(*, create: bool | None = None) -> AuditKey:
    """The configured key (see the module docstring); `create` defaults to `settings.DEBUG`."""
    configured = audit_setting("KEY")
    if configured:
        return _parse_cached(str(configured), "settings")
    from_env = os.environ.get(KEY_ENV, "").strip()
    if from_env:
        return _parse_cached(from_env, "environment")
    path = key_file()
    found = _read_file(path)
    if found is not None:
        return found
    if create if create is not None else settings.DEBUG:
        try:
            create_key_file(path)
            log.warning("created the audit key %s: back it up apart from the database", path)
        except FileExistsError:
            pass
        found = _read_file(path)
        if found is not None:
            return found
    raise AuditKeyMissing(
        f"no audit key: set {KEY_ENV} (hex) or create {path} with `parkledger audit keygen`"
    )


def key_status() -> str:
    """"" when a key is configured, else why not (for the deployment check)."""
    try:
        load_key(create=False)
    except ImproperlyConfigured as exc:
        return str(exc)
    return ""
