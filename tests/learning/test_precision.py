"""Precision first: targets and completion rates, near names, qualified figures, growths of measures the
dictionary lacks, evidence and 待确认 proposals; and the excerpt set of other parks' reports."""
from __future__ import annotations

from pathlib import Path

import pytest

from parkledger.reports.learning.excerpts import load_excerpt, measure_excerpts
from tests.learning.helpers import find, keys_of, learn_text

TITLE = "某经开区2023年上半年工作总结\n"
EXCERPTS = Path(__file__).resolve().parents[1] / "data" / "learning"


def bound(body: str) -> list[tuple[str, str | None]]:
    return keys_of(learn_text(TITLE + body))


def test_a_target_and_its_completion_rate_belong_to_the_level_before():
    assert bound("1—3月，园区实现工业总产值21.36亿元，完成年任务88亿元的24.3%；"
                 "完成工业固定资产投资1.85亿元，完成年任务15亿元的12.3%。") == [
        ("21.36亿元", "econ.output"), ("88亿元", "plan.target_current[econ.output]"),
        ("24.3%", "plan.progress[econ.output]"), ("1.85亿元", "econ.industrial_investment"),
        ("15亿元", "plan.target_current[econ.industrial_investment]"),
        ("12.3%", "plan.progress[econ.industrial_investment]")]


def test_a_completion_rate_finds_its_level_in_a_previous_clause():
    assert bound("完成固定资产投资142.6亿元，同比增长17.4%，增速比一季度提升3.8个百分点，完成年度目标任务的51.2%。"
                 "实现财政总收入36.8亿元，完成全年目标的54.1%，同比增长6.3%；一般公共预算收入21.5亿元，占年任务的52.4%。") == [
        ("142.6亿元", "econ.fai"), ("17.4%", "econ.fai.yoy"), ("3.8个百分点", None),
        ("51.2%", "plan.progress[econ.fai]"), ("36.8亿元", "econ.fiscal_revenue_total"),
        ("54.1%", "plan.progress[econ.fiscal_revenue_total]"), ("6.3%", None),
        ("21.5亿元", "econ.general_budget_revenue"), ("52.4%", "plan.progress[econ.general_budget_revenue]")]


def test_a_yearly_plan_amount_is_this_years_target():
    result = learn_text(TITLE + "一季度，园区完成固定资产投资24.3亿元，年度计划投资110亿元，完成年度计划的22.1%。")
    assert keys_of(result) == [("24.3亿元", "econ.fai"), ("110亿元", "plan.target_current[econ.fai]"),
                               ("22.1%", "plan.progress[econ.fai]")]
    assert [d.kind for d in result.figures] == ["level", "target", "rate"]


def test_a_target_of_something_the_dictionary_lacks_stays_unbound():
    result = learn_text(TITLE + "其中，冷链物流中心项目完成投资6.8亿元，占年度计划投资9亿元的75.6%。")
    assert keys_of(result) == [("6.8亿元", None), ("9亿元", None), ("75.6%", None)]
    assert [d.kind for d in result.figures] == ["level", "target", "rate"]


@pytest.mark.parametrize(("body", "expected"), [
    ("完成工业性投资26.9亿元，同比增长13.5%。", [("26.9亿元", "econ.industrial_investment"),
                                               ("13.5%", "econ.industrial_investment.yoy")]),
    ("其中工业固定资产投资13.6亿元，同比增长18.9%。", [("13.6亿元", "econ.industrial_investment"),
                                                    ("18.9%", "econ.industrial_investment.yoy")]),
    ("园区实现工业增加值42.6亿元，同比增长7.3%；其中规模以上工业增加值38.2亿元，同比增长8.1%。",
     [("42.6亿元", None), ("7.3%", None), ("38.2亿元", "econ.above_scale_value_added"),
      ("8.1%", "econ.above_scale_value_added.yoy")]),
    ("高新技术企业累计达到318家。截至年底全区现有高新技术企业276家。全年新申报高新技术企业58家。",
     [("318家", None), ("276家", None), ("58家", "innov.applied.hte")]),
])
def test_near_names_are_not_confused(body, expected):
    assert bound(body) == expected


@pytest.mark.parametrize(("body", "expected"), [
    ("全区实现规上工业总产值168.3亿元，同比增长8.4%，其中临港片区实现规上工业总产值72.6亿元，同比增长11.3%。",
     [("168.3亿元", "econ.above_scale_output"), ("8.4%", "econ.above_scale_output.yoy"), ("72.6亿元", None),
      ("11.3%", None)]),
    ("东区片区检查企业96家，需整改问题488个。", [("96家", None), ("488个", None)]),
    ("本次专项检查共排查出隐患392条。全年共检查企业836家次，发现隐患2154处。",
     [("392条", None), ("836家次", "safety.inspections"), ("2154处", "safety.hazards")]),
    ("全年新签约项目38个，其中10亿元以上项目7个；新开工项目29个。",
     [("38个", "invest.signed"), ("10亿元以上", None), ("7个", None), ("29个", "invest.started")]),
    ("新增规上工业产值近9亿元。", [("近9亿元", None)]),
])
def test_qualified_figures_abstain(body, expected):
    assert bound(body) == expected


def test_a_growth_of_a_measure_the_dictionary_lacks_is_not_bound_to_another_growth():
    assert bound("规模以上工业总产值完成72.5亿元，同比增长7.6%；区本级财政收入完成9.2亿元，同比增长21%；"
                 "实际利用外资4.1亿美元，同比增加5.3%。") == [
        ("72.5亿元", "econ.above_scale_output"), ("7.6%", "econ.above_scale_output.yoy"), ("9.2亿元", None),
        ("21%", None), ("4.1亿美元", "invest.fdi_actual"), ("5.3%", None)]


def test_every_figure_carries_its_evidence_and_an_abstention_its_candidates():
    result = learn_text(TITLE + "1—6月，园区完成固定资产投资58.7亿元，其中高铁新城片区完成固定资产投资21.4亿元。")
    park, area = find(result, "58.7亿元"), find(result, "21.4亿元")
    assert park.extra["evidence"] == {"measure": "固定资产投资", "qualifiers": [], "unit": "亿元", "period": "1-6月"}
    assert area.key is None and area.note.startswith("待确认")
    assert area.extra["evidence"]["qualifiers"] == ["高铁新城片区"]
    assert area.extra["candidates"][0] == "econ.fai"


def test_a_weak_binding_becomes_a_proposal(monkeypatch):
    from parkledger.reports.learning import binding

    body = "1-9月，园区实现工业总产值80.08亿元。"
    assert bound(body) == [("80.08亿元", "econ.output")]
    monkeypatch.setattr(binding, "CONFIDENCE_THRESHOLD", 0.995)
    det = find(learn_text(TITLE + body), "80.08亿元")
    assert det.key is None and det.note.startswith("待确认：把握不足")
    assert det.extra["candidates"][0] == "econ.output"


def test_the_excerpt_labels_are_placed_in_their_texts():
    names = sorted(p.stem for p in EXCERPTS.glob("*.txt"))
    assert len(names) >= 20
    for name in names:
        path = EXCERPTS / f"{name}.txt"
        assert path.read_text(encoding="utf-8").startswith("# 来源：http")
        text, labels = load_excerpt(path)
        assert labels and all(text[lb.start:lb.end] == lb.text for lb in labels)
        assert {lb.kind for lb in labels} <= {"level", "growth", "share", "rate", "count", "target"}


def test_the_excerpt_set_meets_the_goals():
    _per_file, total = measure_excerpts(EXCERPTS)
    rates = total.rates()
    assert rates["detection"] >= 0.98 and rates["kind"] >= 0.97
    assert rates["bindings_right"] >= 0.90 and rates["wrong_bindings"] <= 0.02


def test_figures_under_a_campaign_heading_abstain_unless_the_sentence_says_the_whole_year():
    result = learn_text("新港园区安全生产隐患大排查大整治推进情况\n"
                        "截至目前，园区共检查企业214家次，排查出隐患587处。全年园区安全生产责任书签订率达100%。\n")
    assert keys_of(result) == [("214家次", None), ("587处", None), ("100%", "safety.letter_rate")]
    assert find(result, "214家次").extra["candidates"][0] == "safety.inspections"


@pytest.mark.parametrize(("body", "expected"), [
    ("完成州外到位资金126.3亿元，完成州政府下达任务数138亿元的91.5%。", ["level", "target", "rate"]),
    ("新开工亿元以上项目5个，占目标任务3个的166.7%。", ["count", "target", "rate"]),
])
def test_targets_named_as_tasks_are_targets(body, expected):
    assert [d.kind for d in learn_text(TITLE + body).figures] == expected
