"""What the learner asks of the indicator registry: does a key exist, what is its display unit, and
which units a figure written in the text may be quoted with."""
from __future__ import annotations

import re
from functools import lru_cache

from parkledger.reports.learning.detection import COUNT_UNITS

__all__ = ["known", "unit_of", "family", "compatible", "kind_of", "indicator_choices", "describe", "PLACEHOLDER_RE"]

PLACEHOLDER_RE = re.compile(r"\{(\w+)\}")
_TARGET_RE = re.compile(r"^plan\.(?:target|target_current|progress)\[(.+)\]$")

_FAMILIES = {
    "亿元": "money", "万元": "money", "元": "money", "千元": "money", "亿": "money",
    "亿美元": "usd", "万美元": "usd", "%": "pct", "％": "pct", "个百分点": "pp", "百分点": "pp",
    "亩": "area", "万亩": "area", "公顷": "area", "平方米": "area", "万平方米": "area", "平方公里": "area",
    "万粒": "万粒", "万尾": "万尾", "万": "万",
}


def family(unit: str) -> str:
    if unit in _FAMILIES:
        return _FAMILIES[unit]
    if unit in COUNT_UNITS or unit in ("只", "大"):
        return "count"
    return unit


@lru_cache(maxsize=4096)
def _resolved_unit(key: str) -> str | None:
    from parkledger.indicators.registry import resolve

    try:
        ind, _param = resolve(key)
    except KeyError:
        return None
    return ind.unit


def unit_of(key: str) -> str | None:
    """The display unit of a key (a placeholder stands for any parameter); None for an unknown key."""
    key = PLACEHOLDER_RE.sub("X", key)
    m = _TARGET_RE.match(key)
    if m:
        if _resolved_unit(key) is None:
            return None
        inner = unit_of(m.group(1))
        return "%" if key.startswith("plan.progress") else inner
    return _resolved_unit(key)


def known(key: str) -> bool:
    return unit_of(key) is not None


def compatible(text_unit: str, key_unit: str) -> bool:
    """May a figure written with `text_unit` be quoted from a key of `key_unit`?"""
    if not text_unit:
        return True
    if not key_unit or key_unit == "—":
        return False
    return family(text_unit) == family(key_unit)


def kind_of(key: str, unit: str) -> str:
    """level, yoy, share, rate, count or target."""
    if key.startswith("plan.target"):
        return "target"
    if key.endswith(".yoy"):
        return "yoy"
    if key.endswith(".share") or "比重" in key:
        return "share"
    if unit in ("%", "％") or key.endswith("_rate") or key.startswith("plan.progress"):
        return "rate"
    if family(unit) == "count":
        return "count"
    return "level"


def indicator_choices(catalogue=None) -> list[tuple[str, str, str]]:
    """(key, Chinese name, unit) of every indicator for the review page's searchable list: plain keys,
    parameterised keys expanded with the park's codes and names, and next year's targets."""
    from parkledger.indicators.registry import all_indicators

    params: dict[str, list[tuple[str, str]]] = {}
    if catalogue is not None:
        params = {
            "platform.count": [("intl_center", "国际创新中心"), ("cee_base", "中东欧创新基地"), ("enclave", "飞地")],
            "talent.applications": [(n, n) for n in catalogue.programmes],
            "talent.honours": [(n, n) for n in catalogue.titles],
        }
        for prefix, what in (("platform.", "platform"), ("build.project.", "project"), ("finance.package.", "package")):
            params[prefix] = catalogue.pairs(what)
    out: list[tuple[str, str, str]] = []
    plain: list[tuple[str, str, str]] = []
    for ind in all_indicators():
        if not ind.parameterised:
            out.append((ind.key, ind.name, ind.unit))
            plain.append((ind.key, ind.name, ind.unit))
            continue
        prefix = ind.prefix
        values = params.get(prefix) or next((v for p, v in params.items() if p.endswith(".") and
                                             prefix.startswith(p)), None)
        if prefix.startswith("plan."):
            continue
        if values:
            out += [(ind.key_for(code), f"{ind.name}（{name}）", ind.unit) for code, name in values]
        else:
            out.append((ind.key, ind.name, ind.unit))
    out += [(f"plan.target[{k}]", f"{name}目标（下一年）", unit) for k, name, unit in plain
            if not k.startswith("plan.") and unit and unit != "—"]
    return out


def describe(key: str, names: dict[str, str] | None = None) -> dict[str, str]:
    """A key in words for the review page: its Chinese name (with the park's name for a parameter), unit
    and definition. `plan.target_current[K]` reads as K's 本年目标, `plan.progress[K]` as 完成本年目标的进度,
    `plan.target[K]` as K's 下一年目标. An unknown key is named by itself."""
    from parkledger.indicators.registry import resolve

    m = _TARGET_RE.match(key)
    if m:
        inner = describe(m.group(1), names)
        kind = key[len("plan."):key.index("[")]
        label = {"target": "下一年目标", "target_current": "本年目标", "progress": "完成本年目标的进度"}[kind]
        definition = {"target": "工作计划中下一年的目标值", "target_current": "本年年初确定的全年目标值",
                      "progress": "本年累计值 ÷ 本年目标"}[kind]
        return {"name": f"{inner['name']}{label}", "unit": unit_of(key) or "", "definition": definition}
    try:
        ind, param = resolve(key)
    except KeyError:
        return {"name": key, "unit": "", "definition": ""}
    name = ind.name
    if param:
        name = f"{name}（{(names or {}).get(param, param)}）"
    return {"name": name, "unit": ind.unit if ind.unit != "—" else "", "definition": plain_definition(ind.definition)}


_CODE_RE = re.compile(r"`([a-z_]+)(?:\.([a-z_]+))?`")
_PERIOD_WORDS = (("W′", "上年同期"), ("W'", "上年同期"), ("在W内", "在报告期内"), ("W内", "报告期内"),
                 ("W对", "报告期对"), ("截至D", "截至报告期末"), ("Σ ", "合计："), ("Σ", "合计："))


@lru_cache(maxsize=1)
def _model_names() -> dict[str, tuple[str, dict[str, str]]]:
    """table or model name → (its Chinese name, {field name: Chinese name})."""
    from django.apps import apps

    out: dict[str, tuple[str, dict[str, str]]] = {}
    for model in apps.get_models():
        fields = {f.name: str(getattr(f, "verbose_name", f.name)) for f in model._meta.get_fields()
                  if hasattr(f, "verbose_name")}
        entry = (str(model._meta.verbose_name), fields)
        out.setdefault(model._meta.db_table.split("_", 1)[-1], entry)
        out.setdefault(re.sub(r"(?<!^)(?=[A-Z])", "_", model.__name__).lower(), entry)
    return out


def plain_definition(text: str) -> str:
    """An indicator's definition in words: the ledger's tables and fields by their Chinese names, the
    window W as 报告期, W′ as 上年同期 and D as 报告期末."""
    models = _model_names()
    last: dict[str, str] = {}

    def words(m: re.Match[str]) -> str:
        nonlocal last
        first, second = m.group(1), m.group(2)
        if second:
            table, fields = models.get(first, (first, {}))
            last = fields
            return f"{table}的{fields.get(second, second)}"
        if first in models:
            last = models[first][1]
            return models[first][0]
        if first in last:
            return last[first]
        return next((fields[first] for _name, fields in models.values() if first in fields), first)

    out = _CODE_RE.sub(words, text)
    for code, word in _PERIOD_WORDS:
        out = out.replace(code, word)
    out = re.sub(r"\b(applied_on|inspected_on|signed_on)\b",
                 lambda m: next((f[m.group(1)] for _n, f in models.values() if m.group(1) in f), m.group(1)), out)
    return re.sub(r"(?<=[\u4e00-\u9fff]) (?=[\u4e00-\u9fff])", "", out)
