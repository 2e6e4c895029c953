"""Decimal rounding and display rules of the indicator dictionary (never binary floats).

- Rounding is half away from zero (`ROUND_HALF_UP` on decimals): −4.45 → −4.5.
- Each display unit has its places and whether trailing zeros are dropped.
- Approximate phrases (余/多/超/以上) floor to two leading significant digits; 约 rounds to two.
"""
from __future__ import annotations

from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

# display unit → (decimal places, drop trailing zeros)
UNIT_FORMATS: dict[str, tuple[int, bool]] = {
    "亿元": (2, False),
    "亿": (2, True),
    "万元": (2, True),
    "万美元": (2, True),
    "%": (1, True),
    "亩": (1, True),
    "公顷": (2, True),
    "万平方米": (2, True),
    "万粒": (1, True),
    "万尾": (1, True),
}
COUNT_FORMAT = (0, True)  # 个, 家, 项, 名, 人, 次, 件, 处, 宗, 只, 起, 人次, 家次, 册, 条, 项次, 月


def to_decimal(value: object) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        raise TypeError("floats are not accepted: pass a Decimal or a string")
    return Decimal(str(value))


def round_half_up(value: Decimal, places: int) -> Decimal:
    """Round half away from zero to `places` decimals."""
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def unit_format(unit: str) -> tuple[int, bool]:
    return UNIT_FORMATS.get(unit, COUNT_FORMAT)


def format_plain(value: Decimal, places: int, drop_zeros: bool) -> str:
    """`value` rounded half-up to `places`, trailing zeros dropped when asked; no separators."""
    rounded = round_half_up(value, places)
    text = f"{rounded:f}"
    if drop_zeros and "." in text:
        text = text.rstrip("0").rstrip(".")
    if text in ("-0", "-0.0", "-0.00"):
        text = text[1:]
    return text


def display(value: Decimal, unit: str) -> str:
    """The display text of a value already in its display unit (`12.30`, `1234.5`, `-4.5`, `187`)."""
    places, drop = unit_format(unit)
    return format_plain(to_decimal(value), places, drop)


def two_digit_floor(value: Decimal) -> Decimal:
    """Floor a positive value to its two leading significant digits: 356 → 350, 35.72 → 35."""
    if value <= 0:
        return value
    exponent = value.adjusted() - 1  # keep two significant digits
    step = Decimal(1).scaleb(exponent)
    return (value / step).to_integral_value(rounding=ROUND_FLOOR) * step


def approx_floor(value: Decimal) -> Decimal | None:
    """The floored value for 余/多/超/以上, or None when the figure is written exactly.

    Exact when the value is under 10 or when the floor leaves it unchanged.
    """
    value = to_decimal(value)
    if value < 10:
        return None
    floored = two_digit_floor(value)
    return None if floored == value else floored


def approx_around(value: Decimal) -> Decimal | None:
    """约: half-up to two significant digits (3.46 → 3.5); None when that leaves it unchanged."""
    value = to_decimal(value)
    if value == 0:
        return None
    exponent = value.adjusted() - 1
    step = Decimal(1).scaleb(exponent)
    rounded = (value / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step
    return None if rounded == value else rounded


def int_text(value: Decimal) -> str:
    """An integral Decimal without exponent or trailing zeros: 3.5E+2 → 350, 35.0 → 35."""
    return f"{to_decimal(value).normalize():f}"
