"""The template language: wording filters, left-out sentences, paragraphs and error lines."""
from __future__ import annotations

import pytest

from parkledger.reports.document import OPEN
from parkledger.reports.language import check_template
from parkledger.reports.sandbox import ReportTemplateError
from tests.reports.helpers import document, figure, figure_map, render, texts

FIGS = figure_map(
    figure("econ.output", "35.7234", "亿元"),
    figure("econ.output.yoy", "12.34", "%"),
    figure("econ.fai", "0", "亿元"),
    figure("econ.fai.yoy", None, "%", "上年同期为0，增速无意义"),
    figure("econ.industrial_investment", "12", "亿元"),
    figure("econ.industrial_investment.yoy", "-0.04", "%"),
    figure("invest.production", "5", "个"),
    figure("invest.production.lead", "年产30万套LED车灯研发生产"),
    figure("safety.inspections", "356", "家次"),
    figure("party.training", "1234", "人次"),
    figure("gov.petition_closure_rate", "100", "%"),
    figure("gov.mediation_success_rate", "100", "%"),
    figure("finance.special_bonds_approved", "2", "只"),
)


def test_filters_word_the_figures():
    doc = document(
        "标题\n\n"
        '工业总产值{{ "econ.output" | yi }}，{{ "econ.output.yoy" | growth }}。'
        '{{ "invest.production" | lead }}完成投产。'
        '检查企业{{ "safety.inspections" | approx("余") }}家次，培训干部{{ "party.training" | approx("以上") }}。'
        '办结率、调解成功率{{ rates("gov.petition_closure_rate", "gov.mediation_success_rate") }}。'
        '{{ "finance.special_bonds_approved" | cn_count }}只政府专项债。'
        '工业投资{{ "econ.industrial_investment.yoy" | growth }}。',
        FIGS,
    )
    assert texts(doc)[1] == (
        "工业总产值35.72亿元，同比增长12.3%。年产30万套LED车灯研发生产等5个项目完成投产。"
        "检查企业350余家次，培训干部1200人次以上。办结率、调解成功率均实现100%。两只政府专项债。"
        "工业投资与上年同期持平。"
    )
    figures = [(s.ref, s.text) for s in doc.paragraphs[1].segments if s.kind in ("figure", "name")]
    assert figures[:4] == [("econ.output", "35.72"), ("econ.output.yoy", "12.3"),
                           ("invest.production.lead", "年产30万套LED车灯研发生产"), ("invest.production", "5")]


def test_a_sentence_with_a_zero_or_undefined_figure_is_left_out_and_listed():
    src = (
        "标题\n\n"
        "1-9月，{% clause %}园区实现工业总产值{{ 'econ.output' | yi }}；{% endclause %}\n"
        "{% sentence %}完成固定资产投资{{ 'econ.fai' | yi }}。{% endsentence %}\n"
        "{% sentence %}工业投资{{ 'econ.industrial_investment' | yi }}{% clause %}，{{ 'econ.fai.yoy' | growth }}"
        "{% endclause %}。{% endsentence %}\n"
    )
    result = render(src, FIGS)
    doc = document(src, FIGS)
    # the zero 固定资产投资 sentence is gone, the undefined growth clause too; punctuation mended
    assert texts(doc)[1] == "1-9月，园区实现工业总产值35.72亿元；工业投资12.00亿元。"
    omitted = {(o.line, tuple(o.keys.items())) for o in result.omitted}
    assert omitted == {(4, (("econ.fai", "值为0"),)), (5, (("econ.fai.yoy", "上年同期为0，增速无意义"),))}


def test_a_growth_of_zero_is_kept_as_flat():
    result = render("{% sentence %}{{ 'econ.industrial_investment.yoy' | growth }}{% endsentence %}", FIGS)
    assert "与上年同期持平" in result.text
    assert result.omitted == []


def test_a_sentence_whose_clauses_all_went_is_left_out():
    doc = document("标题\n\n甲。{% sentence %}1-9月，{% clause %}投资{{ 'econ.fai' | yi }}{% endclause %}"
                   "{% endsentence %}乙。", FIGS)
    assert texts(doc)[1] == "甲。乙。"


def test_requires_and_allow_zero():
    doc = document(
        "标题\n\n"
        "{% sentence requires=['econ.fai'] %}没有数字的句子。{% endsentence %}"
        "{% sentence allow_zero=['econ.fai'] %}投资{{ 'econ.fai' | n }}亿元。{% endsentence %}",
        FIGS,
    )
    assert texts(doc)[1] == "投资0.00亿元。"


def test_a_sentence_ends_with_a_full_stop():
    doc = document("标题\n\n{% sentence %}工业总产值{{ 'econ.output' | yi }}，"
                   "{% clause %}投资{{ 'econ.fai' | yi }}{% endclause %}{% endsentence %}", FIGS)
    assert texts(doc)[1] == "工业总产值35.72亿元。"


def test_undefined_figure_outside_a_sentence_is_shown_and_listed():
    result = render("标题\n\n增速{{ 'econ.fai.yoy' | growth }}", FIGS)
    assert "〔缺：econ.fai.yoy〕" in result.text
    assert [(o.kind, o.line, list(o.keys)) for o in result.omitted] == [("figure", 3, ["econ.fai.yoy"])]


def test_names_from_ledgers_and_milestones():
    names = {"platform": {"SH-FUDAN": "余姚复旦(张江)科创中心"},
             "milestones": {"GP-AMENITY": ["完成立项", "完成规划选址", "完成用地预审"]}}
    doc = document("标题\n\n{{ platform('SH-FUDAN') }}投资孵化；工程已{{ milestones('GP-AMENITY') | join_and(factor=True) }}。"
                   "{% sentence %}{{ platform('NOPE') }}入驻。{% endsentence %}", FIGS, names)
    # half-width brackets inside Chinese become full width
    assert texts(doc)[1] == "余姚复旦（张江）科创中心投资孵化；工程已完成立项、规划选址和用地预审。"


def test_paragraph_kinds_and_leads():
    doc = document(
        "生态园2022年工作总结\n\n"
        "一、2022年工作总结\n\n"
        "（一）凝心聚力，招商引资后劲十足\n\n"
        "1.项目招引协同推进。\n一是开工项目加快投产。\n\n"
        "（一）始终坚持一个核心，实现新突破。一是持续聚焦龙头招引。\n\n"
        "普通段落\n",
    )
    kinds = [(p.kind, p.lead, p.lead_style) for p in doc.paragraphs]
    # leads: "1.项目招引协同推进。" = 1 + 1 + 8 + 1 = 11 characters; "（一）始终坚持一个核心，实现新突破。" = 3 + 8 + 1 + 5 + 1 = 18
    assert kinds == [("title", 0, ""), ("heading1", 0, ""), ("heading2", 0, ""), ("para", 11, "numbered"),
                     ("para", 18, "heading2"), ("para", 0, "")]
    # the lines of a paragraph are joined without spaces
    assert doc.paragraphs[3].text == "1.项目招引协同推进。一是开工项目加快投产。"


def test_a_blank_line_after_a_block_tag_still_separates_paragraphs():
    doc = document("标题\n\n{% sentence %}总产值{{ 'econ.output' | yi }}。{% endsentence %}\n\n第二段\n", FIGS)
    assert texts(doc) == ["标题", "总产值35.72亿元。", "第二段"]


def test_forged_markers_in_the_template_are_removed():
    doc = document(f"标题\n\n{OPEN}f\ue001econ.output\ue001999\ue002元", FIGS)
    assert [s.kind for s in doc.paragraphs[1].segments] == ["text"]


def test_stats_line_counts_chinese_letters_and_digits():
    doc = document("标题\n\n中文ab12，。、 ")
    # 标题(2) + 中文(2) + ab(2) + 12(2) = 8 characters; punctuation and spaces not counted
    assert doc.char_count == 8
    assert doc.stats == "共计8个字,预计阅读时长1分钟"
    long = document("标" + "字" * 600)
    assert long.stats == "共计601个字,预计阅读时长3分钟"  # 601 / 300 = 2.003 → 3


@pytest.mark.parametrize(("source", "line", "fragment"), [
    ("标题\n\n正文\n{{ 'econ.output' | nosuch }}", 4, "未知的过滤器“nosuch”"),
    ("标题\n\n{% if %}", 3, "语法错误"),
    ("标题\n\n\n{% sentence %}没有结尾", 4, "endsentence"),
    ("标题\n{% sentence color='red' %}x{% endsentence %}", 2, "requires"),
    ("标题\n\n{% frobnicate %}", 3, "未知的标签"),
])
def test_syntax_errors_name_their_line(source, line, fragment):
    with pytest.raises(ReportTemplateError) as info:
        check_template(source)
    assert info.value.line == line
    assert fragment in str(info.value)


@pytest.mark.parametrize(("source", "line", "fragment"), [
    ("标题\n\n第三行\n{{ 'econ.nosuch' | n }}", 4, "未知指标“econ.nosuch”"),
    ("标题\n\n{{ typo }}", 3, "typo"),
    ("标题\n\n\n\n{{ 'econ.output' | approx('约') }}", 5, "approx"),
    ("标题\n{{ econ.output | n }}", 2, "econ"),
    ("标题\n\n{{ 'invest.production.lead' | yi }}", 3, "不是数值指标"),
])
def test_runtime_errors_name_their_line(source, line, fragment):
    with pytest.raises(ReportTemplateError) as info:
        render(source, FIGS)
    assert info.value.line == line
    assert fragment in str(info.value)
