"""Measuring the learner against hand labels: figure detection (precision, recall), binding accuracy and
how masked tokens are classified (figure, name, spec, phrase, date).

Labels come in three forms:
- marked text: `⟦156.38亿元|econ.above_scale_output⟧` is a figure and its key, `⟦10亿元|-⟧` a figure no
  indicator covers, `⟦X|@name⟧` a non-figure of that class (`parse_marked`);
- a TSV of offsets (the seed: one line per X, `load_tsv_labels`);
- a rendered report: every figure the renderer marked, with its indicator key (`document_labels`).

A label matches the detection whose number (or mask) overlaps it. Figures written as words only
(`较去年同期小幅增长`) have no number and are left out of precision.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from parkledger.reports.learning.detection import Detection
from parkledger.reports.learning.learner import LearnResult

__all__ = ["Label", "Scores", "parse_marked", "load_tsv_labels", "document_labels", "evaluate"]

MARK_RE = re.compile(r"⟦([^|⟧]+)\|([^⟧]*)⟧")


@dataclass(frozen=True)
class Label:
    start: int
    end: int
    text: str
    cls: str
    key: str | None = None


def parse_marked(marked: str) -> tuple[str, list[Label]]:
    """The plain text of a marked document and its labels."""
    out: list[str] = []
    labels: list[Label] = []
    pos = 0
    size = 0
    for m in MARK_RE.finditer(marked):
        chunk = marked[pos:m.start()]
        out.append(chunk)
        size += len(chunk)
        text, label = m.group(1), m.group(2).strip()
        if label.startswith("@"):
            labels.append(Label(size, size + len(text), text, label[1:]))
        else:
            labels.append(Label(size, size + len(text), text, "figure", None if label in ("", "-") else label))
        out.append(text)
        size += len(text)
        pos = m.end()
    out.append(marked[pos:])
    return "".join(out), labels


def load_tsv_labels(path: str | Path, text: str) -> list[Label]:
    """`offset<TAB>text<TAB>class<TAB>key…` lines (`#` comments); each text is checked against the document."""
    labels = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        start, token, cls = int(parts[0]), parts[1], parts[2]
        key = parts[3] if len(parts) > 3 and parts[3] else None
        if text[start:start + len(token)] != token:
            raise ValueError(f"label at {start} does not match the text: {token!r}")
        labels.append(Label(start, start + len(token), token, cls, key))
    return labels


def document_labels(document: Any) -> tuple[str, list[Label]]:
    """The plain text of a rendered `ReportDocument` and its figures, labelled by the renderer's marks."""
    labels = []
    pieces = []
    pos = 0
    for k, paragraph in enumerate(document.paragraphs):
        if k:
            pieces.append("\n")
            pos += 1
        for seg in paragraph.segments:
            if seg.kind == "figure":
                labels.append(Label(pos, pos + len(seg.text), seg.text, "figure", seg.ref))
            pieces.append(seg.text)
            pos += len(seg.text)
    return "".join(pieces), labels


@dataclass
class Scores:
    """The measured figures of one document."""

    name: str
    figures_labelled: int = 0
    figures_detected: int = 0
    true_positives: int = 0
    bindings: int = 0
    bindings_right: int = 0
    unbound_expected: int = 0
    unbound_right: int = 0
    classes: Counter = field(default_factory=Counter)  # (label class, detected class) → count
    misses: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.true_positives / self.figures_detected if self.figures_detected else 1.0

    @property
    def recall(self) -> float:
        return self.true_positives / self.figures_labelled if self.figures_labelled else 1.0

    @property
    def accuracy(self) -> float:
        return self.bindings_right / self.bindings if self.bindings else 1.0

    def class_table(self) -> dict[str, dict[str, int]]:
        table: dict[str, dict[str, int]] = {}
        for (label, found), n in sorted(self.classes.items()):
            table.setdefault(label, {})[found] = n
        return table

    def lines(self) -> list[str]:
        out = [
            f"[{self.name}] figures labelled {self.figures_labelled}, detected {self.figures_detected}, "
            f"matched {self.true_positives}: precision {self.precision:.1%}, recall {self.recall:.1%}",
            f"[{self.name}] binding: {self.bindings_right}/{self.bindings} right ({self.accuracy:.1%}); "
            f"figures no indicator covers left unbound: {self.unbound_right}/{self.unbound_expected}",
            f"[{self.name}] classes (label → found): " + "; ".join(
                f"{label}: " + ", ".join(f"{k} {v}" for k, v in found.items())
                for label, found in self.class_table().items()),
        ]
        out += [f"[{self.name}]   miss: {m}" for m in self.misses]
        return out


def _overlap(label: Label, det: Detection) -> bool:
    start, end = det.core_start, det.core_end
    if det.cls != "figure" or det.wording:
        start, end = det.start, det.end
    return label.start < end and start < label.end


def evaluate(result: LearnResult, labels: list[Label], name: str = "") -> Scores:
    """Compare the learner's detections with the labels."""
    scores = Scores(name or result.source.name)
    dets = result.detections
    text = result.source.text
    numbered = [d for d in dets if d.cls == "figure" and not d.wording]
    matched: set[int] = set()
    for label in labels:
        hit = next((d for d in dets if _overlap(label, d)), None)
        found_cls = hit.cls if hit is not None else "none"
        scores.classes[(label.cls, found_cls)] += 1
        context = text[max(0, label.start - 10):label.end + 6].replace("\n", "/")
        if label.cls != "figure":
            if found_cls != label.cls:
                scores.misses.append(f"“{context}”: {label.text} is {label.cls}, found {found_cls}")
            continue
        scores.figures_labelled += 1
        if hit is None or hit.cls != "figure":
            scores.misses.append(f"“{context}”: figure {label.text} not detected (found {found_cls})")
            continue
        scores.true_positives += 1
        matched.add(id(hit))
        if label.key is None:
            scores.unbound_expected += 1
            if hit.key is None:
                scores.unbound_right += 1
            else:
                scores.misses.append(f"“{context}”: {label.text} should stay unbound, bound to {hit.key}")
            continue
        scores.bindings += 1
        if hit.key == label.key:
            scores.bindings_right += 1
        else:
            scores.misses.append(f"“{context}”: {label.text} bound to {hit.key}, expected {label.key}")
    scores.figures_detected = len(numbered)
    figure_labels = [lb for lb in labels if lb.cls == "figure"]
    for det in numbered:
        if id(det) in matched or any(_overlap(lb, det) for lb in figure_labels):
            continue
        context = text[max(0, det.start - 10):det.end + 6].replace("\n", "/")
        scores.misses.append(f"“{context}”: {det.text} detected as a figure but is not one")
    return scores
