"""Report periods: P = YYYY-MM, its year-to-date window W and the same window a year earlier W'."""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

MONTH_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def parse_month(text: str) -> tuple[int, int]:
    """`YYYY-MM` → (year, month); ValueError with a Chinese reason otherwise."""
    m = MONTH_RE.match(str(text).strip())
    if not m:
        raise ValueError(f"月份“{text}”应为YYYY-MM格式，月份01-12")
    return int(m.group(1)), int(m.group(2))


def month_key(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def shift_month(text: str, months: int) -> str:
    """`YYYY-MM` moved by `months` (negative: earlier): shift_month("2023-01", -1) == "2022-12"."""
    year, month = parse_month(text)
    index = year * 12 + (month - 1) + months
    return month_key(index // 12, index % 12 + 1)


@dataclass(frozen=True)
class Period:
    """A report period: year Y, month M, as-of date D, window W (Y-01-01..D) and W' one year earlier."""

    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Period:
        return cls(*parse_month(text))

    @property
    def key(self) -> str:
        return month_key(self.year, self.month)

    @property
    def start(self) -> date:
        return date(self.year, 1, 1)

    @property
    def end(self) -> date:
        """D: the last day of month M of year Y."""
        return month_end(self.year, self.month)

    @property
    def first_month(self) -> str:
        return month_key(self.year, 1)

    @property
    def prev(self) -> Period:
        """The same period a year earlier (its window is W')."""
        return Period(self.year - 1, self.month)

    @property
    def label(self) -> str:
        """How reports write the window: 1-9月 (1月 alone for January)."""
        return "1月" if self.month == 1 else f"1-{self.month}月"

    def __str__(self) -> str:
        return self.key
