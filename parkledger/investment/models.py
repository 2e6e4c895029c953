"""(一) 招商引资: investment projects through 洽谈→签约→开工→投产, talents and innovation platforms."""
from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from parkledger.core import fields as f
from parkledger.core.models import LedgerModel
from parkledger.investment.choices import (
    ApplicantKind,
    ApplicationResult,
    CapitalSource,
    PlatformKind,
    TalentTier,
)

__all__ = [
    "InvestmentProject", "Talent", "TalentApplication", "TalentHonour",
    "Platform", "PlatformProject", "PlatformTenant",
]


class InvestmentProject(LedgerModel):
    """A project the park is attracting, from first contact to production (or termination)."""

    kind_key = "investment_project"
    date_order = (
        ("contacted_on", "submitted_on"),
        ("submitted_on", "reviewed_on"),
        ("signed_on", "started_on"),
        ("started_on", "production_on"),
    )

    code = f.code(_("项目编号"))
    name = models.CharField(_("项目名称"), max_length=200)
    park = f.park_ref()
    industry_code = models.CharField(_("行业代码"), max_length=8, blank=True)
    total_investment = f.amount(_("总投资"))
    capital_source = f.choice(_("资金来源"), CapitalSource, default=CapitalSource.LOCAL)
    country = models.CharField(_("国别"), max_length=2, default="CN")
    platform = f.ref("investment.Platform", _("推荐平台"), optional=True)
    contacted_on = f.day(_("开始洽谈"))
    submitted_on = f.day(_("提交评审"))
    reviewed_on = f.day(_("审核完成"))
    signed_on = f.day(_("签约日期"))
    planned_start_on = f.day(_("计划开工"))
    started_on = f.day(_("开工日期"))
    production_on = f.day(_("投产日期"))
    registered_on = f.day(_("注册落地"))
    terminated_on = f.day(_("终止日期"))
    fai_registered_on = f.day(_("固投入库"))

    class Meta:
        verbose_name = _("招商项目")
        verbose_name_plural = _("招商项目")
        ordering = ["code"]
        indexes = [
            models.Index(fields=["signed_on"], name="inv_proj_signed"),
            models.Index(fields=["started_on"], name="inv_proj_started"),
            models.Index(fields=["production_on"], name="inv_proj_production"),
            models.Index(fields=["reviewed_on"], name="inv_proj_reviewed"),
            models.Index(fields=["fai_registered_on"], name="inv_proj_fai"),
            models.Index(fields=["park", "contacted_on"], name="inv_proj_park_contacted"),
            models.Index(fields=["park", "submitted_on"], name="inv_proj_park_submitted"),
            models.Index(fields=["park", "reviewed_on"], name="inv_proj_park_reviewed"),
            models.Index(fields=["park", "signed_on"], name="inv_proj_park_signed"),
            models.Index(fields=["park", "started_on"], name="inv_proj_park_started"),
            models.Index(fields=["park", "production_on"], name="inv_proj_park_production"),
            models.Index(fields=["park", "fai_registered_on"], name="inv_proj_park_fai"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def stage(self) -> str:
        """The furthest stage reached: 终止, 投产, 开工, 签约, 审核, 评审 or 洽谈."""
        for field, label in (
            ("terminated_on", "终止"), ("production_on", "投产"), ("started_on", "开工"),
            ("signed_on", "签约"), ("reviewed_on", "审核"), ("submitted_on", "评审"),
            ("contacted_on", "洽谈"),
        ):
            if getattr(self, field):
                return label
        return "洽谈"


class Talent(LedgerModel):
    """A talent introduced to the park, by tier."""

    kind_key = "talent"
    date_order = (("introduced_on", "left_on"),)

    code = f.code(_("人才编号"))
    name = models.CharField(_("姓名"), max_length=100)
    park = f.park_ref()
    tier = f.choice(_("层次"), TalentTier)
    employer_uscc = f.enterprise_ref(optional=True, label=_("用人单位信用代码"))
    introduced_on = f.day(_("引进日期"))
    left_on = f.day(_("离开日期"))

    class Meta:
        verbose_name = _("人才")
        verbose_name_plural = _("人才")
        ordering = ["code"]
        indexes = [models.Index(fields=["introduced_on"], name="inv_talent_introduced"),
                   models.Index(fields=["park", "introduced_on"], name="inv_talent_park_introduced")]

    def __str__(self) -> str:
        return self.name


class TalentApplication(LedgerModel):
    """An application to a talent programme (e.g. 甬江引才工程)."""

    kind_key = "talent_application"

    code = f.code(generated=True)
    park = f.park_ref()
    program = models.CharField(_("人才工程"), max_length=100)
    applicant_kind = f.choice(_("申报类型"), ApplicantKind)
    applicant_name = models.CharField(_("申报对象"), max_length=200)
    applied_on = f.day(_("申报日期"))
    result = f.choice(_("结果"), ApplicationResult, default=ApplicationResult.PENDING)

    class Meta:
        verbose_name = _("人才工程申报")
        verbose_name_plural = _("人才工程申报")
        ordering = ["applied_on", "code"]
        indexes = [models.Index(fields=["applied_on"], name="inv_talapp_applied"),
                   models.Index(fields=["park", "applied_on"], name="inv_talapp_park_applied")]

    def __str__(self) -> str:
        return f"{self.program} {self.applicant_name}"


class TalentHonour(LedgerModel):
    """An honour awarded to a talent (e.g. 市杰出人才)."""

    kind_key = "talent_honour"
    natural_key_fields = ("talent", "title")
    park_path = "talent__park"

    talent = f.ref("investment.Talent", _("人才编号"))
    title = models.CharField(_("荣誉称号"), max_length=100)
    awarded_on = f.day(_("获评日期"))

    class Meta:
        verbose_name = _("人才荣誉")
        verbose_name_plural = _("人才荣誉")
        ordering = ["talent_id", "title"]
        constraints = [
            models.UniqueConstraint(fields=["talent", "title"], name="investment_talenthonour_unique_talent_title")
        ]

    def __str__(self) -> str:
        return f"{self.talent_id} {self.title}"


class Platform(LedgerModel):
    """An innovation platform: 科创飞地, incubator, 国际创新中心, 中东欧创新基地, …"""

    kind_key = "platform"

    code = f.code(_("平台编号"))
    name = models.CharField(_("平台名称"), max_length=200)
    park = f.park_ref()
    kind = f.choice(_("平台类型"), PlatformKind)
    city = models.CharField(_("所在城市"), max_length=50, blank=True)
    country = models.CharField(_("国别"), max_length=2, default="CN")
    opened_on = f.day(_("启用日期"))

    class Meta:
        verbose_name = _("创新平台")
        verbose_name_plural = _("创新平台")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class PlatformProject(LedgerModel):
    """A project a platform incubated, recommended, signed or landed."""

    kind_key = "platform_project"
    park_path = "platform__park"
    date_order = (("recommended_on", "landed_on"),)

    code = f.code(generated=True)
    platform = f.ref("investment.Platform", _("平台编号"))
    name = models.CharField(_("项目名称"), max_length=200)
    country = models.CharField(_("国别"), max_length=2, default="CN")
    incubated_on = f.day(_("投资孵化"))
    recommended_on = f.day(_("推荐引荐"))
    signed_on = f.day(_("引进签约"))
    landed_on = f.day(_("注册落地"))

    class Meta:
        verbose_name = _("平台项目")
        verbose_name_plural = _("平台项目")
        ordering = ["platform_id", "code"]

    def __str__(self) -> str:
        return self.name


class PlatformTenant(LedgerModel):
    """An enterprise housed in a platform (e.g. 上海虹桥X楼)."""

    kind_key = "platform_tenant"
    park_path = "platform__park"
    date_order = (("moved_in_on", "moved_out_on"),)

    code = f.code(generated=True)
    platform = f.ref("investment.Platform", _("平台编号"))
    enterprise_name = models.CharField(_("入驻企业"), max_length=200)
    moved_in_on = f.day(_("入驻日期"))
    moved_out_on = f.day(_("迁出日期"))

    class Meta:
        verbose_name = _("平台入驻企业")
        verbose_name_plural = _("平台入驻企业")
        ordering = ["platform_id", "code"]

    def __str__(self) -> str:
        return self.enterprise_name
