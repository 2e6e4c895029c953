"""The labels committees write for each field, per kind: kept as data, extended by saved mappings.

Every field also matches its key and its Chinese label (the template's headers); these lists add
the words of the statistics office's and departments' own sheets. `enterprise_name` is not a
ledger field: it names the column an enterprise is matched by when a row has no 统一社会信用代码.
"""
from __future__ import annotations

__all__ = ["SYNONYMS", "ENTERPRISE_NAME", "SERIAL_LABELS", "TOTAL_LABELS", "FOOTNOTE_PREFIXES", "IGNORED_LABELS"]

ENTERPRISE_NAME = "enterprise_name"

_USCC = ["统一社会信用代码", "信用代码", "社会信用代码", "统一代码", "社会统一信用代码", "统一社会信用代码(纳税人识别号)"]
_NAME = ["企业名称", "单位名称", "企业(单位)名称", "单位(企业)名称", "企业全称", "单位详细名称", "纳税人名称", "企业"]

SYNONYMS: dict[str, dict[str, list[str]]] = {
    "enterprise_month": {
        "uscc": _USCC,
        ENTERPRISE_NAME: _NAME,
        "month": ["月份", "统计月份", "报告期", "所属月份", "期别"],
        "above_scale": ["规上", "是否规上", "规模以上", "是否规模以上", "规上企业", "是否规上企业"],
        "output_value": ["工业总产值", "总产值", "工业总产值(当年价格)"],
        "value_added": ["工业增加值", "增加值"],
        "revenue": ["营业收入", "主营业务收入", "营业总收入", "销售收入"],
        "tax": ["实缴税金", "应交税金", "税收", "实缴税收", "税金", "应交税金总额", "税收收入"],
        "energy_tce": ["综合能耗", "综合能源消费量", "能源消费量", "能耗"],
        "employees": ["从业人员", "从业人员期末人数", "用工人数", "从业人员平均人数", "职工人数", "年末从业人员"],
        "rd_expense": ["研发费用", "研发经费", "研发经费支出", "R&D经费支出", "R&D经费"],
    },
    "enterprise": {
        "uscc": _USCC,
        "name": _NAME,
        "park": ["园区", "所属园区", "园区代码"],
        "industry_code": ["行业代码", "国民经济行业代码", "行业代码(GB/T4754)"],
        "registered_on": ["注册日期", "成立日期", "注册时间", "成立时间"],
        "land_area_mu": ["用地面积", "占地面积", "土地面积"],
        "country": ["国别", "国家"],
        "closed_on": ["注销日期", "注销时间"],
    },
    "park_month": {
        "park": ["园区", "园区代码"],
        "month": ["月份", "统计月份", "报告期"],
        "fdi_actual": ["实际利用外资", "实到外资"],
    },
}

# Columns that are never imported.
SERIAL_LABELS = frozenset({"序号", "编号", "序", "no", "no.", "行次"})
IGNORED_LABELS = frozenset({"备注", "说明", "联系人", "联系电话", "填报人"})

# Rows skipped: totals (the first text cell) and footnotes (the first cell's beginning).
TOTAL_LABELS = frozenset({"合计", "总计", "小计", "全区合计", "园区合计", "总合计", "合计数", "全部合计"})
FOOTNOTE_PREFIXES = ("注:", "注1", "注2", "注一", "说明:", "备注:", "填报人", "填表人", "审核人", "负责人", "制表",
                     "单位负责人", "统计负责人", "填报日期", "报出日期", "数据来源", "资料来源")
