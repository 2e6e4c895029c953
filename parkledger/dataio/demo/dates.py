"""Date helpers of the demo generator: months of a span and random days drawn from a seeded stream."""
from __future__ import annotations

import calendar
import random
from datetime import date, timedelta

__all__ = ["months_of", "month_text", "last_day", "day_between", "day_in_month", "workday_in_month", "days_in_year"]


def months_of(first_year: int, last_year: int) -> list[tuple[int, int]]:
    """(year, month) pairs from January of `first_year` to December of `last_year`."""
    return [(y, m) for y in range(first_year, last_year + 1) for m in range(1, 13)]


def month_text(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def day_between(rng: random.Random, start: date, end: date) -> date:
    """A day in [start, end] (both inclusive); `start` when the span is empty."""
    span = (end - start).days
    if span <= 0:
        return start
    return start + timedelta(days=rng.randint(0, span))


def day_in_month(rng: random.Random, year: int, month: int) -> date:
    return day_between(rng, date(year, month, 1), last_day(year, month))


def workday_in_month(rng: random.Random, year: int, month: int) -> date:
    """A Monday-to-Friday day of the month."""
    start, end = date(year, month, 1), last_day(year, month)
    days = [start + timedelta(days=i) for i in range((end - start).days + 1)]
    return rng.choice([d for d in days if d.weekday() < 5])


def days_in_year(rng: random.Random, year: int, n: int, *, first: date | None = None,
                 last: date | None = None) -> list[date]:
    """`n` sorted workdays of a year (or of [first, last])."""
    start = first or date(year, 1, 1)
    end = last or date(year, 12, 31)
    result = []
    for _ in range(n):
        result.append(_weekday_near(day_between(rng, start, end), start, end))
    return sorted(result)


def _weekday_near(d: date, start: date, end: date) -> date:
    """The next Monday-to-Friday day within [start, end], else the previous one, else `d`."""
    for step in (1, -1):
        probe = d
        while start <= probe <= end:
            if probe.weekday() < 5:
                return probe
            probe += timedelta(days=step)
    return d
