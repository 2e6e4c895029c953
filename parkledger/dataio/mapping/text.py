"""Text as compared: full-width folded to half-width, spaces dropped, company-name variants unified."""
from __future__ import annotations

__all__ = ["fold", "display", "company_key", "is_text"]

import re
import unicodedata
from typing import Any

_SPACES = re.compile(r"\s+")
_DASHES = str.maketrans({"—": "-", "–": "-", "－": "-", "~": "-", "～": "-", "至": "-", "到": "-"})


def fold(value: Any) -> str:
    """A cell's text for comparing: NFKC (full-width letters, digits, brackets → half-width), no spaces.

    `（千元）` and `(千元)`, `１２３` and `123`, `工业 总产值` and `工业总产值` fold alike.
    """
    if value is None:
        return ""
    text = str(value)
    if text.isascii():  # nothing to fold: only drop the spaces
        return "".join(text.split())
    return "".join(unicodedata.normalize("NFKC", text).split())


def fold_dashes(text: str) -> str:
    """`1—10月`, `1~10月`, `1至10月` → `1-10月` (on folded text)."""
    return text.translate(_DASHES)


def display(value: Any) -> str:
    """A header cell as shown to the user: trimmed, inner runs of spaces and line breaks made one space."""
    if value is None:
        return ""
    return _SPACES.sub(" ", str(value)).strip()


_COMPANY_SUFFIXES = (("有限责任公司", "有限公司"), ("股份有限公司", "股份公司"))


def company_key(name: Any) -> str:
    """An enterprise name as matched: folded, ASCII lower-cased, 有限责任公司 read as 有限公司.

    Only these variants are unified (the brief's "exact normalised name"): 宁波某某有限责任公司
    matches 宁波某某有限公司 and 宁波 某某（有限公司）with full-width brackets, but not 宁波某某.
    """
    text = fold(name).lower()
    for long, short in _COMPANY_SUFFIXES:
        text = text.replace(long, short)
    return text


def is_text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())
