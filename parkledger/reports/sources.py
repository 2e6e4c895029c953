"""Where a report's figures and names come from: the indicator engine and the park's ledgers.

A template only ever sees strings handed out by these sources, never model instances, and every
lookup is restricted to the park being reported on (and its sub-parks).
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from django.apps import apps

from parkledger.indicators.engine import evaluate, make_context
from parkledger.indicators.registry import resolve
from parkledger.indicators.types import Figure
from parkledger.lib.periods import Period

__all__ = [
    "UnknownFigure", "FigureSource", "EngineFigures", "MappingFigures", "NameSource", "LedgerNames",
    "MappingNames", "ParkInfo", "park_info", "undefined_figure", "NameResult",
]


class UnknownFigure(KeyError):
    """A key that no indicator declares."""


class FigureSource(Protocol):
    park: str
    period: str

    def get(self, key: str) -> Figure: ...


def undefined_figure(key: str, reason: str, *, name: str = "", unit: str = "") -> Figure:
    return Figure(key=key, name=name or key, unit=unit, value=None, text=None, reason=reason,
                  definition="", chapter="", base_key=key)


def known_key(key: str) -> bool:
    try:
        resolve(key)
    except KeyError:
        return False
    return True


class EngineFigures:
    """Figures computed on demand by the engine, once each, in one context (one park and period)."""

    def __init__(self, park: str, period: str) -> None:
        self.ctx = make_context(park, period)
        self.park = self.ctx.park
        self.period = self.ctx.period.key

    def get(self, key: str) -> Figure:
        if not known_key(key):
            raise UnknownFigure(key)
        return evaluate(self.ctx, key)


class MappingFigures:
    """Figures given as a mapping (hand-made in tests, or a stored figure set); a registered key that
    the mapping lacks is undefined, an unregistered one unknown."""

    def __init__(self, park: str, period: str, figures: Mapping[str, Figure], *, check_registry: bool = True):
        self.park = park
        self.period = period
        self.figures = figures
        self.check_registry = check_registry

    def get(self, key: str) -> Figure:
        fig = self.figures.get(key)
        if fig is not None:
            return fig
        if self.check_registry and known_key(key):
            return undefined_figure(key, "无数据")
        raise UnknownFigure(key)


@dataclass(frozen=True)
class NameResult:
    """A name looked up in a ledger, or the reason there is none."""

    text: str | None
    reason: str = ""


class NameSource(Protocol):
    def platform(self, code: str) -> NameResult: ...
    def project(self, code: str) -> NameResult: ...
    def package(self, code: str) -> NameResult: ...
    def wetland(self, code: str) -> NameResult: ...
    def milestones(self, code: str, expected: bool) -> list[str]: ...


@dataclass(frozen=True)
class ParkInfo:
    """What a template may know of the park: plain strings."""

    code: str
    name: str
    short_name: str
    city: str
    county: str

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "name": self.name, "short_name": self.short_name or self.name,
                "city": self.city, "county": self.county}


def park_info(code: str) -> ParkInfo:
    park = apps.get_model("core", "Park").objects.get(code=code)
    return ParkInfo(code=park.code, name=park.name, short_name=park.short_name or park.name,
                    city=park.city, county=park.county)


# milestone subject kind → (app label, model) of the subject
_SUBJECTS = {
    "gov_project": ("construction", "GovProject"),
    "investment_project": ("investment", "InvestmentProject"),
    "platform": ("investment", "Platform"),
    "wetland": ("construction", "Wetland"),
}


class LedgerNames:
    """Names from the ledgers of a park and its sub-parks, as of the period's date D."""

    def __init__(self, parks: tuple[str, ...], period: Period) -> None:
        self.parks = parks
        self.period = period
        self._cache: dict[tuple[str, str], NameResult] = {}

    def _name(self, what: str, model: tuple[str, str], code: str, field: str = "name",
               order: tuple[str, ...] = ()) -> NameResult:
        key = (what, code)
        if key not in self._cache:
            qs = apps.get_model(*model).objects.filter(code=code, park__in=self.parks)
            row = qs.order_by(*order).values_list(field, flat=True).first() if order else (
                qs.values_list(field, flat=True).first())
            self._cache[key] = (NameResult(str(row)) if row else
                                NameResult(None, f"本园区台账中没有编号为“{code}”的{what}"))
        return self._cache[key]

    def platform(self, code: str) -> NameResult:
        return self._name("创新平台", ("investment", "Platform"), code)

    def project(self, code: str) -> NameResult:
        found = self._name("政府投资项目", ("construction", "GovProject"), code)
        if found.text is None:
            found = self._name("项目", ("investment", "InvestmentProject"), code)
        return found

    def package(self, code: str) -> NameResult:
        return self._name("扶持方案", ("economy", "SupportPackage"), code, "project_name", ("-as_of",))

    def wetland(self, code: str) -> NameResult:
        return self._name("湿地", ("construction", "Wetland"), code)

    def milestones(self, code: str, expected: bool) -> list[str]:
        """Texts of the subject's milestones: done ones dated by D (oldest first), or the expected ones
        (those dated after D first, soonest first)."""
        kinds = [kind for kind, model in _SUBJECTS.items()
                 if apps.get_model(*model).objects.filter(code=code, park__in=self.parks).exists()]
        if not kinds:
            return []
        qs = apps.get_model("construction", "Milestone").objects.filter(
            subject=code, subject_kind__in=kinds, expected=expected)
        if expected:
            rows = list(qs.order_by("happened_on", "code").values_list("happened_on", "text"))
            later = [t for d, t in rows if d is None or d > self.period.end]
            return later or [t for _, t in rows]
        rows = qs.filter(happened_on__lte=self.period.end).order_by("happened_on", "code")
        return list(rows.values_list("text", flat=True))


class MappingNames:
    """Names given as dicts (tests): `{"platform": {code: name}, "milestones": {code: [texts]}, …}`."""

    def __init__(self, data: Mapping[str, Mapping[str, object]]) -> None:
        self.data = data

    def _get(self, what: str, code: str) -> NameResult:
        name = self.data.get(what, {}).get(code)
        return NameResult(str(name)) if name else NameResult(None, f"没有编号为“{code}”的记录")

    def platform(self, code: str) -> NameResult:
        return self._get("platform", code)

    def project(self, code: str) -> NameResult:
        return self._get("project", code)

    def package(self, code: str) -> NameResult:
        return self._get("package", code)

    def wetland(self, code: str) -> NameResult:
        return self._get("wetland", code)

    def milestones(self, code: str, expected: bool) -> list[str]:
        key = "expected" if expected else "milestones"
        return [str(t) for t in self.data.get(key, {}).get(code, [])]


def is_zero(value: object) -> bool:
    return isinstance(value, Decimal) and value == 0
