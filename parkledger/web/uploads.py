"""Uploaded import files kept between the preview (dry run) and the apply step.

The file is stored under `VAR_DIR/uploads/<user id>/` with a random name; the session maps the
token shown in the page to that name, so a request can only apply a file its own session uploaded.

Bounded: a file over `PARKLEDGER_MAX_UPLOAD_BYTES` is refused before anything is written; a
previewed file not applied within `MAX_AGE_SECONDS` (one hour) is deleted, by the sweep each new
upload runs and by `parkledger uploads purge`; a user's pending files together may not exceed
`PARKLEDGER_UPLOAD_QUOTA_BYTES` (200 MB by default): a new upload past it is refused with a message
(the quota counts what is still pending after the sweep, so waiting an hour or applying frees it).
"""
from __future__ import annotations

import os
import secrets
import shutil
import time
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest
from django.utils.translation import gettext as _

__all__ = [
    "store_upload", "stored_upload", "discard_upload", "purge_uploads", "pending_bytes", "UploadRefused",
    "SESSION_KEY", "MAX_AGE_SECONDS",
]

SESSION_KEY = "web.uploads"
MAX_AGE_SECONDS = 3600
DEFAULT_QUOTA_BYTES = 200 << 20


class UploadRefused(Exception):
    """An upload that is not stored: `str()` says why, in the user's language."""


def _root() -> Path:
    folder = Path(settings.VAR_DIR) / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _user_folder(user_id: int | str) -> Path:
    folder = _root() / str(int(user_id))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _mb(size: int) -> str:
    return f"{size / (1 << 20):.0f}"


def purge_uploads(max_age: float = MAX_AGE_SECONDS, now: float | None = None) -> tuple[int, int]:
    """Delete stored uploads older than `max_age` seconds (and emptied user folders); (files, bytes)."""
    limit = (now if now is not None else time.time()) - max_age
    files = size = 0
    root = _root()
    for path in root.rglob("*"):
        try:
            if path.is_file() and path.stat().st_mtime < limit:
                length = path.stat().st_size
                path.unlink()
                files += 1
                size += length
        except OSError:
            continue
    for folder in root.iterdir():
        if folder.is_dir():
            try:
                folder.rmdir()  # only when empty
            except OSError:
                pass
    return files, size


def pending_bytes(user_id: int | str) -> int:
    """The size of a user's stored, not yet applied uploads."""
    folder = _root() / str(int(user_id))
    if not folder.is_dir():
        return 0
    total = 0
    for path in folder.iterdir():
        try:
            total += path.stat().st_size
        except OSError:
            continue
    return total


def _quota() -> int:
    """`PARKLEDGER_UPLOAD_QUOTA_BYTES` (setting, else environment variable), 200 MB by default."""
    value = getattr(settings, "PARKLEDGER_UPLOAD_QUOTA_BYTES", None) or os.environ.get("PARKLEDGER_UPLOAD_QUOTA_BYTES")
    try:
        return int(value) if value else DEFAULT_QUOTA_BYTES
    except ValueError:
        return DEFAULT_QUOTA_BYTES


def store_upload(request: HttpRequest, upload: UploadedFile) -> str:
    """Keep an uploaded file for this session; returns its token. `UploadRefused` when the file is
    too big or the user's pending uploads would pass the quota."""
    purge_uploads()
    limit = int(settings.PARKLEDGER_MAX_UPLOAD_BYTES)
    size = upload.size or 0
    if size > limit:
        raise UploadRefused(_("文件超过%(mb)sMB，请拆分后分批导入") % {"mb": _mb(limit)})
    pending = pending_bytes(request.user.pk)
    if pending + size > _quota():
        raise UploadRefused(_(
            "待导入的文件已有%(pending)sMB，加上这个文件超过每人%(quota)sMB的上限：请先导入或放弃已预览的文件，"
            "未导入的文件一小时后自动删除") % {"pending": _mb(pending), "quota": _mb(_quota())})
    token = secrets.token_hex(16)
    suffix = Path(upload.name or "").suffix.lower()[:10]
    target = _user_folder(request.user.pk) / f"{token}{suffix}"
    written = 0
    with target.open("wb") as out:
        for chunk in upload.chunks():
            written += len(chunk)
            if written > limit:  # the size the upload claimed was wrong
                break
            out.write(chunk)
    if written > limit:
        target.unlink(missing_ok=True)
        raise UploadRefused(_("文件超过%(mb)sMB，请拆分后分批导入") % {"mb": _mb(limit)})
    uploads = dict(request.session.get(SESSION_KEY, {}))
    uploads[token] = {"path": f"{int(request.user.pk)}/{target.name}", "name": Path(upload.name or "upload").name[:200]}
    request.session[SESSION_KEY] = uploads
    return token


def _path_of(entry: dict) -> Path | None:
    root = _root()
    path = (root / str(entry.get("path", ""))).resolve()
    return path if path.is_relative_to(root.resolve()) and path != root.resolve() else None


def stored_upload(request: HttpRequest, token: str) -> tuple[Path, str] | None:
    """(path, original file name) of a token this session stored, or None (also once deleted)."""
    entry = request.session.get(SESSION_KEY, {}).get(token or "")
    if not entry:
        return None
    path = _path_of(entry)
    return (path, entry["name"]) if path is not None and path.is_file() else None


def discard_upload(request: HttpRequest, token: str) -> None:
    uploads = dict(request.session.get(SESSION_KEY, {}))
    entry = uploads.pop(token, None)
    request.session[SESSION_KEY] = uploads
    if entry:
        path = _path_of(entry)
        if path is not None:
            path.unlink(missing_ok=True)


def remove_all_uploads() -> None:
    """Delete every stored upload (tests, resets)."""
    shutil.rmtree(_root(), ignore_errors=True)
