"""Writing a report template from a learnt document: each bound figure becomes its placeholder with the
wording filter the text used, each sentence with a figure gets the sentence guard (and each further
clause with a figure a clause guard), names and dates become the park's and the period's variables,
and every other word is kept.

The template speaks the language of `parkledger.reports.language` (the default template's own), so that
rendering it for the park and period the document was written for gives the document back.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from parkledger.reports.document import SEPARATOR_RUN_RE, SEPARATORS
from parkledger.reports.learning import keys
from parkledger.reports.learning.binding import sentence_spans
from parkledger.reports.learning.detection import MASK_CHARS, Detection
from parkledger.reports.learning.names import Catalogue, find_names
from parkledger.reports.learning.reading import SourceParagraph

__all__ = ["Edit", "paragraph_edits", "write_template", "figure_expression"]

CLAUSE_SEPARATORS = "，,；;"
PERIOD_RANGE_RE = re.compile(r"^(\d{1,2})\s*[-—–~～至到]\s*(\d{1,2})\s*月份?$")
YEAR_RE = re.compile(r"^((?:19|20)\d{2})(\s*年)")
AS_OF_RE = re.compile(r"^(截至|截止到|截止)(\s*)(\d{1,2}|[" + re.escape(MASK_CHARS) + r"]{1,2})(\s*月)")
GROWTH_VERBS = ("增长", "下降", "小幅增长", "持平")

# A masked name → the park variable it most often stands for (the words right after the mask decide).
MASKED_NAME_FILLS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^(?:控股集团|力量|区域开发|整合提升)"), "park.short_name"),
    (re.compile(r"^(?:农商银行|企业贷款|建设成为|中东欧国际合作产业园)"), "county"),
    (re.compile(r"^(?:市|片区|十大)"), "city"),
)


@dataclass(frozen=True)
class Edit:
    """A piece of a paragraph (local offsets) replaced by a template expression."""

    start: int
    end: int
    expr: str
    figure: bool  # a figure (guards its sentence) or a name/date (plain substitution)
    depends: bool = False  # a growth or part of the figure before it (nested in its clause)
    joins_next: bool = False  # 截至N月: belongs to the clause after it


def _q(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def figure_expression(det: Detection, key: str) -> tuple[int, int, str] | None:
    """(start, end, expression) of a bound figure as written; None when no filter can word it."""
    unit = keys.unit_of(key) or ""
    core_s, core_e = det.core_start, det.core_end
    growth = det.extra.get("growth")
    if det.numeral:
        return core_s, core_e, f"{{{{ {_q(key)} | cn_count }}}}"
    if growth and key.endswith(".yoy") and growth["verb"] in GROWTH_VERBS:
        args = []
        prefix = growth["prefix"]
        if growth["verb"] == "持平":
            args.append(f"flat={_q(det.text)}")
        else:
            if prefix != "同比":
                args.append(f"prefix={_q(prefix)}")
            if growth["verb"] == "小幅增长":
                args.append("small=True")
        tail = f"({', '.join(args)})" if args else ""
        end = det.end if det.unit in ("%", "％") or det.wording else det.end
        return growth["start"], end, f"{{{{ {_q(key)} | growth{tail} }}}}"
    if det.wording:
        return None
    approx = det.approx
    if approx in ("超", "余", "多"):
        if approx == "超":
            return det.start, core_e, f"{{{{ {_q(key)} | approx(\"超\") }}}}"
        return core_s, core_e + 1, f"{{{{ {_q(key)} | approx({_q(approx)}) }}}}"
    if approx == "以上":
        text_unit = det.unit
        extra = "" if text_unit == unit else f", {_q(text_unit)}"
        return core_s, det.end, f"{{{{ {_q(key)} | approx(\"以上\"{extra}) }}}}"
    if approx == "约":
        return det.start, core_e, f"{{{{ {_q(key)} | about }}}}"
    if det.unit == "亿元" and unit in ("亿元", "万元"):
        # 135亿元 (a target, or a figure written without its two decimals) drops trailing zeros
        decimals = len(det.core.split(".")[1]) if "." in det.core else 0
        trim = key.startswith("plan.") if det.value is None else decimals < 2
        tail = "(trim=True)" if trim else ""
        return core_s, det.end - len(_approx_tail(det)), f"{{{{ {_q(key)} | yi{tail} }}}}"
    if det.unit == "万元" and unit == "亿元":
        return None
    if det.unit == "亿" and unit not in ("亿", "亿元", ""):
        return None
    return core_s, core_e, f"{{{{ {_q(key)} | n }}}}"


def _approx_tail(det: Detection) -> str:
    return det.approx if det.approx in ("以上", "左右") else ""


class _EditSet:
    """Non-overlapping edits of one paragraph."""

    def __init__(self) -> None:
        self.edits: list[Edit] = []

    def free(self, s: int, e: int) -> bool:
        return all(e <= ed.start or s >= ed.end for ed in self.edits)

    def covered(self, pos: int) -> bool:
        return any(ed.start <= pos < ed.end for ed in self.edits)

    def add(self, s: int, e: int, expr: str, figure: bool, depends: bool = False, joins_next: bool = False) -> bool:
        if s >= e or not self.free(s, e):
            return False
        self.edits.append(Edit(s, e, expr, figure, depends, joins_next))
        return True


def paragraph_edits(paragraph: SourceParagraph, detections: list[Detection], *, catalogue: Catalogue,
                    year: int | None, period_label: str, short_name: str = "") -> tuple[list[Edit], list[str]]:
    """The edits of one paragraph and the notes on what stayed as text."""
    text, off = paragraph.text, paragraph.start
    edits = _EditSet()
    add = edits.add
    notes: list[str] = []
    by_start = {d.start: d for d in detections}
    skip: set[int] = set()
    for det in detections:
        if det.cls != "figure" or det.start in skip:
            continue
        if not det.key:
            notes.append(f"未绑定：“{det.text}”（…{_context(text, det.start - off)}…）")
            continue
        key = det.key
        depends = bool(det.extra.get("growth")) or bool(det.extra.get("child"))
        # a pair of rates: 均实现X% / 分别为X%和Y%
        pair = det.extra.get("pair")
        listed = det.extra.get("list")
        if pair and det.extra.get("pair_span"):
            s, e = det.extra["pair_span"]
            if add(s - off, e - off, f"{{{{ rates({_q(key)}, {_q(pair)}) }}}}", True):
                continue
        if listed and listed["index"] == 0 and len(listed["run"]) == 2:
            second = by_start.get(listed["run"][1])
            if (second is not None and second.key and det.unit == "%" and second.unit == "%"
                    and text[det.end - off:second.start - off] == "和"):
                s = listed["start"] - off
                if add(s, second.end - off, f"{{{{ rates({_q(key)}, {_q(second.key)}) }}}}", True):
                    skip.add(second.start)
                    continue
        lead = det.extra.get("lead")
        if lead is not None and "lead_names_key" in det.extra:
            args = []
            names_key = det.extra["lead_names_key"]
            if names_key:
                args.append(_q(names_key))
            if det.unit != "个":
                args.append(f"unit={_q(det.unit)}")
            if lead["noun"] != "项目":
                args.append(f"noun={_q(lead['noun'])}")
            tail = f"({', '.join(args)})" if args else ""
            end = det.end - off + len(lead["noun"])
            if add(lead["start"] - off, end, f"{{{{ {_q(key)} | lead{tail} }}}}", True):
                owner = lead.get("owner")
                if owner and key == "platform.intl_top.landed":
                    add(owner[0] - off, owner[1] - off, '{{ "platform.intl_top" | name }}', True)
                continue
        names_span = det.extra.get("names_span")
        if names_span:
            add(names_span[0] - off, names_span[1] - off, f"{{{{ {_q(det.extra['names_key'])} | name }}}}", True)
        found = figure_expression(det, key)
        if found is None:
            notes.append(f"无法改写：“{det.text}”（{key}）保留原文")
            continue
        s, e, expr = found
        if not add(s - off, e - off, expr, True, depends):
            notes.append(f"与其他替换重叠：“{det.text}”保留原文")
    # dates: the report year, the period, 截至N月
    for det in detections:
        if det.cls != "date":
            continue
        s = det.start - off
        m = YEAR_RE.match(det.text)
        if m and year:
            value = int(m.group(1))
            expr = {year: "{{ Y }}", year + 1: "{{ Y1 }}", year - 1: "{{ Y - 1 }}"}.get(value)
            if expr:
                add(s, s + len(m.group(1)), expr, False)
            continue
        if period_label and _same_period(det.text, period_label):
            add(s, det.end - off, "{{ period.label }}", False)
            continue
        m = AS_OF_RE.match(det.text)
        if m:
            ns = s + len(m.group(1)) + len(m.group(2))
            expr = (f"{{{{ {_q(det.key)} | n }}}}" if det.key else "{{ period.month }}")
            add(ns, ns + len(m.group(3)), expr, bool(det.key), joins_next=bool(det.key))
    # names: masked names and, when the park is known, its own names
    _name_edits(text, off, detections, catalogue, short_name, edits, notes)
    return sorted(edits.edits, key=lambda ed: ed.start), notes


def _same_period(text: str, label: str) -> bool:
    a, b = PERIOD_RANGE_RE.match(text.strip()), PERIOD_RANGE_RE.match(label)
    if a and b:
        return a.groups() == b.groups()
    return text.strip() == label


def _name_edits(text: str, off: int, detections: list[Detection], catalogue: Catalogue, short_name: str,
                edits: _EditSet, notes: list[str]) -> None:
    add = edits.add
    # platforms and projects named with a mask (上海虹桥X楼, X复旦(张江)科创中心, X生态园标准厂房四期)
    for what, func in (("platform", "platform"), ("project", "project")):
        for hit in find_names(text, catalogue.pairs(what)):
            if hit.masked:
                add(hit.start, hit.end, f"{{{{ {func}({_q(hit.code)}) }}}}", False)
            elif what == "platform":
                add(hit.start, hit.end, f"{{{{ platform({_q(hit.code)}) }}}}", False)
        if what == "project":
            for hit in find_names(text, catalogue.pairs(what), masked=False):
                s = hit.start
                if s > 0 and text[s - 1] in MASK_CHARS:
                    run = s
                    while run > 0 and text[run - 1] in MASK_CHARS:
                        run -= 1
                    add(run, hit.end, f"{{{{ project({_q(hit.code)}) }}}}", False)
    # masked names: the park's variables
    park_short = catalogue.short_name or short_name
    for det in detections:
        if det.cls != "name" or not det.masked:
            continue
        s, e = det.start - off, det.end - off
        rest = text[e:]
        if park_short and rest.startswith(park_short):
            add(s, e + len(park_short), "{{ park.name }}", False)
            continue
        for pattern, variable in MASKED_NAME_FILLS:
            if pattern.match(rest):
                if variable == "city" and rest.startswith("市外") and _county_follows(rest, detections, det):
                    variable = "county"
                add(s, e, f"{{{{ {variable} }}}}", False)
                break
        else:
            if not edits.covered(s):
                notes.append(f"未能确定的名称：“{_context(text, s)}”中的 {det.text}")
    # the park's own names, written out
    pairs = [(catalogue.park_name, "{{ park.name }}"), (catalogue.short_name, "{{ park.short_name }}"),
             (catalogue.city, "{{ city }}"), (catalogue.county, "{{ county }}")]
    for name, expr in sorted((p for p in pairs if p[0]), key=lambda p: -len(p[0])):
        for m in re.finditer(re.escape(name), text):
            add(m.start(), m.end(), expr, False)


def _county_follows(rest: str, detections: list[Detection], det: Detection) -> bool:
    """`X市外实到内资` bound to the county's figure (the second of the pair)."""
    nxt = next((d for d in detections if d.cls == "figure" and d.start > det.start), None)
    return nxt is not None and nxt.key == "invest.domestic_outside_county"


def _context(text: str, pos: int) -> str:
    return text[max(0, pos - 8):pos + 10].strip()


# -- writing the template ---------------------------------------------------------------------------------


def _literal(text: str) -> str:
    """Template text that renders as `text` (a brace is written as an expression)."""
    return text.replace("{", '{{ "{" }}')


def _render_pieces(text: str, edits: list[Edit], start: int, end: int) -> str:
    out = []
    pos = start
    for ed in edits:
        if ed.end <= start or ed.start >= end:
            continue
        out.append(_literal(text[pos:ed.start]))
        out.append(ed.expr)
        pos = ed.end
    out.append(_literal(text[pos:end]))
    return "".join(out)


def _clauses(text: str, start: int, end: int, edits: list[Edit]) -> list[tuple[int, int]]:
    """Clause spans of a sentence: cut before each ，；(outside quotes and edits)."""
    cuts = [start]
    depth = 0
    for i in range(start, end):
        ch = text[i]
        if ch in "“(（《":
            depth += 1
        elif ch in "”)）》" and depth:
            depth -= 1
        elif ch in CLAUSE_SEPARATORS and depth == 0 and i > start and all(
                not (ed.start <= i < ed.end) for ed in edits):
            cuts.append(i)
    cuts.append(end)
    return [(cuts[k], cuts[k + 1]) for k in range(len(cuts) - 1) if cuts[k] < cuts[k + 1]]


def _guardable(sentence: str) -> bool:
    """A sentence guard tidies punctuation and ends the sentence with 。: only where that changes nothing."""
    stripped = sentence.strip()
    if SEPARATOR_RUN_RE.search(stripped) or stripped[:1] in SEPARATORS:
        return False
    if stripped.endswith(("！", "？")):
        return True
    return stripped.endswith("。") and not stripped[:-1].endswith(("”", "」", "！", "？", *SEPARATORS))


def _sentence(text: str, s: int, e: int, edits: list[Edit]) -> str:
    """A sentence of the template: guarded when it quotes a figure (its later clauses with figures too)."""
    inside = [ed for ed in edits if s <= ed.start and ed.end <= e]
    figures = [ed for ed in inside if ed.figure]
    if not figures:
        return _render_pieces(text, inside, s, e)
    # the closing 。(and quotes) stays outside the clauses
    body_end = e
    while body_end > s and text[body_end - 1] in "。！？!?”\"」 \t" and not any(
            ed.start < body_end <= ed.end for ed in inside):
        body_end -= 1
    guard = _guardable(text[s:e])
    spans = _clauses(text, s, body_end, inside)
    merged: list[tuple[int, int]] = []
    carry = None
    for cs, ce in spans:
        own = [ed for ed in figures if cs <= ed.start < ce]
        start = carry if carry is not None else cs
        if own and all(ed.joins_next for ed in own) and (cs, ce) != spans[-1]:
            carry = start
            continue
        merged.append((start, ce))
        carry = None
    # clause 0 stays in the sentence; a later clause with a figure gets a guard; a clause of dependent
    # figures (growth, parts) nests in the guarded clause before it, a clause without figures after a
    # clause that ends on its figure (…等7个项目，预计年底前开工) continues it
    groups: list[list[tuple[int, int, str]]] = []
    for idx, (cs, ce) in enumerate(merged):
        own = [ed for ed in figures if cs <= ed.start < ce]
        last = groups[-1] if groups else None
        guarded = last is not None and last[0][2] == "guard"
        if idx == 0:
            groups.append([(cs, ce, "plain")])
        elif not own:
            prev_end = last[-1][1] if last else cs
            ends_on_figure = any(ed.end == prev_end for ed in figures)
            if guarded and ends_on_figure and last[-1][2] != "nested":
                last.append((cs, ce, "cont"))
            else:
                groups.append([(cs, ce, "plain")])
        elif guarded and all(ed.depends for ed in own):
            last.append((cs, ce, "nested"))
        else:
            groups.append([(cs, ce, "guard")])
    out = []
    for group in groups:
        if group[0][2] == "plain":
            out.append(_render_pieces(text, inside, group[0][0], group[0][1]))
            continue
        pieces = []
        for cs, ce, mode in group:
            part = _render_pieces(text, inside, cs, ce)
            pieces.append("{% clause %}" + part + "{% endclause %}" if mode == "nested" else part)
        out.append("{% clause %}" + "".join(pieces) + "{% endclause %}")
    inner = "".join(out) + _literal(text[body_end:e])
    if guard:
        return "{% sentence %}" + inner + "{% endsentence %}"
    return "{% clause %}" + inner + "{% endclause %}"


def render_paragraph(paragraph: SourceParagraph, edits: list[Edit]) -> str:
    """One paragraph of the template: a line per sentence, sentences with figures guarded."""
    text = paragraph.text
    lines = []
    for s, e in sentence_spans(text):
        lines.append(_sentence(text, s, e, edits))
    # join sentences on one line where a line break would lose a space
    out = []
    for k, line in enumerate(lines):
        if k and (line[:1].isspace() or (out and out[-1][-1:].isspace())):
            out[-1] += line
        else:
            out.append(line)
    return "\n".join(out)


def write_template(paragraphs: list[SourceParagraph], rendered: list[str], *, source_name: str,
                   notes: list[str]) -> str:
    """The template text: a comment with what stayed as text, then the paragraphs, a blank line apart."""
    header = ["{#", f"  由“{source_name}”学习生成的报告模板（写法与默认模板相同：数字写作 {{{{ \"指标键\" | 过滤器 }}}}，",
              "  {% sentence %}…{% endsentence %} 与 {% clause %}…{% endclause %} 中的数字无数据或为0时略去该句/分句）。"]
    if notes:
        header.append("  以下内容未能绑定指标，保留原文，请核对：")
        header += [f"  · {n}" for n in notes]
    header.append("#}")
    body = "\n\n".join(r for r in rendered if r.strip())
    text = "\n".join(line.replace("#}", "# }") if 0 < i < len(header) - 1 else line
                     for i, line in enumerate(header)) + "\n" + body + "\n"
    return text
