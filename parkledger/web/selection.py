"""The park and period a user is looking at, chosen in the selector on every page.

The querystring (`?park=ECO&period=2022-09`) wins and is remembered in the session; a bad
value (an unknown or invisible park, `2022-13`) is ignored with a warning, never an error.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from parkledger.core.models import Park, ParkMonth
from parkledger.lib.periods import Period, parse_month
from parkledger.web import access

__all__ = ["Selection", "get_selection", "SESSION_PARK", "SESSION_PERIOD"]

SESSION_PARK = "web.park"
SESSION_PERIOD = "web.period"


@dataclass
class Selection:
    """The selected park (None when the user sees no park) and period, and the visible parks."""

    park: Park | None
    period: Period
    parks: list[Park]
    warnings: list[str] = field(default_factory=list)

    @property
    def park_code(self) -> str:
        return self.park.code if self.park else ""

    @property
    def as_of(self) -> date:
        """The date cases are judged at: the period's last day, or today if that is earlier."""
        return min(self.period.end, timezone.localdate())

    @property
    def query(self) -> str:
        return f"park={self.park_code}&period={self.period.key}"


def _default_period(park: Park | None) -> Period:
    """The latest month the park reported its statistics in, else last month."""
    latest = None
    if park is not None:
        latest = (
            ParkMonth.objects.filter(park_id=park.code).order_by("-month").values_list("month", flat=True).first()
        )
    if latest:
        try:
            return Period.parse(latest)
        except ValueError:
            pass
    today = timezone.localdate()
    return Period(today.year - 1, 12) if today.month == 1 else Period(today.year, today.month - 1)


def get_selection(request: HttpRequest) -> Selection:
    """The request's selection (computed once per request)."""
    cached = getattr(request, "_web_selection", None)
    if cached is not None:
        return cached
    parks = access.visible_parks(request.user)
    by_code = {p.code: p for p in parks}
    warnings: list[str] = []

    asked_park = request.GET.get("park")
    park = None
    if asked_park:
        park = by_code.get(asked_park)
        if park is None:
            warnings.append(_("园区“%(code)s”不存在或无权查看，已保留原选择。") % {"code": asked_park[:40]})
    if park is None:
        park = by_code.get(request.session.get(SESSION_PARK, ""))
    if park is None and parks:
        park = next((p for p in parks if p.parent_id is None), parks[0])

    asked_period = request.GET.get("period")
    period = None
    if asked_period:
        try:
            period = Period(*parse_month(asked_period))
        except ValueError:
            warnings.append(_("期间“%(p)s”应为YYYY-MM格式，已保留原选择。") % {"p": asked_period[:20]})
    if period is None and request.session.get(SESSION_PERIOD):
        try:
            period = Period.parse(request.session[SESSION_PERIOD])
        except ValueError:
            period = None
    if period is None:
        period = _default_period(park)

    if park is not None and request.session.get(SESSION_PARK) != park.code:
        request.session[SESSION_PARK] = park.code
    if request.session.get(SESSION_PERIOD) != period.key:
        request.session[SESSION_PERIOD] = period.key
    selection = Selection(park=park, period=period, parks=parks, warnings=warnings)
    request._web_selection = selection
    return selection
