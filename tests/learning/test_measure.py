"""The learner measured against hand labels (tests/learning/data): the seed's X's, the demo report's
figures as the renderer marked them, and two hand-written reports in other wording and mask styles.

The thresholds are the floor the learner must stay above; `bench/learn.py` prints the figures."""
from __future__ import annotations

from collections import Counter

import pytest

from parkledger.reports.learning.benchmark import measure, seed_x_classes
from parkledger.reports.learning.evaluation import Label, evaluate, parse_marked
from tests.learning.helpers import DATA, learn_text


def test_the_seeds_xs_are_classified_as_labelled_and_bound_right():
    size, scores, result, labels = measure(DATA, "work-report-2022-seed.txt")
    assert size > 5000
    # the hand labels: 157 X's = 117 figures, 33 names, 5 specifications, 1 phrase (世界X强), 1 date (截至X月)
    assert Counter(lb.cls for lb in labels if set(lb.text) == {"X"}) == {
        "figure": 117, "name": 33, "spec": 5, "phrase": 1, "date": 1}
    found = Counter(seed_x_classes(result, labels))
    assert found["figure"] >= 115 and found["name"] >= 31 and found["spec"] == 5
    assert scores.figures_labelled == 119  # the 117 X's and 两只, 四大
    assert scores.recall >= 0.97 and scores.precision >= 0.97
    assert scores.accuracy >= 0.95, scores.misses


@pytest.mark.parametrize(("name", "precision", "recall", "accuracy"), [
    ("demo-report.json", 0.98, 0.98, 0.97),
    ("handwritten-a.txt", 0.95, 0.95, 0.9),
    ("handwritten-b.txt", 0.95, 0.95, 0.9),
    ("handwritten-c.txt", 0.95, 0.95, 0.9),
])
def test_test_set(name, precision, recall, accuracy):
    _size, scores, _result, labels = measure(DATA, name)
    assert scores.figures_labelled >= 25
    assert scores.precision >= precision, scores.misses
    assert scores.recall >= recall, scores.misses
    assert scores.accuracy >= accuracy, scores.misses


def test_the_evaluation_counts_misses():
    plain, labels = parse_marked("园区2022年工作总结\n新增企业⟦4家|innov.hte_pool_added⟧，道路⟦3公里|-⟧。")
    assert plain == "园区2022年工作总结\n新增企业4家，道路3公里。"
    result = learn_text(plain)
    scores = evaluate(result, labels)
    assert (scores.figures_labelled, scores.true_positives, scores.bindings) == (2, 2, 1)
    # 新增企业4家 names no indicator the label says: a binding miss, listed
    assert scores.bindings_right == 0 and scores.misses
    extra = evaluate(result, [Label(plain.index("4家"), plain.index("4家") + 2, "4家", "figure", None)])
    assert extra.figures_detected == 2 and extra.precision == 0.5
