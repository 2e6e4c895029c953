"""The report's wording rules as pure functions on exact values (indicators.md, "Growth" and fine print 6).

Each function returns a list of `Piece`s: plain text and the figure's own digits, so that a caller can
mark the digits (for links and masking) and keep the words around them as text:

    growth_pieces(Decimal("12.34"))  → [Piece("同比增长"), Piece("12.3", "value"), Piece("%")]
    approx_pieces(Decimal("356"), "余") → [Piece("350", "value"), Piece("余")]
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from parkledger.lib.chinese import chinese_count, join_and
from parkledger.lib.numbers import approx_around, approx_floor, display, int_text, round_half_up, to_decimal

__all__ = [
    "Piece", "APPROX_WORDS", "SMALL_GROWTH_LIMIT", "number_pieces", "yi_pieces", "growth_pieces",
    "approx_pieces", "about_pieces", "cn_count_text", "lead_pieces", "rates_pieces", "strip_project_suffix",
    "join_names",
]

APPROX_WORDS = ("余", "多", "超", "以上")
SMALL_GROWTH_LIMIT = Decimal(5)  # 0 < growth < 5 may be worded 小幅增长


@dataclass(frozen=True)
class Piece:
    """A piece of wording: plain text (`role` empty), or a figure's own text.

    `role` says which figure: "value" (the figure worded), "second" (the other figure of a pair),
    "name" (lead names of a count).
    """

    text: str
    role: str = ""

    @property
    def figure(self) -> bool:
        return bool(self.role)


def number_pieces(value: Decimal, unit: str) -> list[Piece]:
    """The display text of a value in its display unit (`12.30`, `1234.5`, `187`)."""
    return [Piece(display(value, unit), "value")]


def yi_pieces(value: Decimal, unit: str, *, trim: bool = False) -> list[Piece]:
    """`35.72亿元` from a value in 亿元 (or in 万元, converted first); with `trim`, trailing zeros of
    the two decimals are dropped (a target: `135亿元` rather than `135.00亿元`)."""
    value = to_decimal(value)
    if unit == "万元":
        value = value / Decimal(10000)
    elif unit != "亿元":
        raise ValueError(f"单位为“{unit}”的指标不能写作亿元")
    text = display(value, "亿元")
    if trim and "." in text:
        text = text.rstrip("0").rstrip(".")
    return [Piece(text, "value"), Piece("亿元")]


def growth_pieces(value: Decimal, *, prefix: str = "同比", small: bool = False,
                  flat: str = "与上年同期持平") -> list[Piece]:
    """Growth wording on the value rounded to 1 decimal (fine print 5).

    positive → 同比增长12.3%; negative → 同比下降4.5%; zero after rounding → 与上年同期持平;
    with `small`, 0 < growth < 5 → 同比小幅增长 (no figure).
    """
    rounded = round_half_up(to_decimal(value), 1)
    if rounded == 0:
        return [Piece(flat)]
    if rounded > 0 and small and rounded < SMALL_GROWTH_LIMIT:
        return [Piece(f"{prefix}小幅增长")]
    verb = "增长" if rounded > 0 else "下降"
    return [Piece(f"{prefix}{verb}"), Piece(display(abs(rounded), "%"), "value"), Piece("%")]


def approx_pieces(value: Decimal, word: str, unit: str, *, unit_text: str | None = None) -> list[Piece]:
    """余 / 多 / 超 / 以上 (fine print 6) on the unrounded value in its display unit.

    Under 10, or when the two-digit floor leaves the value unchanged, the figure is written in its
    display rounding and the word is dropped; otherwise the floor, as an integer, with the word:
    `350余`, `5600多`, `超35`, `1200人次以上` (以上 follows the unit, so `unit_text` is part of it).
    """
    if word not in APPROX_WORDS:
        raise ValueError(f"约数用语只能是{'、'.join(APPROX_WORDS)}，不能是“{word}”")
    value = to_decimal(value)
    floored = approx_floor(value)
    tail = [Piece(unit_text)] if unit_text else []
    if floored is None:
        return [Piece(display(value, unit), "value"), *tail]
    digits = Piece(int_text(floored), "value")
    if word == "超":
        return [Piece("超"), digits, *tail]
    if word == "以上":
        return [digits, *tail, Piece("以上")]
    return [digits, Piece(word), *tail]


def about_pieces(value: Decimal, unit: str) -> list[Piece]:
    """约 (two-sided): half-up to two significant digits (3.46 → 约3.5); exact when that changes nothing."""
    value = to_decimal(value)
    around = approx_around(value)
    if around is None:
        return [Piece(display(value, unit), "value")]
    return [Piece("约"), Piece(int_text(around), "value")]


def cn_count_text(value: Decimal) -> str:
    """A small count in Chinese numerals before a measure word (两只, 四大); other counts in digits."""
    value = to_decimal(value)
    if value != value.to_integral_value():
        return display(value, "")
    return chinese_count(int(value))


def strip_project_suffix(name: str) -> str:
    """A name that already ends in 项目 drops that suffix before `等` (indicators.md, lead names)."""
    name = name.strip()
    return name[: -len("项目")] if name.endswith("项目") and len(name) > 2 else name


def join_names(names: list[str], *, factor: bool = False) -> str:
    """`A`, `A和B`, `A、B和C`; with `factor`, a common leading verb is said once:
    完成立项 / 完成规划选址 / 完成用地预审 → 完成立项、规划选址和用地预审."""
    names = [n for n in (str(n).strip() for n in names) if n]
    if factor and len(names) > 1:
        prefix = _common_prefix(names)
        if prefix and all(len(n) > len(prefix) for n in names):
            return prefix + join_and([n[len(prefix):] for n in names])
    return join_and(names)


def _common_prefix(names: list[str]) -> str:
    first = names[0]
    size = 0
    while size < len(first) and all(len(n) > size and n[size] == first[size] for n in names):
        size += 1
    # only a verb-like prefix of two characters or more is worth factoring (完成, 开工)
    return first[:size] if size >= 2 else ""


def lead_pieces(count: Decimal, names: list[str], *, unit: str = "个", noun: str = "项目") -> list[Piece]:
    """Lead names before a count: `年产30万套LED车灯研发生产等5个项目`.

    One project: `A项目`; as many names as projects: `A和B项目`; otherwise `A、B等N个项目`.
    The names are pieces of role "name", the count of role "value".
    """
    n = int(to_decimal(count))
    names = [strip_project_suffix(x) for x in names if x and x.strip()]
    if not names:
        return [Piece(str(n), "value"), Piece(f"{unit}{noun}")]
    if n <= len(names):
        shown = names[:max(n, 1)]
        return [Piece(join_and(shown), "name"), Piece(noun)]
    return [Piece("、".join(names), "name"), Piece("等"), Piece(str(n), "value"), Piece(f"{unit}{noun}")]


def rates_pieces(first: Decimal, second: Decimal, *, same: str = "均实现", differ: str = "分别为") -> list[Piece]:
    """Two rates: equal after display rounding → 均实现100%; otherwise 分别为98.5%和96%."""
    a, b = display(first, "%"), display(second, "%")
    if a == b:
        return [Piece(same), Piece(a, "value"), Piece("%")]
    return [Piece(differ), Piece(a, "value"), Piece("%和"), Piece(b, "second"), Piece("%")]
