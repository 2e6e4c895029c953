"""Template tags of closed months: the 已封账 badge of the selected park and period, and an
enterprise's (or a park's) moves between parks for 一企一档."""
from __future__ import annotations

from django import template

from parkledger.periods.models import FrozenFigures, ParkMove

register = template.Library()


@register.simple_tag
def frozen_month(park: str, month: str) -> FrozenFigures | None:
    """The frozen figures row of a park's month (the figures shown are the ones frozen at the close), or None."""
    if not park or not month:
        return None
    return (FrozenFigures.objects.filter(park_id=park, month=month)
            .only("park_id", "month", "computed_at", "version").first())


@register.simple_tag
def park_moves(kind: str, code: str) -> list[ParkMove]:
    """The moves of an enterprise (`enterprise`, uscc) or a park (`park`, code), newest first."""
    if not code:
        return []
    return list(ParkMove.objects.filter(subject_kind=kind, subject_code=code).order_by("-moved_at", "-id")[:50])
