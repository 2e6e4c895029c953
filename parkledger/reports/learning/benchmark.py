"""The labelled documents of the learner's measurement (`tests/learning/data`) and how to measure them.

- `work-report-2022-seed.txt` with `seed-labels.tsv`: every X of the seed, labelled by hand;
- `demo-report.json`: the demo park's report rendered from the default template, each figure labelled
  with the indicator key the renderer marked it with (`make_demo_data`);
- `handwritten-a.txt`, `handwritten-b.txt`, `handwritten-c.txt`: report text written for the measurement,
  in other wording and mask styles, labelled inline (`⟦156.38亿元|econ.above_scale_output⟧`).
The seed and the demo report are learnt with the demo park's names (`eco-catalogue.json`), the
hand-written ones without any.
"""
from __future__ import annotations

import json
from pathlib import Path

from parkledger.reports.learning.evaluation import (
    Label,
    Scores,
    document_labels,
    evaluate,
    load_tsv_labels,
    parse_marked,
)
from parkledger.reports.learning.learner import learn
from parkledger.reports.learning.names import EMPTY, Catalogue
from parkledger.reports.learning.reading import read_bytes

__all__ = ["DOCUMENTS", "measure", "measure_all", "make_demo_data", "seed_x_classes"]

DOCUMENTS = ("work-report-2022-seed.txt", "demo-report.json", "handwritten-a.txt", "handwritten-b.txt",
             "handwritten-c.txt")
MASKS = set("XxＸｘ*＊_＿")


def _catalogue(data: Path) -> Catalogue:
    return Catalogue.from_dict(json.loads((data / "eco-catalogue.json").read_text(encoding="utf-8")))


def load(data: Path, name: str) -> tuple[str, list[Label], Catalogue]:
    """(plain text, labels, catalogue) of one labelled document."""
    path = data / name
    if name == "work-report-2022-seed.txt":
        text = path.read_text(encoding="utf-8")
        return text, load_tsv_labels(data / "seed-labels.tsv", text), _catalogue(data)
    if name.endswith(".json"):
        raw = json.loads(path.read_text(encoding="utf-8"))
        labels = [Label(s, e, t, "figure", k) for s, e, t, k in raw["labels"]]
        return raw["text"], labels, _catalogue(data)
    text, labels = parse_marked(path.read_text(encoding="utf-8"))
    return text, labels, EMPTY


def measure(data: Path, name: str):
    """(document size, scores, learn result) of one document."""
    text, labels, catalogue = load(data, name)
    source = read_bytes(text.encode("utf-8"), name.replace(".json", ".txt"))
    result = learn(source, catalogue=catalogue)
    return len(text), evaluate(result, labels, name), result, labels


def seed_x_classes(result, labels: list[Label]) -> list[str]:
    """For each labelled X of the seed: the class found for it."""
    found = []
    for label in labels:
        if not set(label.text) <= MASKS:
            continue
        hit = next((d for d in result.detections if d.start <= label.start < d.end), None)
        found.append(hit.cls if hit is not None else "none")
    return found


def measure_all(data: Path) -> dict[str, tuple[int, Scores, list[str] | None]]:
    out = {}
    for name in DOCUMENTS:
        if not (data / name).exists():
            continue
        size, scores, result, labels = measure(data, name)
        seed = seed_x_classes(result, labels) if name.startswith("work-report") else None
        out[name] = (size, scores, seed)
    return out


def make_demo_data(park: str = "ECO", period: str = "2022-09") -> dict:
    """The demo park's report as plain text with its figures labelled by the renderer."""
    from parkledger.reports.services import build_report

    document = build_report(park, period)
    text, labels = document_labels(document)
    return {"park": park, "period": period, "text": text,
            "labels": [[lb.start, lb.end, lb.text, lb.key] for lb in labels]}
