"""An indicator's 口径 in the statistician's language.

The registry writes definitions for template authors: field keys in backticks, `W` for the
window, `D` for the as-of date (`` `investment_project` 的 `signed_on` 在W内 ``). `plain_definition`
rewrites one for a park's staff: field labels, the real period (`2022年1-9月`), the real date.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cache

from django.db import models

from parkledger.core.kinds import data_fields, kind_models

__all__ = ["PeriodWords", "period_words", "plain_definition", "figure_name"]

_TICKED = re.compile(r"`([^`]+)`")
_RAW_KEY = re.compile(r"(?<![A-Za-z_.])([a-z][a-z0-9]*(?:_[a-z0-9]+)+)(?![A-Za-z_])")
_PAREN_KEY = re.compile(r"（[a-z][a-z0-9_]*）")
_CJK = "\u4e00-\u9fff“”‘’（），、；：。"
# spaces the keys' backticks left between Chinese words (`“招商项目” 的 签约日期` → `“招商项目”的签约日期`)
_CJK_SPACE = re.compile(rf"(?<=[{_CJK}])[ \t]+(?=[{_CJK}0-9])|(?<=[{_CJK}0-9])[ \t]+(?=[{_CJK}])")
_SUM = re.compile(r"Σ\s*([^，,；（(]+)")
_SYMBOL = re.compile(r"(?<![A-Za-z_])(W′|W'|W|Y\+1|Y|D|P|M)(?![A-Za-z_])")


@dataclass(frozen=True)
class PeriodWords:
    window: str  # 2022年1-9月
    last_window: str  # 2021年1-9月
    year: int
    as_of: str  # 2022年9月30日
    month: str  # 2022年9月
    months: int


def period_words(year: int, last_month: int, as_of: date, first_month: int = 1) -> PeriodWords:
    span = f"{first_month}-{last_month}月" if first_month != last_month else f"{last_month}月"
    return PeriodWords(
        window=f"{year}年{span}", last_window=f"{year - 1}年{span}", year=year,
        as_of=f"{as_of.year}年{as_of.month}月{as_of.day}日", month=f"{year}年{last_month}月",
        months=last_month - first_month + 1,
    )


@cache
def _labels() -> tuple[dict[str, str], dict[str, dict[str, str]], dict[str, str]]:
    """(kind key → name, kind key → {field → label}, field → label of its first kind)."""
    kinds, fields, any_field = {}, {}, {}
    for key, model in kind_models().items():
        kinds[key] = str(model._meta.verbose_name)
        labels = {}
        for fld in data_fields(model):
            label = str(fld.verbose_name)
            labels[fld.name] = label
            any_field.setdefault(fld.name, label)
        fields[key] = labels
    return kinds, fields, any_field


def _indicator_name(key: str) -> str | None:
    from parkledger.indicators.registry import registry

    ind = registry["indicators"].get(key)
    return ind.name if ind is not None else None


def _term(term: str, sources: tuple[str, ...]) -> str:
    kinds, fields, any_field = _labels()
    if term in kinds:
        return f"“{kinds[term]}”"
    if "." in term:
        kind, _dot, name = term.partition(".")
        if kind in fields and name in fields[kind]:
            return f"{kinds[kind]}的{fields[kind][name]}"
        indicator = _indicator_name(term)
        if indicator:
            return f"“{indicator}”"
    for kind in sources:
        if term in fields.get(kind, {}):
            return fields[kind][term]
    if term in any_field:
        return any_field[term]
    return term


@cache
def _choice_labels() -> dict[str, str]:
    labels: dict[str, str] = {}
    for model in kind_models().values():
        for fld in data_fields(model):
            if isinstance(fld, models.CharField) and fld.choices:
                for value, label in fld.flatchoices:
                    labels.setdefault(str(value), str(label))
    return labels


def plain_definition(definition: str, words: PeriodWords | None, sources: tuple[str, ...] = ()) -> str:
    """The definition with labels for keys and the period's own words for W, W′, Y, D, P and M."""
    if not definition:
        return ""
    text = _PAREN_KEY.sub("", definition)
    text = _TICKED.sub(lambda m: _term(m.group(1).strip(), sources), text)
    choices = _choice_labels()
    kinds, _fields, any_field = _labels()

    def raw(match: re.Match) -> str:
        word = match.group(1)
        if word in kinds:
            return f"“{kinds[word]}”"
        if word in any_field:
            return any_field[word]
        return choices.get(word, word)

    text = _RAW_KEY.sub(raw, text)
    if words is not None:
        symbols = {
            "W′": words.window.replace(str(words.year), str(words.year - 1), 1), "W'": words.last_window,
            "W": words.window, "Y+1": str(words.year + 1), "Y": str(words.year), "D": words.as_of,
            "P": words.month, "M": f"{words.months}个月",
        }
        text = _SYMBOL.sub(lambda m: symbols[m.group(1)], text)
    text = _SUM.sub(lambda m: f"{m.group(1).strip()}合计", text)
    return _CJK_SPACE.sub("", text)


def figure_name(key: str) -> str:
    """An indicator's name for a person: a parameterised one's with its parameter in words
    (`平台数（国际创新中心）`), a growth rate's as `…同比`."""
    from parkledger.indicators.registry import registry

    store = registry["indicators"]
    if key in store:
        return store[key].name
    if key.endswith(".yoy") and "[" not in key:
        return f"{figure_name(key[: -len('.yoy')])}同比"
    prefix, bracket, param = key.partition("[")
    ind = next((i for i in store.values() if i.prefix == prefix), None)
    if ind is None:
        return key if not _RAW_KEY.search(key) else "—"
    if not bracket:
        return ind.name
    param = param.rstrip("]")
    if "." in param:
        words = figure_name(param)
    else:
        words = _choice_labels().get(param, param)
    return f"{ind.name}（{words}）"
