"""Chinese names of countries (ISO 3166 alpha-2) and the 中东欧 (CEE) countries."""
from __future__ import annotations

__all__ = ["COUNTRY_NAMES", "CEE_COUNTRIES", "country_name", "is_cee", "country_prefixed"]

# The countries of the China–CEE cooperation mechanism.
CEE_NAMES: dict[str, str] = {
    "AL": "阿尔巴尼亚", "BA": "波黑", "BG": "保加利亚", "HR": "克罗地亚", "CZ": "捷克",
    "EE": "爱沙尼亚", "GR": "希腊", "HU": "匈牙利", "LV": "拉脱维亚", "LT": "立陶宛",
    "ME": "黑山", "MK": "北马其顿", "PL": "波兰", "RO": "罗马尼亚", "RS": "塞尔维亚",
    "SK": "斯洛伐克", "SI": "斯洛文尼亚",
}
CEE_COUNTRIES = frozenset(CEE_NAMES)

COUNTRY_NAMES: dict[str, str] = {
    **CEE_NAMES,
    "CN": "中国", "DE": "德国", "IL": "以色列", "FI": "芬兰", "US": "美国", "JP": "日本", "KR": "韩国",
    "GB": "英国", "FR": "法国", "IT": "意大利", "NL": "荷兰", "AT": "奥地利", "CH": "瑞士", "SE": "瑞典",
    "DK": "丹麦", "NO": "挪威", "BE": "比利时", "ES": "西班牙", "SG": "新加坡", "AU": "澳大利亚",
    "CA": "加拿大", "RU": "俄罗斯",
}


def country_name(code: str) -> str:
    """The Chinese name of a country code, or the code itself when unknown."""
    code = (code or "").strip().upper()
    return COUNTRY_NAMES.get(code, code)


def is_cee(code: str) -> bool:
    return (code or "").strip().upper() in CEE_COUNTRIES


def country_prefixed(name: str, code: str) -> str:
    """A CEE project's name prefixed by its country's Chinese name unless the name contains it
    (`塔林智慧物流` of EE → `爱沙尼亚塔林智慧物流`); other names unchanged."""
    if not is_cee(code):
        return name
    country = CEE_NAMES[code.strip().upper()]
    return name if country in name else country + name
