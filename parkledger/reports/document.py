"""The structured report: paragraphs of text segments and figure references, built from a rendered template.

A rendered template is plain text in which the wording filters have wrapped every figure in private-use
markers. `parse_document` splits it into paragraphs (blocks separated by blank lines; the lines of a
block are joined, as Chinese text has no spaces between lines), tells each paragraph's kind from its
numbering (`一、` heading1, `（一）` heading2, `1.` a paragraph with a lead phrase) and cuts the markers
into `Segment`s.
"""
from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = [
    "Segment", "Paragraph", "Omission", "ReportDocument", "parse_document", "marker", "strip_markers",
    "mark_paragraphs",
    "tidy_punctuation", "count_chars", "reading_minutes", "stats_line", "READING_SPEED",
]

# Private-use code points that delimit a figure in rendered text: OPEN kind SEP ref SEP text CLOSE.
OPEN, SEP, CLOSE = "\ue000", "\ue001", "\ue002"
# A paragraph break: what a blank line of the template source becomes (see `mark_paragraphs`).
PARAGRAPH = "\ue003"
MARKER_CHARS = OPEN + SEP + CLOSE + PARAGRAPH
MARKER_RE = re.compile(f"{OPEN}([fnl]){SEP}([^{MARKER_CHARS}]*){SEP}([^{MARKER_CHARS}]*){CLOSE}")

READING_SPEED = 300  # characters a minute

HEADING1_RE = re.compile(r"^[一二三四五六七八九十]+、")
HEADING2_RE = re.compile(r"^[（(][一二三四五六七八九十]+[）)]")
NUMBERED_RE = re.compile(r"^\d+[.．]")
SEPARATORS = "，、；：。"
SEPARATOR_RUN_RE = re.compile(f"[{SEPARATORS}]{{2,}}")
STRENGTH = {"、": 0, "，": 1, "：": 2, "；": 3, "。": 4}


def strip_markers(text: str) -> str:
    """Remove the marker code points (from template sources and ledger values)."""
    return text.translate({ord(c): None for c in MARKER_CHARS})


def mark_paragraphs(source: str) -> str:
    """Replace the blank lines of a template source (outside tags and comments) by a paragraph mark.

    Jinja's `trim_blocks` eats the newline after a block tag, so a blank line after
    `{% endsentence %}` would no longer separate two paragraphs; a mark survives. Line numbers stay.
    """
    closers = {"{{": "}}", "{%": "%}", "{#": "#}"}
    out: list[str] = []
    closer: str | None = None
    for line in source.split("\n"):
        if closer is None and not line.strip():
            out.append(PARAGRAPH)
            continue
        out.append(line)
        pos = 0
        while True:
            if closer is None:
                found = [(line.find(o, pos), o) for o in closers if line.find(o, pos) >= 0]
                if not found:
                    break
                start, opener = min(found)
                closer, pos = closers[opener], start + 2
            else:
                end = line.find(closer, pos)
                if end < 0:
                    break
                closer, pos = None, end + 2
    return "\n".join(out)


def marker(kind: str, ref: str, text: str) -> str:
    """`text` marked as a figure: `kind` "f" a number, "n" a name (both `ref` = the indicator key),
    or "l" a name read from a ledger (`ref` = `kind:code`, e.g. `platform:SH-FUDAN`)."""
    return f"{OPEN}{kind}{SEP}{strip_markers(ref)}{SEP}{strip_markers(text)}{CLOSE}"


def tidy_punctuation(text: str, *, end_sentence: bool = False) -> str:
    """Mend the punctuation a left-out clause leaves behind.

    A run of separators keeps only its strongest (`，；` → `；`, `、，` → `，`); a leading separator
    is dropped; with `end_sentence`, trailing separators become one `。`.
    """
    text = SEPARATOR_RUN_RE.sub(lambda m: max(m.group(0), key=STRENGTH.__getitem__), text)
    stripped = text.lstrip(SEPARATORS[:-1])
    if end_sentence:
        body = stripped.rstrip(SEPARATORS + " ")
        if body and not body.endswith(("！", "？", "”", "」")):
            return body + "。"
        return body
    return stripped


@dataclass
class Segment:
    """A run of text: plain (`kind` "text"); a figure's number (`kind` "figure") or name (`kind` "name"),
    `ref` being the indicator key; or a name read from a ledger (`kind` "ledger", `ref` like
    `platform:SH-FUDAN`)."""

    text: str
    kind: str = "text"
    ref: str = ""


@dataclass
class Paragraph:
    """One paragraph: `kind` title / heading1 / heading2 / para; `lead` = the length (in characters)
    of the opening phrase styled apart (`（一）…。` in 楷体, `1.…。` optionally bold)."""

    kind: str
    segments: list[Segment]
    lead: int = 0
    lead_style: str = ""

    @property
    def text(self) -> str:
        return "".join(s.text for s in self.segments)

    def split_lead(self) -> tuple[list[Segment], list[Segment]]:
        """The segments of the lead phrase and those of the rest (a segment is cut where needed)."""
        head: list[Segment] = []
        tail: list[Segment] = []
        remaining = self.lead
        for seg in self.segments:
            if remaining <= 0:
                tail.append(seg)
            elif len(seg.text) <= remaining:
                head.append(seg)
                remaining -= len(seg.text)
            else:
                head.append(Segment(seg.text[:remaining], seg.kind, seg.ref))
                tail.append(Segment(seg.text[remaining:], seg.kind, seg.ref))
                remaining = 0
        return head, tail


@dataclass
class Omission:
    """A sentence or clause left out: its template line, the figures that were missing and why."""

    line: int
    keys: dict[str, str]
    text: str
    kind: str = "sentence"


@dataclass
class ReportDocument:
    """A rendered report: its paragraphs, the figures it used and what it left out."""

    park: str
    period: str
    paragraphs: list[Paragraph]
    figures: dict[str, dict[str, Any]] = field(default_factory=dict)
    omitted: list[Omission] = field(default_factory=list)
    template_version: int | None = None
    places: tuple[str, ...] = ()

    @property
    def title(self) -> str:
        return self.paragraphs[0].text if self.paragraphs and self.paragraphs[0].kind == "title" else ""

    @property
    def body(self) -> list[Paragraph]:
        return [p for p in self.paragraphs if p.kind != "title"]

    def text(self) -> str:
        """The report as plain text, one paragraph a line."""
        return "\n".join(p.text for p in self.paragraphs)

    @property
    def char_count(self) -> int:
        return count_chars(self.text())

    @property
    def stats(self) -> str:
        return stats_line(self.char_count)

    def figure_refs(self) -> list[str]:
        """The indicator keys the text shows, in order of first appearance."""
        seen: dict[str, None] = {}
        for p in self.paragraphs:
            for s in p.segments:
                if s.kind in ("figure", "name"):
                    seen.setdefault(s.ref, None)
        return list(seen)

    def to_dict(self) -> dict[str, Any]:
        return {
            "park": self.park,
            "period": self.period,
            "title": self.title,
            "stats": self.stats,
            "paragraphs": [asdict(p) for p in self.paragraphs],
            "figures": self.figures,
            "omitted": [asdict(o) for o in self.omitted],
            "template_version": self.template_version,
        }


def count_chars(text: str) -> int:
    """Chinese characters, letters and digits (punctuation and spaces are not counted)."""
    return sum(1 for ch in text if ch.isalnum())


def reading_minutes(chars: int) -> int:
    return max(1, math.ceil(chars / READING_SPEED)) if chars else 0


def stats_line(chars: int) -> str:
    return f"共计{chars}个字,预计阅读时长{reading_minutes(chars)}分钟"


_CJK = "\u3400-\u9fff\uf900-\ufaff"
_HALF_PAREN_RE = re.compile(f"(?<=[{_CJK}])\\(([^()]*)\\)|\\(([^()]*)\\)(?=[{_CJK}])")
_HALF_PUNCT_RE = re.compile(f"(?<=[{_CJK}])([,;:?!])(?=[{_CJK}“”])")
_FULL_PUNCT = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！"}


def typeset(text: str) -> str:
    """Half-width brackets and punctuation next to Chinese text in full width, as 公文 write them:
    余姚复旦(张江)科创中心 → 余姚复旦（张江）科创中心."""
    text = _HALF_PAREN_RE.sub(lambda m: f"（{m.group(1) if m.group(1) is not None else m.group(2)}）", text)
    return _HALF_PUNCT_RE.sub(lambda m: _FULL_PUNCT[m.group(1)], text)


def _segments(text: str) -> list[Segment]:
    segments: list[Segment] = []
    pos = 0
    for m in MARKER_RE.finditer(text):
        if m.start() > pos:
            segments.append(Segment(text[pos:m.start()]))
        kind = {"f": "figure", "n": "name", "l": "ledger"}[m.group(1)]
        segments.append(Segment(m.group(3), kind, m.group(2)))
        pos = m.end()
    if pos < len(text):
        segments.append(Segment(text[pos:]))
    merged: list[Segment] = []
    for seg in segments:
        seg.text = typeset(seg.text)
        if not seg.text:
            continue
        if merged and seg.kind == "text" and merged[-1].kind == "text":
            merged[-1] = Segment(merged[-1].text + seg.text)
        else:
            merged.append(seg)
    return merged


def _lead_length(text: str) -> int:
    """The opening phrase up to and including the first 。 (0 if the paragraph has none)."""
    end = text.find("。")
    return end + 1 if 0 < end < len(text) - 1 else 0


def _paragraph(text: str, first: bool) -> Paragraph:
    plain = MARKER_RE.sub(lambda m: m.group(3), text)
    segments = _segments(text)
    if first:
        return Paragraph("title", segments)
    if HEADING1_RE.match(plain):
        return Paragraph("heading1", segments)
    if HEADING2_RE.match(plain):
        lead = _lead_length(plain)
        if lead:
            return Paragraph("para", segments, lead, "heading2")
        return Paragraph("heading2", segments)
    if NUMBERED_RE.match(plain):
        return Paragraph("para", segments, _lead_length(plain), "numbered")
    return Paragraph("para", segments)


def parse_document(rendered: str) -> list[Paragraph]:
    """Paragraphs of a rendered template (the first one is the title)."""
    paragraphs: list[Paragraph] = []
    for block in re.split(f"{PARAGRAPH}|\n[ \t\u3000]*\n", rendered.replace("\r\n", "\n")):
        text = "".join(line.strip() for line in block.split("\n"))
        text = tidy_punctuation(text)
        if not MARKER_RE.sub(lambda m: m.group(3), text).strip():
            continue
        if text and text[-1] in SEPARATORS[:-1]:
            text = text[:-1] + "。"
        paragraphs.append(_paragraph(text, not paragraphs))
    return paragraphs
