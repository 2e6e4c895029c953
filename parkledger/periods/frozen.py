"""Frozen figures (封账数据): what `period close` stores, what the engine reads for a closed month,
and how a recomputation is compared with them (`period verify`, the warning after a move).

A figure is stored as the engine returned it (`Figure`): exact value, display text, unit, the
reason when undefined, its name, definition, chapter and the extra values of report wording.
Decimals, dates and names are tagged so that they come back as the same Python values.

Reading of the spec taken here: a closed month is frozen as a whole (every figure of the park
and of each sub-park for that month, YTD and YoY figures included); months after it stay live:
their YTD and YoY figures are recomputed from the current ledgers and park tree, so after a move
the YTD of an open month may differ from "frozen month + the months since" (the statistician's
reading: published months stand as published, open months are live).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from parkledger.periods.models import ClosedPeriod, FrozenFigures

__all__ = [
    "FrozenSnapshot", "Difference", "encode_figure", "decode_figure", "stored_snapshot", "freeze",
    "live_figures", "differences", "compare",
]


def _encode(value: Any) -> Any:
    if isinstance(value, bool) or value is None or isinstance(value, (int, float, str)):
        return value
    if isinstance(value, Decimal):
        return {"$decimal": str(value)}
    if isinstance(value, datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    if isinstance(value, dict):
        return {"$dict": [[str(k), _encode(v)] for k, v in value.items()]}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_encode(v) for v in value]
    return str(value)


def _decode(value: Any) -> Any:
    if isinstance(value, list):
        return [_decode(v) for v in value]
    if isinstance(value, dict):
        if "$decimal" in value:
            return Decimal(value["$decimal"])
        if "$datetime" in value:
            return datetime.fromisoformat(value["$datetime"])
        if "$date" in value:
            return date.fromisoformat(value["$date"])
        if "$dict" in value:
            return {k: _decode(v) for k, v in value["$dict"]}
    return value


def encode_figure(fig) -> dict[str, Any]:
    """A `Figure` as JSON (every field; tagged Decimals and dates)."""
    return {
        "name": fig.name, "unit": fig.unit, "value": _encode(fig.value), "text": fig.text, "reason": fig.reason,
        "definition": fig.definition, "chapter": fig.chapter, "base_key": fig.base_key,
        "extra": _encode(dict(fig.extra)),
    }


def decode_figure(key: str, data: dict[str, Any], *, closed: bool = True):
    """The `Figure` stored by `encode_figure`, marked as coming from a closed month."""
    from parkledger.indicators.types import Figure

    return Figure(
        key=key, name=data.get("name", key), unit=data.get("unit", ""), value=_decode(data.get("value")),
        text=data.get("text"), reason=data.get("reason", ""), definition=data.get("definition", ""),
        chapter=data.get("chapter", ""), base_key=data.get("base_key", key), extra=_decode(data.get("extra")) or {},
        closed=closed,
    )


@dataclass(frozen=True)
class FrozenSnapshot:
    """The frozen figures of one park and month (key → Figure, in the order they were computed)."""

    park: str
    month: str
    figures: dict[str, Any]
    computed_at: datetime
    version: int


def stored_snapshot(park: str, month: str) -> FrozenSnapshot | None:
    """The frozen figures of a park's month, or None when the month is not frozen for that park."""
    row = (FrozenFigures.objects.filter(park_id=park, month=month)
           .only("park_id", "month", "figures", "computed_at", "version").first())
    if row is None:
        return None
    figures = {data["key"]: decode_figure(data["key"], data) for data in (row.figures or [])}
    return FrozenSnapshot(row.park_id, row.month, figures, row.computed_at, row.version)


def live_figures(park: str, month: str):
    """Every figure of a park's month recomputed from the current ledgers (never the frozen ones)."""
    from parkledger.indicators.engine import compute_figures

    return compute_figures(park, month, live=True)


def freeze(closed: ClosedPeriod, *, parks: list[str], user: Any = None, reason: str = "") -> list[FrozenFigures]:
    """Store every figure of each park of `parks` for the closed row's month (a new version when
    the park's month was frozen before). Runs in the caller's transaction."""
    rows = []
    now = timezone.now()
    with transaction.atomic():
        for park in parks:
            figures = live_figures(park, closed.month)
            data = [{"key": key, **encode_figure(fig)} for key, fig in figures.items()]  # a list: jsonb keeps no key order
            row = FrozenFigures.objects.filter(park_id=park, month=closed.month).first()
            if row is None:
                row = FrozenFigures(park_id=park, month=closed.month, version=0)
            row.closed_period = closed
            row.figures = data
            row.computed_at = now
            row.closed_by = user if getattr(user, "pk", None) else None
            row.version += 1
            row.reason = reason
            row.save()
            rows.append(row)
    return rows


@dataclass(frozen=True)
class Difference:
    """A figure of a closed month whose recomputed value differs from its frozen value."""

    park: str
    month: str
    key: str
    name: str
    frozen: str | None  # exact values (None: undefined)
    live: str | None
    unit: str = ""
    frozen_text: str | None = None  # as displayed
    live_text: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"park": self.park, "month": self.month, "key": self.key, "name": self.name,
                "frozen": self.frozen, "live": self.live, "unit": self.unit,
                "frozen_text": self.frozen_text, "live_text": self.live_text}

    def shown(self) -> tuple[str, str]:
        """(frozen, recomputed) as displayed with the unit; exact values when the display is the same."""
        frozen, live = self.frozen_text or "—", self.live_text or "—"
        if frozen == live:
            frozen, live = self.frozen or "—", self.live or "—"
        unit = f" {self.unit}" if self.unit and not (frozen == "—" and live == "—") else ""
        return (frozen if frozen == "—" else frozen + unit), (live if live == "—" else live + unit)


def _shown(fig) -> str | None:
    if fig is None:
        return None
    if fig.value is None:
        return None
    return fig.json_value()


def compare(park: str, month: str, stored: dict[str, Any], live) -> list[Difference]:
    """The figures whose exact value differs (a key present on one side only counts when it has a value)."""
    found = []
    for key in dict.fromkeys([*stored, *live]):
        old, new = stored.get(key), live.get(key)
        before, after = _shown(old), _shown(new)
        if before != after:
            fig = old or new
            found.append(Difference(park, month, key, fig.name, before, after, fig.unit,
                                    old.text if old is not None else None, new.text if new is not None else None))
    return found


def differences(park: str, month: str) -> list[Difference]:
    """The figures of a frozen park month whose recomputation differs (empty when not frozen)."""
    snapshot = stored_snapshot(park, month)
    if snapshot is None:
        return []
    return compare(park, month, snapshot.figures, live_figures(park, month))
