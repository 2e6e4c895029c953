#!/usr/bin/env python
"""How well the report learner finds and binds figures, on the labelled documents of tests/learning/data.

Prints, for each document, its size, the precision and recall of figure detection, the binding accuracy
and the classification of labelled tokens, then the list of misses; for the seed, how its X's are
classified (figure / name / spec / phrase / date) and how many figures are bound right.

Usage (from the repository root):
    .venv/bin/python bench/learn.py
    .venv/bin/python bench/learn.py --excerpts --misses  # only the excerpts of other parks, with each miss
    .venv/bin/python bench/learn.py --make-demo-data     # regenerate data/demo-report.json from the demo
                                                         # park's report (needs `parkledger demo` data)
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "learning" / "data"
EXCERPTS = ROOT / "tests" / "data" / "learning"
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parkledger.settings")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--make-demo-data", action="store_true")
    parser.add_argument("--excerpts", action="store_true", help="only the excerpt set of other parks' reports")
    parser.add_argument("--misses", action="store_true", help="list each excerpt figure measured wrong")
    args = parser.parse_args()
    import django

    django.setup()
    from parkledger.reports.learning.benchmark import make_demo_data, measure_all

    if args.make_demo_data:
        data = make_demo_data()
        (DATA / "demo-report.json").write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n",
                                               encoding="utf-8")
        print(f"demo-report.json: {len(data['text'])} characters, {len(data['labels'])} labelled figures")
        return 0
    started = time.perf_counter()
    from parkledger.reports.learning.excerpts import measure_excerpts

    per_file, total = measure_excerpts(EXCERPTS)
    print("== excerpts of other parks' reports (tests/data/learning): detection, kind, bindings right, "
          "wrong bindings (no key but bound + bound to another key, of the figures without a key)")
    for scores in per_file:
        print(scores.line())
        if args.misses:
            for miss in scores.misses:
                print(f"    {miss}")
    print(total.line())
    if args.excerpts:
        return 0
    results = measure_all(DATA)
    for name, (size, scores, seed_x) in results.items():
        print(f"== {name}: {size} characters")
        for line in scores.lines():
            print(line)
        if seed_x is not None:
            table = Counter(seed_x)
            print(f"[{name}] the seed's X's: " + ", ".join(f"{k} {v}" for k, v in sorted(table.items())))
    print(f"total time {time.perf_counter() - started:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
