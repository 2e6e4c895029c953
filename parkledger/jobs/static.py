"""Static files' caching: a file with a content hash in its name never changes, cached for a year."""
from __future__ import annotations

from typing import Any

__all__ = ["IMMUTABLE", "cache_for_a_year"]

IMMUTABLE = "max-age=31536000, public, immutable"


def cache_for_a_year(headers: Any, path: str, url: str) -> None:
    """WhiteNoise's header hook: its own "immutable" (ten years) becomes one year, as browsers and proxies expect."""
    if "immutable" in headers.get("Cache-Control", ""):
        headers["Cache-Control"] = IMMUTABLE
