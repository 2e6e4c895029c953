"""The Chinese name of an asked indicator key, for headers people read (keys stay in JSON)."""
from __future__ import annotations

from parkledger.indicators.registry import resolve

__all__ = ["indicator_name", "indicator_header"]


def indicator_name(key: str) -> str:
    """`econ.output` → 工业总产值; `plan.progress[econ.output]` → 工业总产值完成全年目标;
    `build.project.land_area[XM-1]` → 项目占地面积（XM-1）; an unknown key stays as asked."""
    try:
        ind, param = resolve(key)
    except KeyError:
        return key
    if param is None:
        return str(ind.name)
    try:
        of, _none = resolve(param)
    except KeyError:
        return f"{ind.name}（{param}）"
    return f"{of.name}{ind.name}"


def indicator_header(key: str, unit: str) -> str:
    """The name with its unit: 工业总产值（亿元）."""
    name = indicator_name(key)
    return f"{name}（{unit}）" if unit else name
