"""What every chapter of the demo generator shares: the park, the scale, seeded streams, enterprises."""
from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from parkledger.dataio.demo.names import Industry
from parkledger.dataio.demo.scales import REFERENCE_ENTERPRISES, ParkSpec, Scale
from parkledger.lib.uscc import CHARSET, make_uscc

__all__ = ["EnterpriseProfile", "BuildContext", "money", "qty", "org_check_char", "uscc_for"]

_ORG_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def money(value: float) -> Decimal:
    """An amount with two decimals (cents truncated): generated data, not a computed figure."""
    return Decimal(int(value * 100)).scaleb(-2)


def qty(value: float, places: int = 1) -> Decimal:
    """A quantity with `places` decimals (truncated)."""
    return Decimal(int(value * 10**places)).scaleb(-places)


def org_check_char(body8: str) -> str:
    """The 组织机构代码 (GB 11714) check character of an 8-character body."""
    total = sum(_ORG_ALPHABET.index(c) * w for c, w in zip(body8, _ORG_WEIGHTS, strict=True))
    c = 11 - total % 11
    return "X" if c == 10 else "0" if c == 11 else str(c)


def uscc_for(rng: random.Random, region: str, registered: date, used: set[str]) -> str:
    """A fresh valid 统一社会信用代码 of an enterprise (法人, 企业) registered in `region`.

    Enterprises registered since 2015 get the new `MA…` 主体标识码, older ones an old-style
    organisation code; both carry a correct GB 11714 check character and GB 32100 check character.
    """
    letters = CHARSET[10:]
    while True:
        if registered.year >= 2015:
            body8 = "MA" + rng.choice("2" + letters[:6]) + "".join(rng.choice(CHARSET) for _ in range(5))
        else:
            body8 = "".join(rng.choice("0123456789") for _ in range(8))
        code = make_uscc("91" + region + body8 + org_check_char(body8))
        if code not in used:
            used.add(code)
            return code


@dataclass
class EnterpriseProfile:
    """The hidden economics of one demo enterprise, from which its monthly returns are drawn."""

    uscc: str
    name: str
    park: str
    industry: Industry
    industrial: bool
    registered_on: date
    closed_on: date | None
    land_mu: Decimal | None
    country: str
    level: float  # annual output (万元) of the year before the data starts
    growth: dict[int, float]  # year → output multiplier against the year before
    va_ratio: float
    revenue_ratio: float
    tax_rate: float
    rd_rate: float
    energy_per_va: float  # 吨标准煤 per 万元 of value added
    productivity: float  # 万元 of output per employee and year
    first_report: tuple[int, int] | None  # first (year, month) with a return; None = never reports
    last_report: tuple[int, int] | None

    def annual_output(self, year: int) -> float:
        value = self.level
        for y in sorted(self.growth):
            if y <= year:
                value *= self.growth[y]
        return value

    def above_scale(self, year: int) -> bool:
        """In the year's 规模以上 directory: an industrial enterprise with revenue ≥ 2000万元."""
        return self.industrial and self.annual_output(year) * self.revenue_ratio >= 2000

    def active_on(self, d: date) -> bool:
        """Registered by `d` and not closed by `d`."""
        return self.registered_on <= d and (self.closed_on is None or self.closed_on > d)

    def reports_in(self, year: int, month: int) -> bool:
        if self.first_report is None or self.last_report is None:
            return False
        return self.first_report <= (year, month) <= self.last_report


@dataclass
class BuildContext:
    """One top-level park being generated (with its sub-park)."""

    spec: ParkSpec
    scale: Scale
    seed: int
    used_usccs: set[str] = field(default_factory=set)
    enterprises: list[EnterpriseProfile] = field(default_factory=list)
    shared: dict[str, object] = field(default_factory=dict)
    _sequences: dict[str, int] = field(default_factory=dict)

    @property
    def first_year(self) -> int:
        return self.scale.first_year

    @property
    def last_year(self) -> int:
        return self.scale.last_year

    @property
    def years(self) -> range:
        return self.scale.years

    @property
    def size(self) -> int:
        """This park's enterprises (its own size in a city of parks, else the scale's)."""
        return self.spec.enterprises or self.scale.enterprises

    @property
    def factor(self) -> float:
        return self.size / REFERENCE_ENTERPRISES

    @property
    def parks(self) -> tuple[str, str]:
        return self.spec.code, self.spec.sub_code

    def rng(self, name: str) -> random.Random:
        """An independent seeded stream per chapter, so one chapter's changes leave others alone."""
        return random.Random(f"{self.seed}:{self.spec.code}:{name}")

    def count(self, base: float, rng: random.Random | None = None) -> int:
        """`base` (a count of the demo park) scaled to this park, with ±10% jitter when `rng` is given."""
        value = base * self.factor
        if rng is not None:
            value *= rng.uniform(0.9, 1.1)
        return max(1, int(value + 0.5)) if base > 0 else 0

    def code(self, text: str) -> str:
        """An agreed or generated code, prefixed for parks other than the demo park."""
        return self.spec.prefix + text

    def next_code(self, abbr: str) -> str:
        """The next sequential code of a kind, e.g. `HZ-000123`."""
        n = self._sequences.get(abbr, 0) + 1
        self._sequences[abbr] = n
        return f"{self.spec.prefix}{abbr}-{n:06d}"

    def active(self, d: date, *, industrial: bool | None = None) -> list[EnterpriseProfile]:
        return [
            e for e in self.enterprises
            if e.active_on(d) and (industrial is None or e.industrial == industrial)
        ]

    def reporting(self, year: int, month: int) -> list[EnterpriseProfile]:
        return [e for e in self.enterprises if e.reports_in(year, month)]

    def pick(self, rng: random.Random, pool: Iterable[EnterpriseProfile], k: int) -> list[EnterpriseProfile]:
        items = list(pool)
        return rng.sample(items, min(k, len(items)))
