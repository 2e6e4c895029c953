"""统一社会信用代码 (GB 32100-2015): structure and check character.

The 18th character is the check character over the first 17, modulus 31, weights
3^(i-1) mod 31, over the 31-character set without I, O, S, V, Z.
"""
from __future__ import annotations

import re

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
STRUCTURE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")


def check_char(first17: str) -> str:
    """The check character for the first 17 characters of a code."""
    total = sum(CHARSET.index(c) * w for c, w in zip(first17, WEIGHTS, strict=True))
    return CHARSET[(31 - total % 31) % 31]


def uscc_error(code: str) -> str | None:
    """None when `code` is a valid 统一社会信用代码, else a reason a user understands (Chinese)."""
    if len(code) != 18:
        return f"统一社会信用代码应为18位，实为{len(code)}位"
    if not STRUCTURE.match(code):
        bad = [c for c in code if c not in CHARSET]
        if bad:
            return f"统一社会信用代码含非法字符“{bad[0]}”（不使用I、O、S、V、Z及小写字母）"
        return "统一社会信用代码第3-8位应为行政区划数字代码"
    expected = check_char(code[:17])
    if code[17] != expected:
        return f"统一社会信用代码校验位错误：应为{expected}，实为{code[17]}"
    return None


def make_uscc(body17: str) -> str:
    """Complete a 17-character body with its check character (used by the demo data)."""
    return body17 + check_char(body17)
