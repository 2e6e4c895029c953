"""Binding figures to indicator keys from the words around them and the sentence's structure."""
from __future__ import annotations

import pytest

from tests.learning.helpers import eco_catalogue, find, keys_of, learn_text

TITLE = "园区2022年工作总结和2023年工作思路\n"


def bound(body: str, catalogue=None) -> list[tuple[str, str | None]]:
    result = learn_text(TITLE + body, catalogue or eco_catalogue())
    return keys_of(result)


@pytest.mark.parametrize(("body", "key"), [
    ("1-9月，园区实现规上工业总产值70.47亿元。", "econ.above_scale_output"),
    ("1-9月，园区实现规模以上工业总产值70.47亿元。", "econ.above_scale_output"),
    ("1-9月，园区实现工业总产值80.08亿元。", "econ.output"),
    ("1-9月，完成固投41.65亿元。", "econ.fai"),
    ("1-9月，完成固定资产投资41.65亿元。", "econ.fai"),
    ("1-9月，完成实际利用外资6142.81万美元。", "invest.fdi_actual"),
    ("1-9月，完成实际使用外资6142.81万美元。", "invest.fdi_actual"),
    ("信访办结率达98.5%。", "gov.petition_closure_rate"),
    ("调解成功率为96%。", "gov.mediation_success_rate"),
    ("累计检查企业350余家次。", "safety.inspections"),
    ("累计发放宣传资料2600余册。", "safety.materials"),
    ("受理各类业务497件。", "support.service_requests"),
])
def test_names_and_synonyms(body, key):
    assert [k for _t, k in bound(body)] == [key]


def test_a_growth_after_a_level_belongs_to_that_level():
    assert bound("园区实现固定资产投资41.65亿元，同比增长13.6%，其中工业投资25.41亿元，同比下降2.2%。") == [
        ("41.65亿元", "econ.fai"), ("13.6%", "econ.fai.yoy"),
        ("25.41亿元", "econ.industrial_investment"), ("2.2%", "econ.industrial_investment.yoy")]


def test_a_growth_with_nothing_to_belong_to_stays_unbound():
    result = learn_text(TITLE + "各项工作同比增长5.1%。")
    assert keys_of(result) == [("5.1%", None)]
    assert result.unbound[0].note


def test_growth_written_as_words():
    result = learn_text(TITLE + "预计可实现规上工业增加值16.65亿元，较去年同期小幅增长。")
    assert keys_of(result) == [("16.65亿元", "econ.above_scale_value_added"),
                               ("较去年同期小幅增长", "econ.above_scale_value_added.yoy")]


def test_separately_binds_in_order():
    assert bound("新申报高新技术企业、浙江省科技型中小企业、国家科技型中小企业分别为19家、45家和35家。") == [
        ("19家", "innov.applied.hte"), ("45家", "innov.applied.provincial_tech_sme"),
        ("35家", "innov.applied.national_tech_sme")]
    assert bound("园区特优人才、领军人才、高级人才和基础人才总数分别达6人、27人、139人和695人。") == [
        ("6人", "talent.total.top"), ("27人", "talent.total.leading"), ("139人", "talent.total.senior"),
        ("695人", "talent.total.basic")]


def test_both_rates_equal_is_a_pair():
    result = learn_text(TITLE + "累计办结信访件163件，调解纠纷49起，办结率、调解成功率均实现100%。", eco_catalogue())
    rate = find(result, "100%")
    assert (rate.key, rate.extra["pair"]) == ("gov.petition_closure_rate", "gov.mediation_success_rate")
    assert '{{ rates("gov.petition_closure_rate", "gov.mediation_success_rate") }}' in result.template


def test_total_investment_after_a_project_count_is_that_sets_investment():
    assert bound("1-9月，园区新签约项目19个，总投资26.92亿元。共安排政府投资项目21个，总投资55.93亿元。") == [
        ("19个", "invest.signed"), ("26.92亿元", "invest.signed.investment"),
        ("21个", "build.gov_projects"), ("55.93亿元", "build.gov_projects.total_investment")]


def test_lead_names_before_a_count():
    result = learn_text(TITLE + "年产30万套LED车灯研发生产等11个项目完成投产，总投资20.93亿元。"
                                "瑞华康源智能医院物联网设备等5个待评审项目即将签约。", eco_catalogue())
    count = find(result, "11个")
    assert count.key == "invest.production"
    assert count.extra["lead"]["names"] == ["年产30万套LED车灯研发生产"]
    assert '{{ "invest.production" | lead }}完成投产' in result.template
    assert '{{ "invest.pending_review" | lead(noun="待评审项目") }}即将签约' in result.template
    assert find(result, "20.93亿元").key == "invest.production.investment"


def test_platform_figures_take_the_platform_named_before_them():
    assert bound("余姚复旦（张江）科创中心投资孵化项目10个，引进签约项目8项，完成落地6项。上海虹桥余姚楼已有23家企业入驻。") \
        == [("10个", "platform.incubated[SH-FUDAN]"), ("8项", "platform.signed[SH-FUDAN]"),
            ("6项", "platform.landed[SH-FUDAN]"), ("23家", "platform.tenants[SH-HONGQIAO]")]
    # masked names are matched on what the mask leaves
    assert bound("X复旦(张江)科创中心投资孵化项目X个。上海虹桥X楼已有X家企业入驻。") == [
        ("X个", "platform.incubated[SH-FUDAN]"), ("X家", "platform.tenants[SH-HONGQIAO]")]


def test_a_platform_figure_without_the_parks_names_is_left_unbound():
    from parkledger.reports.learning.names import EMPTY

    result = learn_text(TITLE + "X科创中心投资孵化项目X个，引进签约项目X项。", EMPTY)
    assert keys_of(result) == [("X个", None), ("X项", None)]


def test_next_years_targets():
    assert bound("初步打算，2023年力争实现工业总产值135亿元，规上工业增加值增速8%；完成固定资产投资65亿元。") == [
        ("135亿元", "plan.target[econ.output]"), ("8%", "plan.target[econ.above_scale_value_added.yoy]"),
        ("65亿元", "plan.target[econ.fai]")]


def test_estimate_and_prefecture_or_county():
    assert bound("预计全年入库项目累计可达26个。") == [("26个", "econ.fai_projects.estimate")]
    assert bound("实现宁波市外实到内资26.27亿元，余姚市外实到内资32.52亿元。") == [
        ("26.27亿元", "invest.domestic_outside_prefecture"), ("32.52亿元", "invest.domestic_outside_county")]
    assert bound("实现X市外实到内资X亿元，X市外实到内资X亿元。") == [
        ("X亿元", "invest.domestic_outside_prefecture"), ("X亿元", "invest.domestic_outside_county")]


def test_chinese_numerals_are_figures_only_where_an_indicator_counts_them():
    result = learn_text(TITLE + "A项目和B项目两只政府专项债成功获批。以四大国际创新中心为载体，推动三大工程。",
                        eco_catalogue())
    assert keys_of(result) == [("两只", "finance.special_bonds_approved"), ("四大", "platform.count[intl_center]")]
    assert ("三大", "phrase") in [(d.text, d.cls) for d in result.detections]


def test_confidence_is_lower_where_the_words_are_far_or_ambiguous():
    result = learn_text(TITLE + "1-9月，园区实现工业总产值80.08亿元。累计完成整改“治垃圾”“治违章”等问题448个。")
    near, far = find(result, "80.08亿元"), find(result, "448个")
    assert near.key == "econ.output" and far.key == "gov.issues_rectified"
    assert 0 < far.confidence < near.confidence <= 1


def test_kinds_and_periods():
    result = learn_text(TITLE + "1-9月，园区实现工业总产值80.08亿元，同比增长4.1%，安全生产责任书签订率达98%，"
                                "占一般公共预算支出比重达31%，新签约项目19个。预计全年入库项目累计可达26个。"
                                "初步打算，2023年力争实现工业总产值135亿元。")
    assert [(d.text, d.kind, d.period) for d in result.figures] == [
        ("80.08亿元", "level", "1-9月"), ("4.1%", "yoy", "1-9月"), ("98%", "rate", "1-9月"),
        ("31%", "share", "1-9月"), ("19个", "count", "1-9月"), ("26个", "count", "全年"),
        ("135亿元", "target", "全年")]


def test_a_list_name_no_indicator_has_leaves_only_that_figure_unbound():
    assert bound("园区特优人才、外籍专家总数分别达6人和3人。") == [("6人", "talent.total.top"), ("3人", None)]


def test_a_masked_name_matches_only_where_what_is_left_is_distinctive():
    from parkledger.reports.learning.names import find_names

    pairs = eco_catalogue().pairs("platform")
    assert [h.code for h in find_names("上海虹桥X楼已有X家企业入驻", pairs)] == ["SH-HONGQIAO"]
    assert [h.code for h in find_names("X复旦(张江)科创中心投资孵化项目", pairs)] == ["SH-FUDAN"]
    # X)创新中心 could be any of the four 创新中心: no hit; the unmasked name is found
    assert [h.code for h in find_names("X(X)创新中心、中以(特拉维夫)创新中心等", pairs)] == ["IC-IL"]
