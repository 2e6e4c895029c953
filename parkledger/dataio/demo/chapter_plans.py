"""Targets (this year's and the work plan's next year), users' estimates and manually entered figures."""
from __future__ import annotations

from decimal import Decimal

from parkledger.dataio.demo.context import BuildContext
from parkledger.dataio.demo.scales import REFERENCE_ENTERPRISES
from parkledger.plans.models import Estimate, ManualFigure, Target

__all__ = ["build_plans", "TARGETS"]

# indicator → (target of the report year, target of the next year, scales with the park's size?).
# Values are in the indicator's display unit (亿元, 个, 万美元, %).
TARGETS: dict[str, tuple[str, str, bool]] = {
    "econ.output": ("125", "135", True),
    "econ.above_scale_output": ("100", "110", True),
    "econ.above_scale_value_added.yoy": ("6", "8", False),
    "econ.fai": ("60", "65", True),
    "econ.industrial_investment": ("36", "40", True),
    "econ.fiscal_revenue_total": ("6.5", "7", True),
    "econ.general_budget_revenue": ("3.6", "3.9", True),
    "invest.signed": ("20", "22", True),
    "invest.fdi_actual": ("8000", "9000", True),
}


def build_plans(ctx: BuildContext) -> dict[str, list]:
    park = ctx.spec.code
    year = ctx.last_year
    factor = Decimal(ctx.size) / REFERENCE_ENTERPRISES
    targets = []
    for key, (current, following, scaled) in TARGETS.items():
        for y, text in ((year, current), (year + 1, following)):
            value = Decimal(text) * factor if scaled else Decimal(text)
            targets.append(Target(park_id=park, year=y, indicator=key, value=value.quantize(Decimal("0.01"))))
    estimates = [
        Estimate(park_id=park, month=f"{year}-06", indicator="econ.fai_projects",
                 value=(Decimal(27) * factor).to_integral_value(), note="预计全年入库项目"),
        Estimate(park_id=park, month=f"{year}-09", indicator="econ.fai_projects",
                 value=(Decimal(29) * factor).to_integral_value(), note="预计全年入库项目累计"),
    ]
    manual = [
        ManualFigure(park_id=park, month=f"{year}-03", indicator="build.basic_farmland_area",
                     value=Decimal("1312.6"), note="国土空间规划调整涉及基本农田（初稿）"),
        ManualFigure(park_id=park, month=f"{year}-08", indicator="build.basic_farmland_area",
                     value=Decimal("1286.4"), note="国土空间规划调整涉及基本农田"),
        ManualFigure(park_id=park, month=f"{year}-09", indicator="econ.above_scale_value_added.yoy",
                     value=Decimal("3.6"), note="统计局反馈规上工业增加值增速（可比价）"),
    ]
    return {"target": targets, "estimate": estimates, "manual_figure": manual}
