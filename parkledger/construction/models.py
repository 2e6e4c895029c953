"""(三) 基础配套: government projects, land, sea use, stock release and wetlands."""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from parkledger.construction.choices import GovProjectCategory, MilestoneSubject, SeaUseKind
from parkledger.core import fields as f
from parkledger.core.models import LedgerModel

__all__ = [
    "GovProject", "GovProjectMonth", "SubProject", "Milestone",
    "LandTransfer", "SeaUse", "StockRelease", "Wetland",
]


class GovProject(LedgerModel):
    """A government-invested project (roads, factories, amenities, utilities, green space)."""

    kind_key = "gov_project"
    date_order = (("started_on", "completed_on"),)

    code = f.code(_("项目编号"))
    name = models.CharField(_("项目名称"), max_length=200)
    park = f.park_ref()
    category = f.choice(_("类别"), GovProjectCategory)
    plan_year = models.PositiveSmallIntegerField(_("计划年度"), db_index=True)
    total_investment = f.amount(_("总投资"))
    land_area_mu = f.quantity(_("占地面积（亩）"), "亩")
    floor_area_m2 = f.quantity(_("总建筑面积（平方米）"), "平方米")
    annual_plan = f.amount(_("年度计划投资"))
    started_on = f.day(_("开工日期"))
    completed_on = f.day(_("完工日期"))
    fai_registered_on = f.day(_("固投入库"))

    class Meta:
        verbose_name = _("政府投资项目")
        verbose_name_plural = _("政府投资项目")
        ordering = ["code"]
        indexes = [models.Index(fields=["fai_registered_on"], name="con_gov_fai"),
                   models.Index(fields=["park", "plan_year"], name="con_gov_park_year"),
                   models.Index(fields=["park", "fai_registered_on"], name="con_gov_park_fai")]

    def __str__(self) -> str:
        return self.name


class GovProjectMonth(LedgerModel):
    """The investment a government project completed in a month."""

    kind_key = "gov_project_month"
    natural_key_fields = ("project", "month")
    park_path = "project__park"

    project = f.ref("construction.GovProject", _("项目编号"))
    month = f.month()
    invested = f.amount(_("当月完成投资"))

    class Meta:
        verbose_name = _("政府项目月度投资")
        verbose_name_plural = _("政府项目月度投资")
        ordering = ["project_id", "month"]
        constraints = [
            models.UniqueConstraint(fields=["project", "month"], name="construction_govprojectmonth_unique")
        ]

    def __str__(self) -> str:
        return f"{self.project_id} {self.month}"


class SubProject(LedgerModel):
    """A sub-project (标段/子项) of a government project."""

    kind_key = "sub_project"
    natural_key_fields = ("project", "name")
    park_path = "project__park"

    project = f.ref("construction.GovProject", _("项目编号"))
    name = models.CharField(_("子项目名称"), max_length=200)
    tendered_on = f.day(_("完成施工招标"))
    completed_on = f.day(_("完工日期"))

    class Meta:
        verbose_name = _("子项目")
        verbose_name_plural = _("子项目")
        ordering = ["project_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["project", "name"], name="construction_subproject_unique_project_name")
        ]

    def __str__(self) -> str:
        return self.name


class Milestone(LedgerModel):
    """A progress milestone of a project, platform or wetland (done, or `expected`)."""

    kind_key = "milestone"
    park_path = ""

    code = f.code(generated=True)
    subject_kind = f.choice(_("对象类型"), MilestoneSubject)
    subject = models.CharField(_("对象编号"), max_length=64, db_index=True)
    happened_on = f.day(_("日期"))
    text = models.CharField(_("进展"), max_length=200, help_text=_("如：完成路基建设"))
    expected = models.BooleanField(_("预计"), default=False, help_text=_("是：计划节点；否：已完成"))

    class Meta:
        verbose_name = _("进展节点")
        verbose_name_plural = _("进展节点")
        ordering = ["subject_kind", "subject", "happened_on", "code"]

    def __str__(self) -> str:
        return f"{self.subject} {self.text}"

    def subject_model(self) -> type[LedgerModel]:
        from django.apps import apps

        return {
            "gov_project": apps.get_model("construction", "GovProject"),
            "investment_project": apps.get_model("investment", "InvestmentProject"),
            "platform": apps.get_model("investment", "Platform"),
            "wetland": apps.get_model("construction", "Wetland"),
        }[self.subject_kind]

    def clean(self) -> None:
        super().clean()
        if self.subject_kind and self.subject and not self.subject_model().objects.filter(code=self.subject).exists():
            raise ValidationError({"subject": _("对象编号“%(code)s”不存在") % {"code": self.subject}})


class LandTransfer(LedgerModel):
    """A parcel of land transferred (土地出让)."""

    kind_key = "land_transfer"
    natural_key_fields = ("parcel_code",)

    park = f.park_ref()
    parcel_code = models.CharField(_("地块编号"), max_length=64, unique=True)
    area_mu = f.quantity(_("出让面积（亩）"), "亩")
    transferred_on = f.day(_("出让日期"))
    use = models.CharField(_("用途"), max_length=50, blank=True)
    uscc = f.enterprise_ref(optional=True, label=_("受让企业信用代码"))

    class Meta:
        verbose_name = _("土地出让")
        verbose_name_plural = _("土地出让")
        ordering = ["parcel_code"]
        indexes = [models.Index(fields=["transferred_on"], name="con_land_transferred"),
                   models.Index(fields=["park", "transferred_on"], name="con_land_park_transferred")]

    def __str__(self) -> str:
        return self.parcel_code


class SeaUse(LedgerModel):
    """A sea-use application (用海报批)."""

    kind_key = "sea_use"
    date_order = (("submitted_on", "approved_on"),)

    code = f.code(generated=True)
    park = f.park_ref()
    name = models.CharField(_("名称"), max_length=200)
    kind = f.choice(_("类型"), SeaUseKind)
    area_mu = f.quantity(_("面积（亩）"), "亩")
    submitted_on = f.day(_("报批日期"))
    approved_on = f.day(_("批准日期"))

    class Meta:
        verbose_name = _("用海报批")
        verbose_name_plural = _("用海报批")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class StockRelease(LedgerModel):
    """A stock-release operation (增殖放流)."""

    kind_key = "stock_release"

    code = f.code(generated=True)
    park = f.park_ref()
    released_on = f.day(_("放流日期"))
    benthic_10k = f.quantity(_("潮间底栖生物（万粒）"), "万粒")
    fish_10k = f.quantity(_("鱼类等（万尾）"), "万尾")
    contract_amount = f.amount(_("合同金额"))

    class Meta:
        verbose_name = _("增殖放流")
        verbose_name_plural = _("增殖放流")
        ordering = ["released_on", "code"]

    def __str__(self) -> str:
        return f"{self.park_id} {self.released_on}"


class Wetland(LedgerModel):
    """A wetland restoration (湿地修复)."""

    kind_key = "wetland"

    code = f.code(_("湿地编号"))
    park = f.park_ref()
    name = models.CharField(_("名称"), max_length=200)
    planned_area_ha = f.quantity(_("计划修复面积（公顷）"), "公顷")
    restored_area_ha = f.quantity(_("已修复面积（公顷）"), "公顷")

    class Meta:
        verbose_name = _("湿地修复")
        verbose_name_plural = _("湿地修复")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name
