"""Where a report's figures and names come from: the indicator engine and the park's ledgers.

A template only ever sees strings handed out by these sources, never model instances, and every
lookup is restricted to the park being reported on (and its sub-parks).
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Protocol

from django.apps import apps
from django.db.models import Q

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
        self.parks = self.ctx.parks  # the park and its sub-parks

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
    """The park's settings; ValueError (Chinese message) for an unknown park."""
    park = apps.get_model("core", "Park").objects.filter(code=code).first()
    if park is None:
        raise ValueError(f"园区“{code}”不存在")
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
    """Names from the ledgers of a park and its sub-parks, as of the period's date D.

    A report asks for a few dozen names and milestones one by one; each ledger is read once, on its
    first lookup (the codes and names of all the parks' records of that kind), and so are the
    milestones of all the parks' subjects, so a report costs one query per ledger it names from.
    """

    def __init__(self, parks: tuple[str, ...], period: Period) -> None:
        self.parks = parks
        self.period = period
        self._names: dict[tuple[str, str], dict[str, object]] = {}
        self._milestones: dict[str, list[tuple[bool, date | None, str]]] | None = None

    def _ledger(self, model: tuple[str, str], field: str, order: tuple[str, ...]) -> dict[str, object]:
        """code → `field` of the parks' records of a ledger (for a code held by several records, the
        first in `order`)."""
        found = self._names.get((model[1], field))
        if found is None:
            rows = (apps.get_model(*model).objects.filter(park__in=self.parks)
                    .order_by(*order, "pk").values_list("code", field))
            found = {}
            for code, value in rows:
                found.setdefault(code, value)
            self._names[(model[1], field)] = found
        return found

    def _name(self, what: str, model: tuple[str, str], code: str, field: str = "name",
              order: tuple[str, ...] = ()) -> NameResult:
        row = self._ledger(model, field, order).get(code)
        return NameResult(str(row)) if row else NameResult(None, f"本园区台账中没有编号为“{code}”的{what}")

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

    def _subject_milestones(self) -> dict[str, list[tuple[bool, date | None, str]]]:
        """subject code → (expected, date, text) of its milestones, by date then code: the milestones
        whose subject (of its kind) is a record of the parks."""
        if self._milestones is None:
            subjects = Q(pk__in=[])
            for kind, model in _SUBJECTS.items():
                codes = apps.get_model(*model).objects.filter(park__in=self.parks).values("code")
                subjects |= Q(subject_kind=kind, subject__in=codes)
            rows = (apps.get_model("construction", "Milestone").objects.filter(subjects)
                    .order_by("happened_on", "code").values_list("subject", "expected", "happened_on", "text"))
            self._milestones = {}
            for subject, expected, day, text in rows:
                self._milestones.setdefault(subject, []).append((expected, day, text))
        return self._milestones

    def milestones(self, code: str, expected: bool) -> list[str]:
        """Texts of the subject's milestones: done ones dated by D (oldest first), or the expected ones
        (those dated after D first, soonest first)."""
        rows = [(day, text) for is_expected, day, text in self._subject_milestones().get(code, [])
                if is_expected == expected]
        end = self.period.end
        if expected:
            later = [t for d, t in rows if d is None or d > end]
            return later or [t for _, t in rows]
        return [t for d, t in rows if d is not None and d <= end]


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
