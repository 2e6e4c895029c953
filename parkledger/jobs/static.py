"""Static files in production: hashed, compressed copies (collectstatic) cached for a year."""
from __future__ import annotations

from typing import Any

from whitenoise.storage import CompressedManifestStaticFilesStorage

__all__ = ["IMMUTABLE", "cache_for_a_year", "StaticStorage"]

IMMUTABLE = "max-age=31536000, public, immutable"


def cache_for_a_year(headers: Any, path: str, url: str) -> None:
    """WhiteNoise's header hook: its own "immutable" (ten years) becomes one year, as browsers and proxies expect."""
    if "immutable" in headers.get("Cache-Control", ""):
        headers["Cache-Control"] = IMMUTABLE


class StaticStorage(CompressedManifestStaticFilesStorage):
    """WhiteNoise's storage, but a file missing from the manifest (static files not collected since it
    was added, e.g. a benchmark run with DEBUG off) is linked by its plain name instead of failing
    the whole page; `parkledger serve` refuses to start without a manifest at all."""

    def stored_name(self, name: str) -> str:
        try:
            return super().stored_name(name)
        except ValueError:
            return name
