"""Hand-made figures and a renderer for template tests (no database needed)."""
from __future__ import annotations

from decimal import Decimal

from parkledger.indicators.types import Figure
from parkledger.lib.numbers import display
from parkledger.lib.periods import Period
from parkledger.reports.document import ReportDocument, parse_document
from parkledger.reports.language import RenderResult, render_template
from parkledger.reports.sandbox import Limits
from parkledger.reports.sources import MappingFigures, MappingNames, ParkInfo

ECO = ParkInfo(code="ECO", name="宁波前湾新区生态园", short_name="生态园", city="宁波", county="余姚")
P = Period.parse("2022-09")


def figure(key: str, value: str | None, unit: str = "", reason: str = "", name: str = "") -> Figure:
    """A figure as the engine hands it out: `value` is the exact value in the display unit (text for names)."""
    if value is None:
        val, text = None, None
        reason = reason or "无数据"
    elif unit:
        val = Decimal(value)
        text = display(val, unit)
    else:
        val, text = value, value
    return Figure(key=key, name=name or key, unit=unit, value=val, text=text, reason=reason,
                  definition="", chapter="", base_key=key)


def figure_map(*figs: Figure) -> dict[str, Figure]:
    return {f.key: f for f in figs}


def render(source: str, figs: dict[str, Figure] | None = None, names: dict | None = None,
           limits: Limits | None = None, check_registry: bool = True) -> RenderResult:
    return render_template(
        source, figures=MappingFigures("ECO", "2022-09", figs or {}, check_registry=check_registry),
        names=MappingNames(names or {}), park=ECO, period=P, limits=limits,
    )


def document(source: str, figs: dict[str, Figure] | None = None, names: dict | None = None) -> ReportDocument:
    result = render(source, figs, names)
    return ReportDocument(park="ECO", period="2022-09", paragraphs=parse_document(result.text),
                          omitted=result.omitted, places=("宁波", "余姚"))


def texts(doc: ReportDocument) -> list[str]:
    return [p.text for p in doc.paragraphs]
