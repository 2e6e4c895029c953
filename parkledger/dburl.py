"""Turn a DATABASE_URL into Django's DATABASES entry (SQLite by default)."""
from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit


def database_from_url(url: str | None, default_sqlite: Path) -> dict:
    """`postgres://user:pass@host:port/name?opt=v` or `sqlite:///path`; empty means the embedded SQLite."""
    if not url:
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": str(default_sqlite)}
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": unquote(parts.path[1:]) or str(default_sqlite)}
    if parts.scheme in ("postgres", "postgresql", "pgsql"):
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parts.path.lstrip("/")),
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
            "OPTIONS": dict(parse_qsl(parts.query)),
        }
    raise ValueError(f"DATABASE_URL scheme {parts.scheme!r} is not supported (use sqlite:// or postgres://)")
