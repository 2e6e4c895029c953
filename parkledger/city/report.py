"""The city's report (城市园区经济运行情况): the city's figures, its parks ranked, a paragraph per park.

It is written in the same sandboxed template language as a park's report, with more to say:
- a figure key alone (`"econ.output" | yi`) is the city's figure, computed on the combined records
  of all its parks (rates and comparable-basis growth recomputed, never averaged);
- `"KEY@PARK"` (`("econ.output@" ~ p.code) | yi`) is one park's own figure;
- `parks`: the city's top-level parks (`code`, `name`, `short_name`), in code order;
- `rank("KEY")`: those parks ordered by that figure, largest first (parks without it left out);
- `numerals`: 一, 二, 三, … for numbering the parks' paragraphs.
"""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from parkledger.city.compare import city_context
from parkledger.core.models import Park
from parkledger.indicators.batch import seed
from parkledger.indicators.context import Context
from parkledger.indicators.engine import evaluate, make_context
from parkledger.indicators.types import Figure
from parkledger.lib.periods import Period
from parkledger.reports.document import ReportDocument, parse_document
from parkledger.reports.language import render_template
from parkledger.reports.services import figures_json
from parkledger.reports.sources import LedgerNames, ParkInfo, UnknownFigure, known_key

__all__ = ["CityFigures", "build_city_report", "CITY_TEMPLATE", "city_template_text"]

CITY_TEMPLATE = Path(__file__).resolve().parent / "default_templates" / "city_report.j2"
NUMERALS = ("一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "十三", "十四", "十五",
            "十六", "十七", "十八", "十九", "二十")


def city_template_text() -> str:
    return CITY_TEMPLATE.read_text(encoding="utf-8")


class CityFigures:
    """`KEY` → the city's figure; `KEY@PARK` → that park's own (each computed once)."""

    def __init__(self, city: str, parks: list[Park], period: str) -> None:
        self.park = city
        self.period = Period.parse(period).key
        self.parks = {p.code: p for p in parks}
        self.city_ctx = city_context(parks, self.period, label=city)
        self._contexts: dict[str, Context] | None = None

    def _context(self, code: str) -> Context:
        """The city's (code "") or a park's context; on first use every grouped aggregate is computed
        for the city and all its parks at once (the template's keys are not known in advance)."""
        if self._contexts is None:
            self._contexts = {c: make_context(c, self.period) for c in self.parks}
            seed([self.city_ctx, *self._contexts.values()])
        return self._contexts[code] if code else self.city_ctx

    def get(self, key: str) -> Figure:
        base, _, code = key.partition("@")
        if not known_key(base) or (code and code not in self.parks):
            raise UnknownFigure(key)
        return evaluate(self._context(code), base)

    def rank(self, key: str) -> list[dict[str, str]]:
        valued = []
        for code, park in self.parks.items():
            try:
                value = self.get(f"{key}@{code}").value
            except UnknownFigure:
                return []
            if isinstance(value, Decimal):
                valued.append((value, code, park))
        valued.sort(key=lambda item: (-item[0], item[1]))
        return [_park_dict(park) for _, _, park in valued]


def _park_dict(park: Park) -> dict[str, str]:
    return {"code": park.code, "name": park.name, "short_name": park.short_name or park.name}


def build_city_report(city: str, parks: list[Park], period: str, *, template_text: str | None = None) -> ReportDocument:
    """Render the city template (default: 城市园区经济运行情况) for the city's parks and a period."""
    per = Period.parse(period)
    figures = CityFigures(city, parks, per.key)
    codes = figures.city_ctx.parks  # every park and sub-park of the city
    info = ParkInfo(code=city, name=f"{city}市", short_name=city, city=city, county="")
    extra = {"parks": [_park_dict(p) for p in parks], "rank": figures.rank, "numerals": NUMERALS}
    result = render_template(template_text if template_text is not None else city_template_text(), figures=figures,
                             names=LedgerNames(codes, per), park=info, period=per, extra=extra)
    return ReportDocument(park=city, period=per.key, paragraphs=parse_document(result.text),
                          figures=figures_json(result.used), omitted=result.omitted, template_version=None,
                          places=(city,))
