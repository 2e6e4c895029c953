"""Chinese numerals and list joining for report wording."""
from __future__ import annotations

DIGITS = "零一二三四五六七八九十"


def chinese_count(n: int, *, before_measure_word: bool = True) -> str:
    """1–10 as 一…十 (2 → 两 before a measure word: 两只, 四大); other numbers in Arabic."""
    if n == 2 and before_measure_word:
        return "两"
    if 0 <= n <= 10:
        return DIGITS[n]
    return str(n)


def join_and(items: list[str]) -> str:
    """`A`, `A和B`, `A、B和C`."""
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return "、".join(items[:-1]) + "和" + items[-1]
