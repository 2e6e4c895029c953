"""The wording rules on hand-worked values (indicators.md "Growth, rates, rounding" and fine print 5–6)."""
from __future__ import annotations

from decimal import Decimal

import pytest

from parkledger.reports.wording import (
    about_pieces,
    approx_pieces,
    cn_count_text,
    growth_pieces,
    join_names,
    lead_pieces,
    rates_pieces,
    yi_pieces,
)


def text(pieces) -> str:
    return "".join(p.text for p in pieces)


def figures(pieces) -> list[str]:
    return [p.text for p in pieces if p.figure]


@pytest.mark.parametrize(("value", "expected"), [
    ("12.34", "同比增长12.3%"),          # rounds to 1 decimal
    ("12.35", "同比增长12.4%"),          # half up
    ("-4.45", "同比下降4.5%"),           # half away from zero, the sign becomes the verb
    ("-0.04", "与上年同期持平"),          # −0.04 rounds to 0.0
    ("0.049", "与上年同期持平"),
    ("0.05", "同比增长0.1%"),
    ("100", "同比增长100%"),             # trailing .0 dropped
])
def test_growth_wording(value, expected):
    assert text(growth_pieces(Decimal(value))) == expected


def test_growth_marks_only_the_digits():
    assert figures(growth_pieces(Decimal("-4.45"))) == ["4.5"]


@pytest.mark.parametrize(("value", "expected"), [
    ("3.2", "较去年同期小幅增长"),        # 0 < 3.2 < 5
    ("4.96", "较去年同期增长5%"),        # rounds to 5.0: not below 5
    ("5", "较去年同期增长5%"),
    ("-1", "较去年同期下降1%"),          # small applies to growth only
    ("0.01", "与上年同期持平"),
])
def test_small_growth(value, expected):
    assert text(growth_pieces(Decimal(value), prefix="较去年同期", small=True)) == expected


@pytest.mark.parametrize(("value", "word", "unit", "unit_text", "expected"), [
    ("356", "余", "家次", None, "350余"),          # floor to two significant digits: 356 → 350
    ("1234", "余", "册", None, "1200余"),
    ("5678", "多", "条", None, "5600多"),
    ("35.72", "超", "亿元", None, "超35"),          # 35.72 → 35, as an integer
    ("1234", "以上", "人次", "人次", "1200人次以上"),  # 以上 follows the unit
    ("8", "余", "家次", None, "8"),                # under 10: exact, word dropped
    ("9.5", "超", "亿元", None, "9.50"),           # under 10: display rounding of 亿元 (2 decimals)
    ("350", "余", "家次", None, "350"),            # the floor leaves it unchanged: exact
    ("8", "以上", "人次", "人次", "8人次"),
    ("10", "余", "处", None, "10"),
    ("11", "余", "处", None, "11"),               # 11 floored to two digits is 11
    ("123", "余", "处", None, "120余"),
])
def test_approximate_phrases(value, word, unit, unit_text, expected):
    assert text(approx_pieces(Decimal(value), word, unit, unit_text=unit_text)) == expected


def test_approximate_phrase_rejects_other_words():
    with pytest.raises(ValueError):
        approx_pieces(Decimal(100), "约", "个")


@pytest.mark.parametrize(("value", "unit", "expected"), [
    ("3.46", "万平方米", "约3.5"),       # half up to two significant digits
    ("3.5", "万平方米", "3.5"),          # unchanged: exact, no 约
    ("12.45", "万平方米", "约12"),
    ("1250", "个", "约1300"),
])
def test_about(value, unit, expected):
    assert text(about_pieces(Decimal(value), unit)) == expected


@pytest.mark.parametrize(("value", "expected"), [(2, "两"), (4, "四"), (1, "一"), (10, "十"), (12, "12")])
def test_chinese_counts(value, expected):
    assert cn_count_text(Decimal(value)) == expected


def test_yi():
    assert text(yi_pieces(Decimal("12.3"), "亿元")) == "12.30亿元"
    # 123456 万元 = 12.3456 亿元 → 12.35
    assert text(yi_pieces(Decimal("123456"), "万元")) == "12.35亿元"
    with pytest.raises(ValueError):
        yi_pieces(Decimal(1), "个")
    assert text(yi_pieces(Decimal("135"), "亿元", trim=True)) == "135亿元"
    assert text(yi_pieces(Decimal("12.3"), "亿元", trim=True)) == "12.3亿元"
    assert text(yi_pieces(Decimal("12.345"), "亿元", trim=True)) == "12.35亿元"


def test_lead_names():
    assert text(lead_pieces(Decimal(5), ["年产30万套LED车灯研发生产"])) == "年产30万套LED车灯研发生产等5个项目"
    # a name ending in 项目 drops it before 等
    assert text(lead_pieces(Decimal(7), ["万洋小微企业园二期项目"])) == "万洋小微企业园二期等7个项目"
    assert text(lead_pieces(Decimal(1), ["万洋小微企业园二期"])) == "万洋小微企业园二期项目"
    assert text(lead_pieces(Decimal(5), ["甲", "乙"])) == "甲、乙等5个项目"
    assert text(lead_pieces(Decimal(2), ["甲", "乙"])) == "甲和乙项目"
    assert text(lead_pieces(Decimal(4), ["瑞华"], noun="待评审项目")) == "瑞华等4个待评审项目"
    pieces = lead_pieces(Decimal(5), ["甲"])
    assert [(p.text, p.role) for p in pieces if p.figure] == [("甲", "name"), ("5", "value")]


@pytest.mark.parametrize(("a", "b", "expected"), [
    ("100", "100", "均实现100%"),
    ("99.96", "100", "均实现100%"),      # equal after display rounding (99.96 → 100)
    ("98.5", "96", "分别为98.5%和96%"),
    ("98.44", "98.45", "分别为98.4%和98.5%"),
])
def test_two_rates(a, b, expected):
    assert text(rates_pieces(Decimal(a), Decimal(b))) == expected


def test_join_names():
    assert join_names(["甲"]) == "甲"
    assert join_names(["甲", "乙", "丙"]) == "甲、乙和丙"
    assert join_names(["完成立项", "完成规划选址", "完成用地预审"], factor=True) == "完成立项、规划选址和用地预审"
    # no common verb: joined as they are
    assert join_names(["完成立项", "开工建设"], factor=True) == "完成立项和开工建设"
