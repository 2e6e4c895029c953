"""Learning a template from last year's report: read, find the figures, bind them, write the template.

    result = learn(read_path("2022.docx"), catalogue=catalogue_for_park("ECO"))
    result.template      # the template text (the report template language)
    result.report()      # one object per detection, in text order (the `--report` JSON)
    result.unbound       # the figures left as text

`overrides` are the user's corrections: `{start offset: key}` (an empty key unbinds the figure).
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from parkledger.reports.learning import keys
from parkledger.reports.learning.binding import abstain_under_campaign, bind_paragraph
from parkledger.reports.learning.detection import Detection, detect_paragraph
from parkledger.reports.learning.lexicon import LEAD_NAMES
from parkledger.reports.learning.names import EMPTY, Catalogue
from parkledger.reports.learning.qualifiers import CAMPAIGN_HEADING_RE
from parkledger.reports.learning.reading import LearnInputError, SourceDocument, SourceParagraph
from parkledger.reports.learning.writing import paragraph_edits, render_paragraph, write_template

__all__ = ["LearnResult", "learn", "BindingError", "check_override"]

TITLE_RE = re.compile(r"((?:19|20)\d{2})\s*年.{0,12}(?:工作总结|工作思路|工作报告|工作要点|总结)")
MAX_FIGURES = 3000  # a work report quotes some 150
STATS_RE = re.compile(r"共计\s*\d+\s*个字\s*[,，]\s*预计阅读时长\s*\d+\s*分钟")
PERIOD_LABEL_RE = re.compile(r"(\d{1,2})\s*[-—–~～至到]\s*(\d{1,2})\s*月")
PERIOD_TEXT_RE = re.compile(r"^(?:\d{1,2}|[Xx])\s*[-—–~～至到]\s*(?:\d{1,2}|[Xx])\s*月份?$|^(?:上半年|下半年|前三季度|全年)$"
                            r"|^(?:截至|截止到|截止)")


class BindingError(ValueError):
    """A correction that names no indicator or one whose unit does not fit the figure."""


@dataclass
class LearnResult:
    """What the learner found in a document and the template it wrote."""

    source: SourceDocument
    detections: list[Detection]
    paragraphs: list[SourceParagraph]
    dropped: list[SourceParagraph]
    year: int | None
    period_label: str
    template: str
    notes: list[str] = field(default_factory=list)
    catalogue: Catalogue = EMPTY
    errors: list[str] = field(default_factory=list)

    @property
    def figures(self) -> list[Detection]:
        return [d for d in self.detections if d.cls == "figure"]

    @property
    def unbound(self) -> list[Detection]:
        return [d for d in self.figures if not d.key]

    def report(self) -> list[dict[str, Any]]:
        """One JSON object per detection, in text order."""
        return [d.report() for d in self.detections]

    def counts(self) -> dict[str, int]:
        return dict(Counter(d.cls for d in self.detections))

    def segments(self) -> list[list[tuple[str, Detection | None]]]:
        """Each kept paragraph as runs of plain text and detections (for showing the document)."""
        out = []
        for p in self.paragraphs:
            runs: list[tuple[str, Detection | None]] = []
            pos = p.start
            for det in (d for d in self.detections if p.start <= d.start < p.end):
                if det.start > pos:
                    runs.append((self.source.text[pos:det.start], None))
                runs.append((self.source.text[det.start:det.end], det))
                pos = det.end
            if pos < p.end:
                runs.append((self.source.text[pos:p.end], None))
            out.append(runs)
        return out


def _body_paragraphs(source: SourceDocument) -> tuple[list[SourceParagraph], list[SourceParagraph]]:
    """(kept, dropped): page furniture before the title, the reading-statistics line, a title broken over
    two lines, and short trailing lines after the last sentence are not part of the report."""
    paragraphs = [p for p in source.paragraphs if p.text.strip()]
    dropped: list[SourceParagraph] = []
    title_at = next((i for i, p in enumerate(paragraphs[:8]) if TITLE_RE.search(p.text) and len(p.text) < 60), 0)
    dropped += paragraphs[:title_at]
    kept: list[SourceParagraph] = []
    title = paragraphs[title_at].text.strip() if paragraphs else ""
    pending = ""
    for p in paragraphs[title_at:]:
        text = p.text.strip()
        if STATS_RE.search(text) and len(text) < 80:
            dropped.append(p)
            continue
        if kept and len(kept) < 4 and title and (title.startswith(text) or (pending and title.startswith(pending + text))
                                                  or (text and title.replace(" ", "").startswith(text))):
            if text != title and title.startswith(pending + text):
                pending += text
            dropped.append(p)
            continue
        pending = ""
        kept.append(p)
    # trailing furniture: short lines without a sentence end after the last real paragraph
    while (len(kept) > 1 and len(kept[-1].text.strip()) < 30 and "\t" not in kept[-1].text
           and not kept[-1].text.strip().endswith(("。", "！", "？"))):
        dropped.append(kept.pop())
    return kept, sorted(dropped, key=lambda p: p.start)


def _year_and_period(paragraphs: list[SourceParagraph]) -> tuple[int | None, str]:
    year = None
    if paragraphs:
        m = TITLE_RE.search(paragraphs[0].text)
        if m:
            year = int(m.group(1))
    text = "\n".join(p.text for p in paragraphs)
    if year is None:
        years = Counter(int(y) for y in re.findall(r"((?:19|20)\d{2})\s*年", text))
        year = years.most_common(1)[0][0] if years else None
    labels = Counter(f"{a}-{b}月" for a, b in PERIOD_LABEL_RE.findall(text))
    period = labels.most_common(1)[0][0] if labels else ""
    return year, period


def _periods(paragraph: SourceParagraph, detections: list[Detection], default: str) -> None:
    marks = [d for d in detections if d.cls == "date" and PERIOD_TEXT_RE.search(d.text.strip())]
    for det in detections:
        if det.cls != "figure":
            continue
        if det.key and det.key.startswith("plan.target"):
            det.period = "全年"
            continue
        before = [m for m in marks if m.end <= det.start]
        if before:
            label = before[-1].text.strip()
            m = PERIOD_LABEL_RE.match(label)
            det.period = f"{m.group(1)}-{m.group(2)}月" if m else re.sub(r"\s+", "", label)
        else:
            det.period = default


def check_override(det: Detection, key: str) -> str:
    """A user's key for a figure, checked: known to the registry and of a unit the figure can be quoted in."""
    key = key.strip()
    if not keys.known(key):
        raise BindingError(f"未知指标“{key}”")
    unit = keys.unit_of(key) or ""
    if det.numeral or det.wording:
        return key
    if not keys.compatible(det.unit, unit):
        raise BindingError(f"“{det.text}”的单位与指标“{key}”（{unit or '名称'}）不符")
    return key


def learn(source: SourceDocument, *, catalogue: Catalogue = EMPTY,
          overrides: dict[int, str] | None = None) -> LearnResult:
    """Find, classify and bind every figure of the document and write its template."""
    kept, dropped = _body_paragraphs(source)
    year, period = _year_and_period(kept)
    short_name = ""
    if kept:
        m = re.match(r"^(.{2,12}?)(?:区)?(?:19|20)\d{2}\s*年", kept[0].text.strip())
        short_name = m.group(1) if m else ""
    detections: list[Detection] = []
    per_paragraph: list[list[Detection]] = []
    errors: list[str] = []
    campaign = ""
    for p in kept:
        found = detect_paragraph(p.text, offset=p.start, paragraph=p.index)
        if len(detections) + len(found) > MAX_FIGURES * 2:
            raise LearnInputError(f"文档中的数字过多（超过 {MAX_FIGURES} 处），不像一份工作报告")
        bind_paragraph(p.text, p.start, found, catalogue)
        heading = p.text.strip()
        if len(heading) <= 40 and not heading.endswith(("。", "！", "？", "；")):
            campaign = heading if CAMPAIGN_HEADING_RE.search(heading) else ""
        elif campaign:
            abstain_under_campaign(p.text, p.start, found, campaign)
        _as_of_dates(found)
        for det in found:
            if det.cls == "figure":
                det.kind = keys.kind_of(det.key or "", det.unit) if det.key else _unbound_kind(det)
        if overrides:
            for det in found:
                if det.cls == "figure" and det.start in overrides:
                    wanted = overrides[det.start]
                    det.extra["learnt_key"] = det.key
                    if not wanted:
                        det.key, det.confidence, det.note = None, 0.0, "已取消绑定"
                        continue
                    try:
                        det.key = check_override(det, wanted)
                    except BindingError as exc:
                        errors.append(str(exc))
                        det.extra.pop("learnt_key", None)
                        continue
                    det.confidence, det.note = 1.0, "已人工确认"
                    det.kind = keys.kind_of(det.key, det.unit)
                    if det.key in LEAD_NAMES and det.extra.get("lead"):
                        det.extra["lead_names_key"] = LEAD_NAMES[det.key]
                    else:
                        det.extra.pop("lead_names_key", None)
        if overrides:
            _follow_levels(found, overrides)
        _periods(p, found, period)
        for det in found:
            if "evidence" in det.extra:
                det.extra["evidence"]["period"] = det.period
        detections += found
        per_paragraph.append(found)
    notes: list[str] = []
    rendered = []
    for p, found in zip(kept, per_paragraph, strict=True):
        edits, paragraph_notes = paragraph_edits(p, found, catalogue=catalogue, year=year, period_label=period,
                                                 short_name=short_name)
        notes += paragraph_notes
        rendered.append(render_paragraph(p, edits))
    template = write_template(kept, rendered, source_name=source.name, notes=notes)
    return LearnResult(source=source, detections=detections, paragraphs=kept, dropped=dropped, year=year,
                       period_label=period, template=template, notes=notes, catalogue=catalogue,
                       errors=errors)


def _unbound_kind(det: Detection) -> str:
    """The kind of a figure no key was bound to, from its wording: a growth (also `拉动…增长X个百分点`,
    `增速提升X个百分点`), a share (`占…比重`), a completion rate, a target (`年度计划投资X亿元`)."""
    if det.extra.get("target_of") is not None:
        return "target"
    if det.unit in ("%", "％"):
        if det.extra.get("growth"):
            return "yoy"
        if det.extra.get("share") and not det.extra.get("progress_of"):
            return "share"
        return "rate"
    if det.unit in ("个百分点", "百分点"):
        return "yoy"
    return keys.kind_of("", det.unit)


def _as_of_dates(found: list[Detection]) -> None:
    """截至N月 in a sentence about a support package: the package's as-of month."""
    for i, det in enumerate(found):
        if det.cls != "date" or not det.text.startswith(("截至", "截止")):
            continue
        nxt = next((d for d in found[i + 1:] if d.cls == "figure"), None)
        if nxt is not None and nxt.key and nxt.key.startswith("finance.package."):
            code = nxt.key[nxt.key.index("["):]
            det.key = f"finance.package.as_of_month{code}"
            det.confidence = nxt.confidence


def _follow_levels(found: list[Detection], overrides: dict[int, str]) -> None:
    """A growth, target or completion rate the user left alone follows the level the user changed:
    `工业投资` for `固定资产投资` makes the growth after it `econ.industrial_investment.yoy`."""
    for det in found:
        follows = det.extra.get("follows")
        if det.cls != "figure" or not follows or det.start in overrides or follows[0] not in overrides:
            continue
        level = overrides[follows[0]]
        key = follows[1].format(level) if level else ""
        det.extra["learnt_key"] = det.key
        if key and keys.known(key) and not level.startswith("plan."):
            det.key, det.confidence, det.note = key, 0.9, "随所属总量的更正"
        else:
            det.key, det.confidence, det.note = None, 0.0, "所属总量已改为无对应指标"
        det.kind = keys.kind_of(det.key or "", det.unit) if det.key else _unbound_kind(det)
