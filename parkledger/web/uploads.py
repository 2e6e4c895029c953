"""Uploaded import files kept between the preview (dry run) and the apply step.

The file is stored under `VAR_DIR/uploads/` with a random name; the session maps the token
shown in the page to that name, so a request can only apply a file its own session uploaded.
"""
from __future__ import annotations

import secrets
import time
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest

__all__ = ["store_upload", "stored_upload", "discard_upload", "SESSION_KEY"]

SESSION_KEY = "web.uploads"
MAX_AGE_SECONDS = 6 * 3600


def _folder() -> Path:
    folder = Path(settings.VAR_DIR) / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _sweep(folder: Path) -> None:
    """Remove stored uploads older than MAX_AGE_SECONDS."""
    limit = time.time() - MAX_AGE_SECONDS
    for path in folder.iterdir():
        try:
            if path.stat().st_mtime < limit:
                path.unlink()
        except OSError:
            continue


def store_upload(request: HttpRequest, upload: UploadedFile) -> str:
    """Keep an uploaded file for this session; returns its token."""
    folder = _folder()
    _sweep(folder)
    token = secrets.token_hex(16)
    suffix = Path(upload.name or "").suffix.lower()
    target = folder / f"{token}{suffix}"
    with target.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    uploads = dict(request.session.get(SESSION_KEY, {}))
    uploads[token] = {"path": target.name, "name": Path(upload.name or "upload").name[:200]}
    request.session[SESSION_KEY] = uploads
    return token


def stored_upload(request: HttpRequest, token: str) -> tuple[Path, str] | None:
    """(path, original file name) of a token this session stored, or None."""
    entry = request.session.get(SESSION_KEY, {}).get(token or "")
    if not entry:
        return None
    path = _folder() / entry["path"]
    return (path, entry["name"]) if path.exists() else None


def discard_upload(request: HttpRequest, token: str) -> None:
    uploads = dict(request.session.get(SESSION_KEY, {}))
    entry = uploads.pop(token, None)
    request.session[SESSION_KEY] = uploads
    if entry:
        (_folder() / entry["path"]).unlink(missing_ok=True)
