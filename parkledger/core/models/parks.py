"""Parks (many per deployment; sub-parks roll up into their parent) and their enterprises."""
from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.db import models
from django.utils.translation import gettext_lazy as _

from parkledger.core import fields as f
from parkledger.core.models.base import LedgerModel
from parkledger.core.validators import validate_uscc

__all__ = ["Park", "Enterprise", "EnterpriseMonth", "ParkMonth", "descendants", "park_children"]


def park_children(pairs: Iterable[tuple[str, str | None]]) -> dict[str | None, list[str]]:
    """Each park's children (under None: the top-level parks), from (code, parent) pairs."""
    children: dict[str | None, list[str]] = {}
    for code, parent in pairs:
        children.setdefault(parent, []).append(code)
    return children


def descendants(children: Mapping[str | None, list[str]], code: str) -> list[str]:
    """`code` and every park below it, given each park's children (a cycle is walked once)."""
    result: list[str] = []
    stack = [code]
    while stack:
        current = stack.pop()
        if current in result:
            continue
        result.append(current)
        stack.extend(children.get(current, []))
    return result


class ParkQuerySet(models.QuerySet):
    def descendant_codes(self, code: str) -> list[str]:
        """`code` and every park below it (transitively), in one query."""
        return descendants(park_children(self.values_list("code", "parent_id")), code)


class Park(LedgerModel):
    """An industrial park (园区); `parent` makes it a sub-park whose figures roll up."""

    kind_key = "park"
    natural_key_fields = ("code",)
    park_path = "code"

    code = f.code(_("园区代码"))
    name = models.CharField(_("名称"), max_length=100)
    short_name = models.CharField(_("简称"), max_length=50, blank=True, help_text=_("如：生态园"))
    city = models.CharField(_("地级市"), max_length=50, blank=True, help_text=_("如：宁波"))
    county = models.CharField(_("县级市/区"), max_length=50, blank=True, help_text=_("如：余姚"))
    parent = models.ForeignKey(
        "self", to_field="code", on_delete=models.PROTECT, null=True, blank=True,
        related_name="children", verbose_name=_("上级园区"),
    )

    objects = ParkQuerySet.as_manager()

    class Meta:
        verbose_name = _("园区")
        verbose_name_plural = _("园区")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Enterprise(LedgerModel):
    """An enterprise of the park, identified by its 统一社会信用代码."""

    kind_key = "enterprise"
    natural_key_fields = ("uscc",)
    date_order = (("registered_on", "closed_on"),)

    uscc = models.CharField(_("统一社会信用代码"), max_length=18, unique=True, validators=[validate_uscc])
    name = models.CharField(_("企业名称"), max_length=200)
    park = f.park_ref()
    industry_code = models.CharField(_("行业代码"), max_length=8, blank=True, help_text="GB/T 4754")
    registered_on = f.day(_("注册日期"), required=True)
    land_area_mu = f.quantity(_("用地面积（亩）"), "亩")
    country = models.CharField(_("国别"), max_length=2, default="CN", help_text="ISO 3166 alpha-2")
    closed_on = f.day(_("注销日期"))

    class Meta:
        verbose_name = _("企业")
        verbose_name_plural = _("企业")
        ordering = ["uscc"]
        indexes = [models.Index(fields=["park", "registered_on"], name="core_ent_park_reg")]

    def __str__(self) -> str:
        return self.name


class EnterpriseMonth(LedgerModel):
    """An enterprise's monthly statistical return (当月 values)."""

    kind_key = "enterprise_month"
    natural_key_fields = ("uscc", "month")
    park_path = "uscc__park"

    # no index of their own: (uscc, month) unique and (month, uscc) serve every lookup by either,
    # and each index less is one write less per imported return
    uscc = f.enterprise_ref(db_index=False)
    month = f.month(db_index=False)
    above_scale = models.BooleanField(_("规上"), default=False, help_text=_("当年规模以上工业企业名录内"))
    output_value = f.amount(_("工业总产值"))
    value_added = f.amount(_("工业增加值"))
    revenue = f.amount(_("营业收入"))
    tax = f.amount(_("实缴税金"))
    energy_tce = f.quantity(_("综合能耗（吨标准煤）"), "吨标准煤")
    employees = models.PositiveIntegerField(_("从业人员"), null=True, blank=True)
    rd_expense = f.amount(_("研发费用"))

    class Meta:
        verbose_name = _("企业月报")
        verbose_name_plural = _("企业月报")
        ordering = ["uscc_id", "month"]
        constraints = [models.UniqueConstraint(fields=["uscc", "month"], name="core_enterprisemonth_unique_uscc_month")]
        indexes = [models.Index(fields=["month", "uscc"], name="core_em_month_uscc"),
                   models.Index(fields=["uscc", "month", "above_scale", "output_value", "value_added"], name="core_em_indicators")]

    def __str__(self) -> str:
        return f"{self.uscc_id} {self.month}"


class ParkMonth(LedgerModel):
    """A park's own monthly statistics (当月 amounts, 万元 unless noted)."""

    kind_key = "park_month"
    natural_key_fields = ("park", "month")

    park = f.park_ref()
    month = f.month()
    fiscal_revenue_total = f.amount(_("财政总收入"))
    general_budget_revenue = f.amount(_("一般公共预算收入"))
    fiscal_expenditure_total = f.amount(_("财政总支出"))
    general_budget_expenditure = f.amount(_("一般公共预算支出"))
    fixed_asset_investment = f.amount(_("固定资产投资"))
    industrial_investment = f.amount(_("工业投资"))
    fdi_actual = f.amount(_("实际利用外资"), "万美元")
    domestic_capital_outside_prefecture = f.amount(_("地级市外实到内资"))
    domestic_capital_outside_county = f.amount(_("县级市外实到内资"))
    zhejiang_merchant_capital = f.amount(_("浙商创新创业资金"))

    class Meta:
        verbose_name = _("园区月度统计")
        verbose_name_plural = _("园区月度统计")
        ordering = ["park_id", "month"]
        constraints = [models.UniqueConstraint(fields=["park", "month"], name="core_parkmonth_unique_park_month")]

    def __str__(self) -> str:
        return f"{self.park_id} {self.month}"
