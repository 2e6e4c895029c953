"""Finding the figures of a report paragraph and telling them apart from names, specifications, phrases
and dates.

A figure is a number written in digits (`81.2亿元`, `22.91%`, `350余家次`), a masked number (`X`, `XX`,
`x.xx`, `*`, `_`, `1_._%`) or a small count in Chinese numerals (`两只`, `四大`). What is not a figure:
- `date`: years, months and periods (`2022年`, `1-9月`, `上半年`, `截至X月`);
- `name`: a masked place or organisation (`X市`, `X生态园`, `X控股集团`, `X农商银行`);
- `spec`: a specification inside a name (`DN1000`, `220KV`, `年产30万套`, `10GWh`);
- `phrase`: a fixed phrase (`世界500强`, `三十强`, `101周年`, `"八个一"`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

__all__ = ["Detection", "detect_paragraph", "MASK_CHARS", "UNITS", "COUNT_UNITS", "cn_value", "is_masked"]

MASK_CHARS = "XxＸｘ*＊_＿"
_M = re.escape(MASK_CHARS)
_D = "0-9０-９"
_FULLWIDTH = str.maketrans("０１２３４５６７８９．", "0123456789.")

# The core of a number: digits and mask characters, with at most one decimal point.
CORE_RE = re.compile(f"[{_D}{_M}]+(?:[.．][{_D}{_M}]+)?")
LATIN_RE = re.compile(r"[A-Za-z]")

# Units after a figure, longest first.
UNITS = sorted([
    "万平方米", "平方米", "平方公里", "万美元", "亿美元", "亿元", "万元", "千元", "元", "亿", "万亩", "亩", "公顷",
    "万粒", "万尾", "万吨", "吨", "万人次", "人次", "家次", "项次", "户次", "个百分点", "百分点", "%", "％",
    "个", "家", "项", "名", "人", "件", "宗", "次", "处", "只", "起", "册", "条", "户", "批", "所", "座", "台",
    "套", "万套", "万件", "公里", "千米", "米", "天", "场", "期", "篇", "份", "万", "平方", "倍", "位",
], key=len, reverse=True)
COUNT_UNITS = frozenset({
    "人次", "家次", "项次", "户次", "个", "家", "项", "名", "人", "件", "宗", "次", "处", "只", "起", "册", "条",
    "户", "批", "所", "座", "台", "套", "场", "期", "篇", "份", "位", "大", "万人次",
})
# Measure words after a Chinese numeral that make it a quantity candidate.
CN_MEASURES = ("只", "大", "个", "家", "项", "名", "座", "所", "宗", "条")
CN_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
CN_RE = re.compile("[一二两三四五六七八九十]{1,3}")

SPEC_AFTER_RE = re.compile(r"\s*(?:KV|kV|kv|Kv|千伏|GWh|MWh|MW|kWh|KWh|kW|KW|兆瓦|万千瓦|吨级|万吨级|V\b|T\b)")
SPEC_BEFORE_RE = re.compile(r"(?:DN|dn|De|DE|Φ|φ)\s*$")
CAPACITY_BEFORE_RE = re.compile(r"(?:年产(?:能)?|年处理|日处理|年吞吐(?:量)?|年加工|日产)$")
APPROX_BEFORE = ("超过", "将近", "接近", "超", "逾", "近", "约")
APPROX_AFTER = ("余", "多")
APPROX_TAIL = ("以上", "左右")

DATE_PATTERNS = [
    re.compile(f"[{_M}]{{1,2}}月份?[{_D}{_M}]{{1,2}}日"),
    re.compile(f"(?:截至|截止到|截止)\\s*(?:[{_D}]{{1,2}}|[{_M}]{{1,2}})\\s*月(?:底|末|份)?"),
    re.compile(f"(?:19|20)[{_D}]{{2}}\\s*年度?(?:[{_D}]{{1,2}}月(?:份)?(?:[{_D}]{{1,2}}日)?)?"),
    re.compile(f"(?:19|20)(?:[{_M}]{{2}}|[{_D}][{_M}])\\s*年度?"),
    re.compile(f"[{_M}]{{4}}年度?"),
    re.compile(f"[{_D}{_M}]{{1,2}}\\s*[-—–~～至到]\\s*[{_D}{_M}]{{1,2}}\\s*月份?"),
    re.compile(f"[{_D}]{{1,2}}月份?(?:[{_D}]{{1,2}}日)?"),
    re.compile("上半年|下半年|前三季度|第?[一二三四]季度|全年"),
]
PERIOD_WORDS = ("上半年", "下半年", "前三季度", "全年")
GROWTH_WORDING_RE = re.compile("(同比|较去年同期|较上年同期|比上年同期|比上年|较上年|与上年同期)?(小幅增长|持平)")


def is_masked(core: str) -> bool:
    return any(c in MASK_CHARS for c in core)


def cn_value(text: str) -> int | None:
    """一…九十九 as an integer (两 = 2); None for other strings."""
    if not text or any(c not in CN_DIGITS for c in text):
        return None
    if len(text) == 1:
        return CN_DIGITS[text]
    if text[0] == "十" and len(text) == 2:
        return 10 + CN_DIGITS[text[1]] if text[1] != "十" else None
    if len(text) == 2 and text[1] == "十":
        return CN_DIGITS[text[0]] * 10
    if len(text) == 3 and text[1] == "十" and text[2] != "十":
        return CN_DIGITS[text[0]] * 10 + CN_DIGITS[text[2]]
    return None


@dataclass
class Detection:
    """A figure or a non-figure found in the text (offsets into the document's plain text).

    `start`/`end` cover the token as written (approximation words, number and unit: `超96亿元`);
    `core_start`/`core_end` the number or mask itself. Binding fills `key`, `kind`, `period` and
    `confidence`; `extra` carries what the template writer needs (lead names, a second rate, …).
    """

    start: int
    end: int
    core_start: int
    core_end: int
    text: str
    cls: str
    paragraph: int
    value: Decimal | None = None
    unit: str = ""
    masked: bool = False
    approx: str = ""
    numeral: bool = False
    wording: str = ""
    key: str | None = None
    kind: str = ""
    period: str = ""
    confidence: float = 0.0
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def core(self) -> str:
        return self.text[self.core_start - self.start:self.core_end - self.start]

    def report(self) -> dict[str, Any]:
        """The JSON object of `--report`."""
        out: dict[str, Any] = {"start": self.start, "end": self.end, "text": self.text, "class": self.cls}
        if self.cls == "figure":
            out.update({
                "value": None if self.value is None else _plain(self.value),
                "unit": self.unit, "kind": self.kind, "period": self.period, "key": self.key,
                "confidence": round(self.confidence, 2),
                "evidence": self.extra.get("evidence", {}),
                "candidates": list(self.extra.get("candidates", [])),
                "note": self.note,
            })
        elif self.key:
            out.update({"key": self.key, "confidence": round(self.confidence, 2)})
        return out


def _plain(value: Decimal) -> str:
    text = f"{value.normalize():f}"
    return "0" if text in ("-0", "0") else text


def _number(core: str) -> Decimal | None:
    try:
        return Decimal(core.translate(_FULLWIDTH))
    except InvalidOperation:
        return None


def _match_unit(text: str, pos: int) -> str:
    for unit in UNITS:
        if text.startswith(unit, pos):
            return unit
    return ""


def _date_spans(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for pattern in DATE_PATTERNS:
        for m in pattern.finditer(text):
            s, e = m.span()
            if any(s < e2 and s2 < e for s2, e2 in spans):
                continue
            spans.append((s, e))
    return sorted(spans)


def _quoted(text: str, s: int, e: int) -> bool:
    """The token is the whole or part of a short quoted phrase (`"八个一"`, `“两优一先”`)."""
    left = max(text.rfind(q, max(0, s - 5), s) for q in "“\"「")
    if left < 0 or s - left > 4:
        return False
    rights = [i for i in (text.find(q, e, e + 5) for q in "”\"」") if i >= 0]
    return bool(rights) and min(rights) - e <= 4


def detect_paragraph(text: str, *, offset: int = 0, paragraph: int = 0) -> list[Detection]:
    """Every figure, name, spec, phrase and date of one paragraph, in text order."""
    found: list[Detection] = []
    dates = _date_spans(text)

    def in_date(s: int, e: int) -> bool:
        return any(s < de and ds < e for ds, de in dates)

    for ds, de in dates:
        found.append(Detection(offset + ds, offset + de, offset + ds, offset + de, text[ds:de], "date", paragraph,
                               masked=is_masked(text[ds:de])))

    # -- numbers and masks -------------------------------------------------------------------------
    for m in CORE_RE.finditer(text):
        s, e = m.span()
        core = m.group(0)
        masked = is_masked(core)
        if in_date(s, e):
            continue
        before, after = text[max(0, s - 24):s], text[e:e + 24]
        if s < 8 and not text[:s].strip() and after[:1] in (".", "．", "、") and not masked:
            continue  # the paragraph's own numbering: 1. 2、
        left_latin = bool(s and LATIN_RE.match(text[s - 1]))
        right_latin = bool(after and LATIN_RE.match(after[0]))
        if SPEC_BEFORE_RE.search(before):
            found.append(_simple(text, s, e, "spec", offset, paragraph, masked))
            continue
        spec_after = SPEC_AFTER_RE.match(after)
        if spec_after:
            found.append(_simple(text, s, e + spec_after.end(), "spec", offset, paragraph, masked, core_end=e))
            continue
        if left_latin or right_latin:
            continue  # B2B, PM2.5, G20, XPS …
        det = _figure_like(text, s, e, core, masked, offset, paragraph)
        if det is not None:
            found.append(det)

    # -- Chinese numerals before a measure word ---------------------------------------------------------
    for m in CN_RE.finditer(text):
        s, e = m.span()
        value = cn_value(m.group(0))
        if value is not None and text.startswith("强", e) and not in_date(s, e):
            # 全国三十强: a ranking's name, not a quantity
            found.append(Detection(offset + s, offset + e + 1, offset + s, offset + e, text[s:e + 1], "name",
                                   paragraph, value=Decimal(value), numeral=True))
            continue
        if value is None or e >= len(text) or text[e] not in CN_MEASURES:
            continue
        if in_date(s, e) or (s and text[s - 1] in "第初周星礼"):
            continue
        measure = text[e]
        cls = "figure"
        if _quoted(text, s, e + 1) or text.startswith(("党代会", "全会", "届"), e + 1) or (
                measure == "个" and text.startswith(("一", "二", "三"), e + 1)):
            cls = "phrase"
        det = Detection(offset + s, offset + e + 1, offset + s, offset + e, text[s:e + 1], cls, paragraph,
                        value=Decimal(value), unit=measure, numeral=True)
        found.append(det)

    # -- growth wording without a number (较去年同期小幅增长, 与上年同期持平) -------------------------------------
    for m in GROWTH_WORDING_RE.finditer(text):
        s, e = m.span()
        found.append(Detection(offset + s, offset + e, offset + m.start(2), offset + e, text[s:e], "figure",
                               paragraph, unit="%", wording=m.group(2), extra={"prefix": m.group(1) or ""}))

    found.sort(key=lambda d: (d.start, -d.end))
    return _drop_nested(found)


def _drop_nested(found: list[Detection]) -> list[Detection]:
    out: list[Detection] = []
    for det in found:
        if out and det.start < out[-1].end:
            continue
        out.append(det)
    return out


def _simple(text: str, s: int, e: int, cls: str, offset: int, paragraph: int, masked: bool, *,
            core_end: int | None = None) -> Detection:
    return Detection(offset + s, offset + e, offset + s, offset + (core_end if core_end is not None else e),
                     text[s:e], cls, paragraph, masked=masked,
                     value=None if masked else _number(text[s:core_end if core_end is not None else e]))


def _figure_like(text: str, s: int, e: int, core: str, masked: bool, offset: int, paragraph: int) -> Detection | None:
    """A number or mask that is not a date or a spec: a figure, a masked name or a phrase."""
    before = text[max(0, s - 24):s]
    start, end = s, e
    approx = ""
    for word in APPROX_BEFORE:
        if before.endswith(word):
            approx, start = word, s - len(word)
            break
    pos = e
    for word in APPROX_AFTER:
        if text.startswith(word, pos) and _match_unit(text, pos + len(word)):
            approx, pos = word, pos + len(word)
            break
    unit = _match_unit(text, pos)
    end = pos + len(unit)
    for word in APPROX_TAIL:
        if unit and text.startswith(word, end):
            approx, end = word, end + len(word)
            break
    value = None if masked else _number(core)
    after = text[e:e + 24]
    # fixed phrases: 世界500强, 三十强, 101周年, 第3
    if after.startswith(("强", "周年")) or before.endswith("第"):
        phrase_end = e + (2 if after.startswith("周年") else 1)
        if before.endswith("第"):
            phrase_end = e
        return Detection(offset + s, offset + phrase_end, offset + s, offset + e, text[s:phrase_end], "phrase",
                         paragraph, value=value, masked=masked)
    # capacity inside a project's name: 年产30万套, 年产X万件
    if CAPACITY_BEFORE_RE.search(before):
        return Detection(offset + s, offset + end, offset + s, offset + e, text[s:end], "spec", paragraph,
                         value=value, unit=unit, masked=masked)
    if masked and not unit:
        return Detection(offset + s, offset + e, offset + s, offset + e, text[s:e], "name", paragraph, masked=True)
    if unit == "万" and masked:
        return Detection(offset + s, offset + e, offset + s, offset + e, text[s:e], "name", paragraph, masked=True)
    if unit in ("％",):
        unit = "%"
    return Detection(offset + start, offset + end, offset + s, offset + e, text[start:end], "figure", paragraph,
                     value=value, unit=unit, masked=masked, approx=approx)
