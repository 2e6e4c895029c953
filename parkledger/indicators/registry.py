"""The indicator registry: a dict with fixed stores, filled at start-up by the `@indicator` decorator.

Each chapter app declares its indicators in `parkledger/<app>/indicators.py`; `IndicatorsConfig.ready()`
imports those modules. A key can be registered once; tests swap keys in with `register_temporarily`.

A parameterised key is spelled with an upper-case placeholder in brackets (`platform.incubated[CODE]`)
and comes with a `params` callable giving, for a context, the parameter values to expand it with.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured

__all__ = [
    "Registry", "registry", "Indicator", "indicator", "register", "register_temporarily",
    "get_indicator", "resolve", "all_indicators",
]

PATTERN_RE = re.compile(r"^([a-z0-9_.]+)\[([A-Z_]+)\]$")
ASKED_RE = re.compile(r"^(.+?)\[(.+)\]$")


class Registry(dict):
    """A dict whose set of stores is fixed at creation (stores cannot be added or removed)."""

    def __getitem__(self, key: str) -> Any:
        try:
            return super().__getitem__(key)
        except KeyError as exc:
            raise KeyError(f"Invalid store: {key}") from exc

    def __setitem__(self, key: str, value: Any) -> None:
        raise TypeError("Cannot add stores to the registry after initialization")

    def __delitem__(self, key: str) -> None:
        raise TypeError("Cannot delete stores from the registry")


registry = Registry({"indicators": {}})


@dataclass(frozen=True)
class Indicator:
    """A declared indicator: its key, Chinese name, display unit, definition and function.

    `prefix` is the key without its placeholder (`platform.incubated` for `platform.incubated[CODE]`);
    `params` is set exactly for parameterised keys.
    """

    key: str
    name: str
    unit: str
    chapter: str
    sources: tuple[str, ...]
    definition: str
    func: Callable[..., Any]
    params: Callable[[Any], Iterable[str]] | None = None

    @property
    def parameterised(self) -> bool:
        return self.params is not None

    @property
    def prefix(self) -> str:
        m = PATTERN_RE.match(self.key)
        return m.group(1) if m else self.key

    def key_for(self, param: str) -> str:
        return f"{self.prefix}[{param}]"


def _make(key: str, func: Callable[..., Any], *, name: str, unit: str, chapter: str,
          sources: Iterable[str] = (), definition: str = "",
          params: Callable[[Any], Iterable[str]] | None = None) -> Indicator:
    patterned = PATTERN_RE.match(key) is not None
    if "[" in key and not patterned:
        raise ImproperlyConfigured(f"Indicator key {key!r}: a parameter is written like `name[CODE]`")
    if patterned != (params is not None):
        raise ImproperlyConfigured(f"Indicator key {key!r}: a parameterised key needs `params`, and only it")
    return Indicator(
        key=key, name=name, unit=unit, chapter=chapter, sources=tuple(sources),
        definition=definition, func=func, params=params,
    )


def register(ind: Indicator) -> Indicator:
    """Add an indicator; a key registered twice is a configuration error."""
    store = registry["indicators"]
    if ind.key in store:
        raise ImproperlyConfigured(f"Indicator {ind.key!r} is already registered")
    store[ind.key] = ind
    return ind


def indicator(key: str, *, name: str, unit: str, chapter: str, sources: Iterable[str] = (),
              definition: str = "", params: Callable[[Any], Iterable[str]] | None = None):
    """Decorator declaring an indicator function `f(ctx) -> Result` (or `f(ctx, param)`)."""

    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        register(_make(key, func, name=name, unit=unit, chapter=chapter, sources=sources,
                       definition=definition, params=params))
        return func

    return decorate


@contextmanager
def register_temporarily(key: str, func: Callable[..., Any], *, name: str = "", unit: str = "",
                         chapter: str = "test", sources: Iterable[str] = (), definition: str = "",
                         params: Callable[[Any], Iterable[str]] | None = None) -> Iterator[Indicator]:
    """Register (or replace) an indicator for the duration of a `with` block (tests only)."""
    ind = _make(key, func, name=name or key, unit=unit, chapter=chapter, sources=sources,
                definition=definition, params=params)
    store = registry["indicators"]
    previous = store.get(key)
    store[key] = ind
    try:
        yield ind
    finally:
        if previous is None:
            store.pop(key, None)
        else:
            store[key] = previous


def all_indicators() -> list[Indicator]:
    """Every registered indicator, in registration order."""
    return list(registry["indicators"].values())


def get_indicator(key: str) -> Indicator:
    """The indicator declared under exactly `key` (KeyError otherwise)."""
    return registry["indicators"][key]


def resolve(asked: str) -> tuple[Indicator, str | None]:
    """An asked key → (indicator, parameter): `platform.incubated[SH-FUDAN]` → (…[CODE], "SH-FUDAN").

    A plain key resolves to itself with no parameter. KeyError for an unknown key.
    """
    store = registry["indicators"]
    ind = store.get(asked)
    if ind is not None and not ind.parameterised:
        return ind, None
    m = ASKED_RE.match(asked)
    if m:
        prefix, param = m.groups()
        for candidate in store.values():
            if candidate.parameterised and candidate.prefix == prefix:
                return candidate, param
    raise KeyError(asked)
