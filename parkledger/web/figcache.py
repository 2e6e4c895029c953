"""A short-lived cache of computed figures, shared by the dashboard, the indicators page and the
report preview.

Figures are a park's and period's whatever the user (access to the park is checked before), so
one computation serves every user for `TTL` seconds. Any ledger write in this process (a save,
a delete, an import) starts a new generation, so this process never shows figures older than
its own writes; other processes of a deployment see them within `TTL`.
"""
from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Iterable
from typing import Any

from django.core.cache import cache

from parkledger.indicators.engine import compute_figures
from parkledger.indicators.types import FigureSet

__all__ = ["TTL", "cached", "figures", "checks", "new_generation", "generation", "CachedFigureSource"]

TTL = 60
_generation = 0
_locks: dict[str, threading.Lock] = {}
_locks_guard = threading.Lock()


def cached(key: str, compute: Callable[[], Any], ttl: int = TTL) -> Any:
    """The cached value of `key`, computed by one thread at a time when missing: the others wait
    for it instead of all computing the same thing at once (after an expiry, under load)."""
    value = cache.get(key)
    if value is not None:
        return value
    with _locks_guard:
        lock = _locks.setdefault(key, threading.Lock())
        if len(_locks) > 1000:  # old generations' keys
            _locks.clear()
            _locks[key] = lock
    with lock:
        value = cache.get(key)
        if value is None:
            value = compute()
            cache.set(key, value, ttl)
    return value


def new_generation(*args, **kwargs) -> None:
    """Forget every cached figure (connected to ledger saves, deletes and imports)."""
    global _generation
    _generation += 1


def generation() -> int:
    return _generation


def _key(park: str, period: str, tag: str) -> str:
    return f"web:figures:{_generation}:{park}:{period}:{tag}"


def figures(park: str, period: str, keys: Iterable[str] | None = None) -> FigureSet:
    """The figures of a park and period (all, or only `keys`), computed at most once per TTL."""
    full = cache.get(_key(park, period, "all"))
    wanted = None if keys is None else list(dict.fromkeys(keys))
    if full is not None:
        if wanted is None:
            return full
        if all(k in full for k in wanted):
            return FigureSet(full.park, full.period, {k: full[k] for k in wanted})
    tag = "all" if wanted is None else hashlib.sha1(",".join(wanted).encode()).hexdigest()[:16]
    return cached(_key(park, period, tag), lambda: compute_figures(park, period, wanted))


def cached_figures(park: str, period: str) -> FigureSet | None:
    """The park's whole figure set if it is in the cache now (nothing is computed)."""
    return cache.get(_key(park, period, "all"))


def cached_checks(park: str, period: str) -> list | None:
    """The data-quality checks if they are in the cache now (nothing is computed)."""
    return cache.get(_key(park, period, "checks"))


def checks(park: str, period: str) -> list:
    """The data-quality checks of a park and period over its cached figures, computed at most once per TTL."""
    def compute() -> list:
        from parkledger.indicators.checks import run_checks

        return list(run_checks(park, period, figures=figures(park, period)))

    return cached(_key(park, period, "checks"), compute)


class CachedFigureSource:
    """A report's figure source: the cached figure set first, the engine for any key not in it
    (a parameter the set did not expand), so a preview equals the downloaded report."""

    def __init__(self, park: str, period: str, figure_set: FigureSet) -> None:
        self.park = park
        self.period = period
        self.figure_set = figure_set
        self._engine = None

    def get(self, key: str):
        fig = self.figure_set.get(key)
        if fig is not None:
            return fig
        if self._engine is None:
            from parkledger.reports.sources import EngineFigures

            self._engine = EngineFigures(self.park, self.period)
        return self._engine.get(key)
