"""Helpers of the learning tests: learn a text, find a detection by its text."""
from __future__ import annotations

import json
from pathlib import Path

from parkledger.reports.learning import learn, read_bytes
from parkledger.reports.learning.detection import Detection, detect_paragraph
from parkledger.reports.learning.names import EMPTY, Catalogue

DATA = Path(__file__).resolve().parent / "data"


def eco_catalogue() -> Catalogue:
    """The demo park's names, as `parkledger demo` creates them (written out in data/eco-catalogue.json)."""
    return Catalogue.from_dict(json.loads((DATA / "eco-catalogue.json").read_text(encoding="utf-8")))


def learn_text(text: str, catalogue: Catalogue = EMPTY, name: str = "report.txt", **kwargs):
    return learn(read_bytes(text.encode("utf-8"), name), catalogue=catalogue, **kwargs)


def classes(text: str) -> list[tuple[str, str]]:
    """(token, class) of every detection of one paragraph, unbound."""
    return [(d.text, d.cls) for d in detect_paragraph(text)]


def find(result, text: str, nth: int = 0) -> Detection:
    hits = [d for d in result.detections if d.text == text]
    assert len(hits) > nth, (text, [d.text for d in result.detections])
    return hits[nth]


def keys_of(result) -> list[tuple[str, str | None]]:
    return [(d.text, d.key) for d in result.figures]
