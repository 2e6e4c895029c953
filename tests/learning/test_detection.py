"""Finding figures and telling them apart from names, specifications, phrases and dates (no binding)."""
from __future__ import annotations

from decimal import Decimal

import pytest

from parkledger.reports.learning.detection import cn_value, detect_paragraph
from tests.learning.helpers import classes


@pytest.mark.parametrize(("text", "token", "value", "unit", "approx"), [
    ("完成工业总产值81.2亿元。", "81.2亿元", "81.2", "亿元", ""),
    ("占比22.91%。", "22.91%", "22.91", "%", ""),
    ("兑现资金1588万元。", "1588万元", "1588", "万元", ""),
    ("帮扶困难群众58户。", "58户", "58", "户", ""),
    ("新增企业4家。", "4家", "4", "家", ""),
    ("总建筑面积3.5万平方米。", "3.5万平方米", "3.5", "万平方米", ""),
    ("检查企业350余家次。", "350余家次", "350", "家次", "余"),
    ("总投资超96亿元。", "超96亿元", "96", "亿元", "超"),
    ("传播短消息4400多条。", "4400多条", "4400", "条", "多"),
    ("培训机关干部960人次以上。", "960人次以上", "960", "人次", "以上"),
    ("总建筑面积约12万平方米。", "约12万平方米", "12", "万平方米", "约"),
    ("服务企业近300家。", "近300家", "300", "家", "近"),
])
def test_real_numbers_with_units_and_approximation_words(text, token, value, unit, approx):
    figures = [d for d in detect_paragraph(text) if d.cls == "figure"]
    assert len(figures) == 1
    fig = figures[0]
    assert (fig.text, fig.value, fig.unit, fig.approx) == (token, Decimal(value), unit, approx)


@pytest.mark.parametrize("mask", ["X", "XX", "xx", "x.xx", "*", "**", "_", "_._", "Ｘ"])
def test_masked_figures(mask):
    found = [d for d in detect_paragraph(f"完成财政总收入{mask}亿元。") if d.cls == "figure"]
    assert [(d.core, d.value, d.unit, d.masked) for d in found] == [(mask, None, "亿元", True)]


def test_a_partly_masked_percentage():
    found = [d for d in detect_paragraph("工业投资增长1_._%。") if d.cls == "figure"]
    assert [(d.text, d.value, d.unit) for d in found] == [("1_._%", None, "%")]


def test_periods_and_years_are_dates_not_figures():
    text = "2022年，1-9月完成12亿元，上半年有所回落，截至X月已兑付2亿元，2022年度评价，预计全年达到5个。"
    found = classes(text)
    assert ("2022年", "date") in found and ("1-9月", "date") in found and ("上半年", "date") in found
    assert ("截至X月", "date") in found and ("2022年度", "date") in found and ("全年", "date") in found
    assert [t for t, c in found if c == "figure"] == ["12亿元", "2亿元", "5个"]


@pytest.mark.parametrize(("text", "token"), [
    ("实现X市外实到内资X亿元。", "X"),
    ("制定出台《X生态园人才政策》。", "X"),
    ("深化X控股集团国企改革。", "X"),
    ("与X农商银行达成战略合作。", "X"),
    ("上海虹桥X楼已有X家企业入驻。", "X"),
])
def test_masked_names(text, token):
    assert classes(text)[0] == (token, "name")


@pytest.mark.parametrize(("text", "token"), [
    ("电力系统三期、DNX给水管安装等项目扎实推进。", "X"),
    ("DN X给水管安装。", "X"),
    ("X KV望海变开工建设。", "X KV"),
    ("DN1000给水管安装。", "1000"),
    ("XKV望海变开工建设。", "XKV"),
    ("220KV望海变开工建设。", "220KV"),
    ("年产X万套LED车灯研发生产等X个项目完成投产。", "X万套"),
    ("年产30万套LED车灯研发生产。", "30万套"),
    ("年产XGWh大容量储能磷酸铁锂电池。", "XGWh"),
])
def test_specifications_inside_names(text, token):
    assert classes(text)[0] == (token, "spec")


@pytest.mark.parametrize(("text", "token"), [
    ("积极引进世界X强、行业领军企业。", "X强"),
    ("积极引进世界500强企业。", "500强"),
    ("庆祝中国共产党成立101周年。", "101周年"),
])
def test_fixed_phrases(text, token):
    assert (token, "phrase") in classes(text)


def test_a_ranking_in_chinese_numerals_is_a_name():
    assert classes("入选全国三十强园区，引进世界500强企业。") == [("三十强", "name"), ("500强", "phrase")]


def test_numbering_and_latin_words_are_not_figures():
    assert classes("1.项目招引协同推进。易拼网B2B跨境平台，PM2.5浓度下降。") == []


def test_chinese_numerals_before_a_measure_word_are_quantity_candidates():
    found = [(d.text, d.value) for d in detect_paragraph("两只政府专项债成功获批，以四大国际创新中心为载体。")]
    assert found == [("两只", Decimal(2)), ("四大", Decimal(4))]
    # not before a measure word, or in a quoted set phrase: no figure
    assert [(d.text, d.cls) for d in detect_paragraph("一是加快建设，高质量推进“八个一”工程。")] == [("八个", "phrase")]


@pytest.mark.parametrize(("text", "value"), [("一", 1), ("两", 2), ("十", 10), ("十二", 12), ("二十", 20),
                                             ("三十五", 35), ("百", None), ("十十", None)])
def test_cn_value(text, value):
    assert cn_value(text) == value


def test_offsets_refer_to_the_paragraph_with_its_offset():
    found = detect_paragraph("新增企业4家。", offset=100, paragraph=3)
    assert [(d.start, d.end, d.core_start, d.core_end, d.paragraph) for d in found] == [(104, 106, 104, 105, 3)]
