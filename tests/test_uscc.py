"""统一社会信用代码 check character, against codes worked out by hand in domain-rules.md §3."""
import pytest

from parkledger.lib.uscc import check_char, uscc_error


@pytest.mark.parametrize(
    "code", ["91350100M000100Y43", "91350200776049653A", "91350213678251743X", "91440101MA5CJQ4N59"]
)
def test_it_accepts_published_codes(code):
    assert uscc_error(code) is None


def test_it_computes_the_worked_example():
    # values [9,1,3,5,0,1,0,0,21,0,0,0,1,0,0,30,4], weighted sum 1640, 1640 mod 31 = 28, 31-28 = 3
    assert check_char("91350100M000100Y4") == "3"


def test_it_names_the_expected_check_character():
    assert uscc_error("91350100M000100Y44") == "统一社会信用代码校验位错误：应为3，实为4"


@pytest.mark.parametrize(
    ("code", "fragment"),
    [("9135010", "应为18位"), ("91350100M000100YO3", "非法字符“O”"), ("9135A100M000100Y43", "行政区划")],
)
def test_it_rejects_malformed_codes(code, fragment):
    assert fragment in uscc_error(code)
