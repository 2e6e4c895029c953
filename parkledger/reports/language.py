"""The report template language: Jinja2 in the sandbox, with figures by key and wording filters.

A figure is named by its indicator key, as a string, and worded by a filter:

    园区实现工业总产值{{ "econ.output" | yi }}，{{ "econ.output.yoy" | growth }}
    → 园区实现工业总产值35.72亿元，同比增长12.3%

Filters: `n` (the number as displayed), `yi` (…亿元; `trim=True`: 135亿元), `growth` (同比增长/下降/持平; `small=True` words
0–5% as 小幅增长; `prefix=`, `flat=`), `approx("余"|"多"|"超"|"以上")`, `about` (约), `cn_count`
(两只, 四大), `lead` (…等N个项目), `name` (a name figure), `join_and` (A、B和C).
Functions: `rates(k1, k2)` (均实现X% / 分别为X%和Y%), `value(k)`, `ok(k)`, `platform(code)`,
`project(code)`, `package(code)`, `wetland(code)`, `milestone(code, expected=False)`, `milestones(…)`.
Variables: `park` (code, name, short_name, city, county), `city`, `county`, `period` (year, month,
label, key), `Y`, `Y1`.

Left-out sentences: `{% sentence %}…{% endsentence %}` and `{% clause %}…{% endclause %}` drop their
text when a figure used inside is undefined or zero (a growth of 0 is kept: 持平). `requires=[keys]`
adds figures to check, `allow_zero=[keys]` accepts a zero. A sentence ends with `。`; a block whose
clauses were all left out, and that has no figure of its own, is left out too. Every left-out block is
recorded with its line, its keys and why.
"""
from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import lru_cache
from typing import Any

from jinja2 import nodes
from jinja2.ext import Extension
from jinja2.parser import Parser

from parkledger.indicators.types import Figure
from parkledger.lib.periods import Period
from parkledger.reports import wording
from parkledger.reports.document import (
    MARKER_RE,
    Omission,
    mark_paragraphs,
    marker,
    strip_markers,
    tidy_punctuation,
)
from parkledger.reports.sandbox import Limits, ReportSandbox, ReportTemplateError, budget
from parkledger.reports.sources import FigureSource, NameSource, ParkInfo, UnknownFigure

__all__ = ["RenderResult", "render_template", "check_template", "environment", "FILTERS", "FUNCTIONS"]

BLOCK_TAGS = ("sentence", "clause")
BLOCK_OPTIONS = ("requires", "allow_zero")


@dataclass
class _Block:
    tag: str
    line: int
    allow_zero: frozenset[str]
    absent: dict[str, str] = field(default_factory=dict)
    own: int = 0
    children: int = 0
    dropped: int = 0


@dataclass
class RenderResult:
    """A rendered template: the marked text, the figures it used, what it left out."""

    text: str
    used: dict[str, Figure]
    omitted: list[Omission]


class _State:
    """The state of one rendering: sources, the open sentence blocks and what was used or left out."""

    def __init__(self, figures: FigureSource, names: NameSource) -> None:
        self.figures = figures
        self.names = names
        self.used: dict[str, Figure] = {}
        self.blocks: list[_Block] = []
        self.omitted: list[Omission] = []

    # -- figures ---------------------------------------------------------------------------------------

    def figure(self, key: Any) -> Figure:
        if not isinstance(key, str):
            raise ReportTemplateError(f"指标应写作带引号的键，如 \"econ.output\"，而不是 {key!r}")
        budget().tick()
        try:
            fig = self.figures.get(key)
        except UnknownFigure:
            raise ReportTemplateError(f"未知指标“{key}”") from None
        self.used.setdefault(key, fig)
        return fig

    def absent_reason(self, fig: Figure) -> str:
        """Why a figure cannot be quoted: undefined, or zero (a growth may be zero)."""
        if fig.value is None:
            return fig.reason or "无数据"
        if isinstance(fig.value, str):
            return "" if fig.value.strip() else "名称为空"
        if fig.value == 0 and not _is_growth(fig.key) and not self._zero_allowed(fig.key):
            return "值为0"
        return ""

    def _zero_allowed(self, key: str) -> bool:
        return any(key in b.allow_zero for b in self.blocks)

    def note(self, key: str, reason: str) -> None:
        """A figure or name quoted in the innermost open block (or outside any block)."""
        if self.blocks:
            block = self.blocks[-1]
            block.own += 1
            if reason:
                block.absent.setdefault(key, reason)
        elif reason:
            self.omitted.append(Omission(line=current_line() or 0, keys={key: reason},
                                         text="", kind="figure"))

    def quote(self, key: str, build: Callable[[Figure], list[wording.Piece]], *,
              second: Figure | None = None, names: Figure | None = None) -> str:
        """Word a figure (and its partner figures) into marked text, or a placeholder when absent."""
        fig = self.figure(key)
        reason = self.absent_reason(fig)
        self.note(key, reason)
        for partner in (second, names):
            if partner is not None:
                self.note(partner.key, self.absent_reason(partner))
        if reason or any(p is not None and self.absent_reason(p) for p in (second, names)):
            return self._placeholder(fig, build) if self.blocks else f"〔缺：{fig.name}〕"
        out = []
        for piece in build(fig):
            if piece.role == "value":
                out.append(marker("n" if isinstance(fig.value, str) else "f", key, piece.text))
            elif piece.role == "second" and second is not None:
                out.append(marker("f", second.key, piece.text))
            elif piece.role == "name" and names is not None:
                out.append(marker("n", names.key, piece.text))
            else:
                out.append(piece.text)
        return "".join(out)

    @staticmethod
    def _placeholder(fig: Figure, build: Callable[[Figure], list[wording.Piece]]) -> str:
        """The wording with every figure as X (`总投资X亿元`), for the list of left-out sentences."""
        stand_in = replace(fig, value="X" if fig.unit == "" else Decimal("12.3"), text="X")
        try:
            pieces = build(stand_in)
        except Exception:
            return "X"
        return "".join("X" if p.figure else p.text for p in pieces)

    def ledger_name(self, what: str, code: Any, text: str | None, reason: str) -> str:
        ref = f"{what}:{code}"
        self.note(ref, "" if text else reason)
        if not text:
            return marker("l", ref, "X") if self.blocks else f"〔缺：{code}〕"
        return marker("l", ref, text)

    # -- sentence blocks -----------------------------------------------------------------------------

    def run_block(self, tag: str, line: int, caller: Callable[[], str], requires: Any, allow_zero: Any) -> str:
        block = _Block(tag, line, frozenset(_keys(allow_zero, "allow_zero")))
        self.blocks.append(block)
        try:
            for key in _keys(requires, "requires"):
                fig = self.figure(key)
                self.note(key, self.absent_reason(fig))
            body = caller()
        finally:
            self.blocks.pop()
        parent = self.blocks[-1] if self.blocks else None
        if parent is not None:
            parent.children += 1
        all_clauses_gone = block.own == 0 and block.children > 0 and block.dropped == block.children
        if block.absent or all_clauses_gone:
            if parent is not None:
                parent.dropped += 1
            if block.absent:
                self.omitted.append(Omission(line=line, keys=dict(block.absent), text=plain_text(body), kind=tag))
            return ""
        return tidy_punctuation(body, end_sentence=True) if tag == "sentence" else body


def _keys(value: Any, option: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
        return list(value)
    raise ReportTemplateError(f"{option} 应为指标键的列表，如 [\"econ.output\"]")


def _is_growth(key: str) -> bool:
    return ".yoy" in key


def plain_text(marked: str) -> str:
    return MARKER_RE.sub(lambda m: m.group(3), marked)


def current_line() -> int | None:
    """The template line being rendered (from the live Python frames of the compiled template)."""
    frame = sys._getframe(1)
    while frame is not None:
        template = frame.f_globals.get("__jinja_template__")
        if template is not None:
            try:
                return template.get_corresponding_lineno(frame.f_lineno)
            except Exception:
                return None
        frame = frame.f_back
    return None


# -- the sentence extension ------------------------------------------------------------------------------


class SentenceExtension(Extension):
    """`{% sentence requires=[…] allow_zero=[…] %}…{% endsentence %}` and `{% clause %}…{% endclause %}`."""

    tags = set(BLOCK_TAGS)

    def parse(self, parser: Parser) -> nodes.Node:
        token = next(parser.stream)
        tag, lineno = token.value, token.lineno
        kwargs: list[nodes.Keyword] = []
        while parser.stream.current.type != "block_end":
            if kwargs:
                parser.stream.skip_if("comma")
            name = parser.stream.expect("name")
            if name.value not in BLOCK_OPTIONS:
                parser.fail(f"{tag} 只接受 requires= 和 allow_zero=，不认识“{name.value}”", name.lineno)
            parser.stream.expect("assign")
            kwargs.append(nodes.Keyword(name.value, parser.parse_expression(), lineno=name.lineno))
        body = parser.parse_statements((f"name:end{tag}",), drop_needle=True)
        call = self.call_method("_block", [nodes.Const(tag), nodes.Const(lineno)], kwargs, lineno=lineno)
        return nodes.CallBlock(call, [], [], body, lineno=lineno)

    def _block(self, tag: str, lineno: int, requires: Any = None, allow_zero: Any = None, *,
               caller: Callable[[], str]) -> str:
        return _state().run_block(tag, lineno, caller, requires, allow_zero)


# -- filters and functions -----------------------------------------------------------------------------------

class _Renderings(threading.local):
    """The states of the renderings in progress on this thread (innermost last)."""

    def __init__(self) -> None:
        self.stack: list[_State] = []


_renderings = _Renderings()


def _state() -> _State:
    if not _renderings.stack:
        raise ReportTemplateError("模板函数只能在报告渲染时使用")
    return _renderings.stack[-1]


def _number(fig: Figure) -> Decimal:
    if not isinstance(fig.value, Decimal):
        raise ReportTemplateError(f"“{fig.key}”不是数值指标")
    return fig.value


def f_n(key: str) -> str:
    """The figure as displayed (`12.30`, `187`); a name figure as its name."""
    st = _state()
    return st.quote(key, lambda fig: [wording.Piece(fig.text or "", "value")])


def f_yi(key: str, trim: bool = False) -> str:
    """`35.72亿元` (a 万元 figure is converted); `trim=True` drops trailing zeros (`135亿元`)."""
    st = _state()
    return st.quote(key, lambda fig: wording.yi_pieces(_number(fig), fig.unit, trim=bool(trim)))


def f_growth(key: str, prefix: str = "同比", small: bool = False, flat: str = "与上年同期持平") -> str:
    """同比增长12.3% / 同比下降4.5% / 与上年同期持平; `small=True`: 0–5% → 同比小幅增长."""
    st = _state()
    return st.quote(key, lambda fig: wording.growth_pieces(_number(fig), prefix=str(prefix), small=bool(small),
                                                            flat=str(flat)))


def f_approx(key: str, word: str = "余", unit: str | None = None) -> str:
    """`350余`, `5600多`, `超35`, `1200人次以上` (以上 follows the unit: the figure's, or `unit`)."""
    st = _state()
    if word not in wording.APPROX_WORDS:
        raise ReportTemplateError(f"approx 的用语只能是{'、'.join(wording.APPROX_WORDS)}，不能是“{word}”")

    def build(fig: Figure) -> list[wording.Piece]:
        unit_text = unit if unit is not None else (fig.unit if word == "以上" else None)
        return wording.approx_pieces(_number(fig), word, fig.unit, unit_text=unit_text)

    return st.quote(key, build)


def f_about(key: str) -> str:
    """约3.5 (two significant digits); the exact figure when rounding changes nothing."""
    st = _state()
    return st.quote(key, lambda fig: wording.about_pieces(_number(fig), fig.unit))


def f_cn_count(key: str) -> str:
    """A count in Chinese numerals before a measure word: 两只, 四大."""
    st = _state()
    return st.quote(key, lambda fig: [wording.Piece(wording.cn_count_text(_number(fig)), "value")])


def f_lead(key: str, names: str | None = None, unit: str = "个", noun: str = "项目") -> str:
    """`年产30万套LED车灯研发生产等5个项目`: the count `key` with the names of `names`
    (default `key` + ".lead")."""
    st = _state()
    names_fig = st.figure(names or f"{key}.lead")
    split = [] if not isinstance(names_fig.value, str) else [
        n for n in names_fig.value.replace("和", "、").split("、") if n]

    def build(fig: Figure) -> list[wording.Piece]:
        return wording.lead_pieces(_number(fig), split, unit=str(unit), noun=str(noun))

    return st.quote(key, build, names=names_fig)


def f_name(key: str) -> str:
    """A name figure (e.g. `platform.intl_top`, `finance.special_bonds_approved.names`)."""
    st = _state()
    return st.quote(key, lambda fig: [wording.Piece(str(fig.text or ""), "value")])


def f_join_and(items: Any, factor: bool = False) -> str:
    """A list of strings joined as `A、B和C` (`factor=True` says a common leading verb once)."""
    if isinstance(items, str):
        return items
    return wording.join_names([str(i) for i in items], factor=bool(factor))


def g_rates(first: str, second: str, same: str = "均实现", differ: str = "分别为") -> str:
    """均实现100% when the two rates are equal after rounding, else 分别为98.5%和96%."""
    st = _state()
    other = st.figure(second)
    return st.quote(first, lambda fig: wording.rates_pieces(_number(fig), _number(other), same=str(same),
                                                             differ=str(differ)), second=other)


def g_value(key: str) -> Decimal | str | None:
    """The exact value of a figure (None when undefined), for conditions."""
    return _state().figure(key).value


def g_ok(key: str) -> bool:
    """True when the figure is defined and not zero (a growth may be zero)."""
    st = _state()
    return not st.absent_reason(st.figure(key))


def _ledger(what: str, lookup: str) -> Callable[[str], str]:
    def function(code: str) -> str:
        st = _state()
        found = getattr(st.names, lookup)(str(code))
        return st.ledger_name(what, code, found.text, found.reason)

    function.__name__ = lookup
    return function


def g_milestone(code: str, expected: bool = False) -> str:
    """The subject's latest milestone done by D (`完成路基建设`), or with `expected=True` its next one."""
    st = _state()
    texts = st.names.milestones(str(code), bool(expected))
    text = (texts[0] if expected else texts[-1]) if texts else None
    return st.ledger_name("milestone", code, text, f"“{code}”没有{'预计' if expected else '已完成的'}进展节点")


def g_milestones(code: str, expected: bool = False) -> list[str]:
    """All the subject's milestones done by D (or expected), oldest first, as plain texts (to be joined
    with `join_and(factor=True)`: 完成立项、规划选址和用地预审)."""
    st = _state()
    texts = st.names.milestones(str(code), bool(expected))
    st.note(f"milestone:{code}", "" if texts else f"“{code}”没有{'预计' if expected else '已完成的'}进展节点")
    return [strip_markers(t) for t in texts] or ["X"]


FILTERS: dict[str, Callable[..., Any]] = {
    "n": f_n, "yi": f_yi, "growth": f_growth, "approx": f_approx, "about": f_about,
    "cn_count": f_cn_count, "lead": f_lead, "name": f_name, "join_and": f_join_and,
}
FUNCTIONS: dict[str, Callable[..., Any]] = {
    "rates": g_rates, "value": g_value, "ok": g_ok,
    "platform": _ledger("platform", "platform"), "project": _ledger("project", "project"),
    "package": _ledger("package", "package"), "wetland": _ledger("wetland", "wetland"),
    "milestone": g_milestone, "milestones": g_milestones,
}


_ENV: ReportSandbox | None = None


def environment() -> ReportSandbox:
    """The shared sandbox with the report filters and functions."""
    global _ENV
    if _ENV is None:
        env = ReportSandbox(extensions=[SentenceExtension])
        env.filters.update(FILTERS)
        env.globals.update(FUNCTIONS)
        _ENV = env
    return _ENV


@lru_cache(maxsize=32)
def _compiled(source: str) -> Any:
    return environment().compile_template(mark_paragraphs(strip_markers(source)))


def check_template(source: str) -> None:
    """Compile a template source; `ReportTemplateError` (with its line) if it is broken."""
    _compiled(source)


def template_context(park: ParkInfo, period: Period) -> dict[str, Any]:
    return {
        "park": park.as_dict(),
        "city": park.city,
        "county": park.county,
        "period": {"year": period.year, "month": period.month, "label": period.label, "key": period.key,
                   "next_year": period.year + 1},
        "Y": period.year,
        "Y1": period.year + 1,
    }


def render_template(source: str, *, figures: FigureSource, names: NameSource, park: ParkInfo,
                    period: Period, limits: Limits | None = None,
                    extra: dict[str, Any] | None = None) -> RenderResult:
    """Render a template for a park and period: marked text, figures used, sentences left out.

    `extra` adds plain data to the template's context (the city report's parks and rankings)."""
    env = environment()
    template = _compiled(source)
    state = _State(figures, names)
    _renderings.stack.append(state)
    try:
        text = env.render(template, {**(extra or {}), **template_context(park, period)}, limits or Limits())
    finally:
        _renderings.stack.remove(state)
    return RenderResult(text=text, used=state.used, omitted=state.omitted)
