"""The values the indicator engine hands out: results of indicator functions, figures, explanations."""
from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

__all__ = ["Result", "Figure", "FigureSet", "RecordRef", "Explanation", "plain_decimal"]


def plain_decimal(value: Decimal) -> str:
    """An exact Decimal as text: normalized, no exponent, no negative zero (`12.3`, `350`, `0.125`)."""
    text = f"{value.normalize():f}"
    return "0" if text in ("-0", "0") else text


@dataclass
class Result:
    """What an indicator function returns.

    - `value`: the exact value already in the display unit (Decimal), a name (`str`) for name keys,
      or None when undefined (then `reason` says why, in Chinese).
    - `records`: the records the figure was computed from, for `explain_figure` only: a queryset
      (left unevaluated), a list of `(kind_key, pk)` pairs, or a list mixing querysets and pairs;
      or a function of no argument giving one of those, called the first time `records` is read
      (so that a computation asked only for values builds no queryset).
    - `extra`: optional values for report wording (e.g. `{"floor": Decimal("350")}`).
    - `unit`: overrides the declared display unit (used by keys whose unit is their parameter's,
      such as `plan.target[KEY]`).
    """

    value: Decimal | str | None = None
    reason: str = ""
    records: Any = None
    extra: dict[str, Any] = field(default_factory=dict)
    unit: str | None = None


def _read_records(result: Result) -> Any:
    records = result.__dict__.get("_records")
    if callable(records):
        records = result.__dict__["_records"] = records()
    return records


def _write_records(result: Result, records: Any) -> None:
    result.__dict__["_records"] = records


Result.records = property(_read_records, _write_records)  # type: ignore[assignment]


@dataclass(frozen=True)
class Figure:
    """One computed figure of a park and period.

    `text` is the display text (`12.30`, `-4.5`, `187`, or the name for name keys), None when the
    figure is undefined; `base_key` is the declared key (`platform.incubated[CODE]` for
    `platform.incubated[SH-FUDAN]`). `closed` marks a figure of a closed month (已封账): the value
    frozen when the month was closed (`parkledger.periods.frozen`), not a recomputation.
    """

    key: str
    name: str
    unit: str
    value: Decimal | str | None
    text: str | None
    reason: str
    definition: str
    chapter: str
    base_key: str
    extra: Mapping[str, Any] = field(default_factory=dict)
    closed: bool = False

    @property
    def defined(self) -> bool:
        return self.value is not None

    @property
    def is_name(self) -> bool:
        return isinstance(self.value, str)

    def json_value(self) -> str | None:
        if self.value is None:
            return None
        if isinstance(self.value, str):
            return self.value
        return plain_decimal(self.value)


class FigureSet(Mapping[str, Figure]):
    """The figures of one park and period, in the registry's order.

    `closed` is True when the period is a closed month of the park and the figures are the ones
    frozen at the close (each such figure is marked `closed` too).
    """

    def __init__(self, park: str, period: str, figures: Mapping[str, Figure], *, closed: bool = False) -> None:
        self.park = park
        self.period = period
        self._figures = dict(figures)
        self.closed = closed or any(fig.closed for fig in self._figures.values())

    def __getitem__(self, key: str) -> Figure:
        return self._figures[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._figures)

    def __len__(self) -> int:
        return len(self._figures)

    def to_json(self) -> dict[str, dict[str, Any]]:
        """`{key: {"value": str|None, "text": str|None, "unit": str}}`; a figure of a closed month
        (已封账, the value frozen at the close) also has `"closed": true`."""
        return {
            key: {"value": fig.json_value(), "text": fig.text, "unit": fig.unit,
                  **({"closed": True} if fig.closed else {})}
            for key, fig in self._figures.items()
        }

    def undefined(self) -> dict[str, str]:
        """{key: reason} of the figures that are undefined."""
        return {key: fig.reason for key, fig in self._figures.items() if fig.value is None}


@dataclass(frozen=True)
class RecordRef:
    """A record a figure was computed from: its kind, natural key (joined with `/`), pk and label."""

    kind: str
    natural_key: str
    pk: int
    label: str


@dataclass(frozen=True)
class Explanation:
    """How a figure was obtained: definition, window, value and (up to a cap) its records."""

    key: str
    name: str
    unit: str
    definition: str
    window: str
    value: Decimal | str | None
    text: str | None
    reason: str
    records: Sequence[RecordRef]
    records_total: int
    closed: bool = False  # the value is the one frozen at the month's close (the records are current)
