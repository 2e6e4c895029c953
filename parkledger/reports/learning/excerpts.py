"""The excerpt set of the learner's measurement (`tests/data/learning`): report passages of other parks,
one `.txt` each (its header lines, starting with `#`, name the source address) and a `.labels.json` of
its figures in text order: `{"text", "kind", "key"}` with kind one of level, growth, share, rate, count,
target and key null where the dictionary has no indicator for the figure.

Four numbers per excerpt and in total:
- detection: labelled figures the learner found as figures ÷ labelled figures;
- kind: labelled figures found with the labelled kind ÷ labelled figures;
- bindings right: figures with a key bound to that key ÷ figures with a key;
- wrong bindings: (figures without a key bound to some key anyway + figures with a key bound to another
  key) ÷ figures without a key. Both kinds of wrong binding are counted, over the smaller denominator:
  the stricter of the two readings of the issue. A figure left unbound (待确认) is never wrong.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from parkledger.reports.learning.learner import learn
from parkledger.reports.learning.reading import read_bytes

__all__ = ["ExcerptLabel", "ExcerptScores", "load_excerpt", "measure_excerpt", "measure_excerpts", "KIND_NAMES"]

KIND_NAMES = {"yoy": "growth"}  # the learner's kind → the label's


@dataclass(frozen=True)
class ExcerptLabel:
    start: int
    end: int
    text: str
    kind: str
    key: str | None


@dataclass
class ExcerptScores:
    name: str
    labelled: int = 0
    detected: int = 0
    kind_right: int = 0
    keyed: int = 0
    bound_right: int = 0
    unkeyed: int = 0
    wrong_unkeyed: int = 0  # no key in the dictionary, bound anyway
    wrong_keyed: int = 0  # has a key, bound to another
    misses: list[str] = field(default_factory=list)

    def add(self, other: ExcerptScores) -> None:
        for name in ("labelled", "detected", "kind_right", "keyed", "bound_right", "unkeyed", "wrong_unkeyed",
                     "wrong_keyed"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def wrong(self) -> int:
        return self.wrong_unkeyed + self.wrong_keyed

    def rates(self) -> dict[str, float]:
        def ratio(a: int, b: int) -> float:
            return a / b if b else 1.0
        return {"detection": ratio(self.detected, self.labelled), "kind": ratio(self.kind_right, self.labelled),
                "bindings_right": ratio(self.bound_right, self.keyed),
                "wrong_bindings": self.wrong / self.unkeyed if self.unkeyed else float(self.wrong > 0)}

    def line(self) -> str:
        r = self.rates()
        return (f"{self.name:36} detection {self.detected}/{self.labelled} {r['detection']:6.1%}  "
                f"kind {self.kind_right}/{self.labelled} {r['kind']:6.1%}  "
                f"right {self.bound_right}/{self.keyed} {r['bindings_right']:6.1%}  "
                f"wrong {self.wrong_unkeyed}+{self.wrong_keyed}/{self.unkeyed} {r['wrong_bindings']:5.1%}")


def load_excerpt(path: Path) -> tuple[str, list[ExcerptLabel]]:
    """The excerpt's text (without its header) and its labels, placed in text order."""
    raw = path.read_text(encoding="utf-8")
    text = "\n".join(line for line in raw.splitlines() if not line.startswith("#")).strip() + "\n"
    spec = json.loads(path.with_suffix(".labels.json").read_text(encoding="utf-8"))
    labels = []
    pos = 0
    for item in spec["figures"]:
        at = text.find(item["text"], pos)
        if at < 0:
            raise ValueError(f"{path.name}: label {item['text']!r} not found after offset {pos}")
        labels.append(ExcerptLabel(at, at + len(item["text"]), item["text"], item["kind"], item["key"]))
        pos = at + len(item["text"])
    return text, labels


def measure_excerpt(path: Path) -> tuple[ExcerptScores, object]:
    text, labels = load_excerpt(path)
    result = learn(read_bytes(text.encode("utf-8"), path.name))
    scores = ExcerptScores(path.stem)
    for label in labels:
        scores.labelled += 1
        if label.key:
            scores.keyed += 1
        else:
            scores.unkeyed += 1
        hit = next((d for d in result.figures if d.core_start < label.end and label.start < d.core_end), None)
        where = f"{label.text}（{text[max(0, label.start - 12):label.start].strip()}…）"
        if hit is None:
            scores.misses.append(f"{where}: not found")
            continue
        scores.detected += 1
        kind = KIND_NAMES.get(hit.kind, hit.kind)
        if kind == label.kind:
            scores.kind_right += 1
        else:
            scores.misses.append(f"{where}: kind {kind}, labelled {label.kind}")
        if label.key and hit.key == label.key:
            scores.bound_right += 1
        elif label.key and hit.key:
            scores.wrong_keyed += 1
            scores.misses.append(f"{where}: bound to {hit.key}, labelled {label.key}")
        elif label.key:
            scores.misses.append(f"{where}: left unbound, labelled {label.key}")
        elif hit.key:
            scores.wrong_unkeyed += 1
            scores.misses.append(f"{where}: bound to {hit.key}, the dictionary has no such figure")
    return scores, result


def measure_excerpts(folder: Path) -> tuple[list[ExcerptScores], ExcerptScores]:
    """Scores per excerpt and in total."""
    per_file = [measure_excerpt(path)[0] for path in sorted(folder.glob("*.txt"))]
    total = ExcerptScores("total")
    for scores in per_file:
        total.add(scores)
    return per_file, total
