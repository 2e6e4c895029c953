"""Small hand-built ledgers shared by the indicator tests (every expected figure is worked out by hand)."""
from __future__ import annotations

from datetime import date

from parkledger.core.models import Enterprise, Park
from parkledger.indicators.engine import compute_figures
from parkledger.lib.uscc import make_uscc


def parks() -> None:
    """ECO with its sub-park ECO-CEE, and an unrelated park OTHER."""
    Park.objects.create(code="ECO", name="生态园")
    Park.objects.create(code="ECO-CEE", name="中东欧国际产业合作园", parent_id="ECO")
    Park.objects.create(code="OTHER", name="别的园区")


def uscc(n: int) -> str:
    return make_uscc(f"91330281MA2{n:06d}")


def enterprise(n: int, park: str, *, registered_on: date = date(2015, 1, 1), **kw) -> Enterprise:
    return Enterprise.objects.create(uscc=uscc(n), name=f"企业{n}", park_id=park, registered_on=registered_on, **kw)


def fig(park: str, period: str, key: str):
    """One figure, computed alone."""
    return compute_figures(park, period, [key])[key]


def text(park: str, period: str, key: str) -> str | None:
    return fig(park, period, key).text
