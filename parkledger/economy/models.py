"""(二) 经济运行: qualifications, patents, 亩均 grades, disbursements, services, support packages."""
from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from parkledger.core import fields as f
from parkledger.core.models import CaseMixin, LedgerModel
from parkledger.economy.choices import DisbursementKind, Grade, PatentKind, QualificationKind

__all__ = [
    "Qualification", "Patent", "PermuEvaluation", "Disbursement",
    "TechUpgradeAcceptance", "ServiceRequest", "SupportPackage",
]


class Qualification(LedgerModel):
    """An enterprise's application for, and grant of, a qualification (高企, 科小, 工程中心, …)."""

    kind_key = "qualification"
    park_path = "uscc__park"
    date_order = (("applied_on", "granted_on"),)

    code = f.code(generated=True)
    uscc = f.enterprise_ref(db_index=False)  # the (uscc, kind, dates) index serves
    kind = f.choice(_("资质类型"), QualificationKind)
    applied_on = f.day(_("申报日期"))
    granted_on = f.day(_("认定日期"))

    class Meta:
        verbose_name = _("企业资质")
        verbose_name_plural = _("企业资质")
        ordering = ["uscc_id", "kind", "code"]
        indexes = [
            models.Index(fields=["kind", "granted_on"], name="eco_qual_kind_granted"),
            models.Index(fields=["kind", "applied_on"], name="eco_qual_kind_applied"),
            # one index for an enterprise's qualifications of a kind, by either date: it covers the
            # park's counts (an index-only read per enterprise)
            models.Index(fields=["uscc", "kind", "granted_on", "applied_on"], name="eco_qual_uscc_kind_dates"),
        ]

    def __str__(self) -> str:
        return f"{self.uscc_id} {self.get_kind_display()}"


class Patent(LedgerModel):
    """A patent granted to an enterprise."""

    kind_key = "patent"
    natural_key_fields = ("number",)
    park_path = "uscc__park"

    uscc = f.enterprise_ref(db_index=False)  # the (uscc, granted_on, kind) index serves
    number = models.CharField(_("专利号"), max_length=40, unique=True)
    kind = f.choice(_("专利类型"), PatentKind)
    granted_on = f.day(_("授权日期"))

    class Meta:
        verbose_name = _("专利")
        verbose_name_plural = _("专利")
        ordering = ["number"]
        indexes = [models.Index(fields=["granted_on"], name="eco_patent_granted"),
                   # covers the park's patent counts (an index-only read per enterprise)
                   models.Index(fields=["uscc", "granted_on", "kind"], name="eco_patent_uscc_granted_kind")]

    def __str__(self) -> str:
        return self.number


class PermuEvaluation(LedgerModel):
    """An enterprise's 亩均效益 score and grade for an evaluation year (computed or imported)."""

    kind_key = "permu_evaluation"
    natural_key_fields = ("uscc", "year")
    park_path = "uscc__park"

    uscc = f.enterprise_ref(db_index=False)  # the (uscc, year, computed, grade) index serves
    year = models.PositiveSmallIntegerField(_("评价年度"))
    score = models.DecimalField(_("得分"), max_digits=12, decimal_places=2, null=True, blank=True)
    grade = f.choice(_("等级"), Grade)
    computed = models.BooleanField(_("系统计算"), default=False, help_text=_("否表示按主管部门公布结果导入"))

    class Meta:
        verbose_name = _("亩均效益评价")
        verbose_name_plural = _("亩均效益评价")
        ordering = ["year", "uscc_id"]
        constraints = [
            models.UniqueConstraint(fields=["uscc", "year"], name="economy_permuevaluation_unique_uscc_year")
        ]
        # covers the round's checks and grade counts of a park (an index-only read per enterprise)
        indexes = [models.Index(fields=["uscc", "year", "computed", "grade"], name="eco_permu_uscc_year_grade")]

    def __str__(self) -> str:
        return f"{self.uscc_id} {self.year} {self.grade}"


class Disbursement(LedgerModel):
    """A payment to enterprises under a policy (贴息, 奖励, 兑现, 红包, 补助, 减免)."""

    kind_key = "disbursement"

    code = f.code(generated=True)
    uscc = f.enterprise_ref(optional=True)
    park = f.park_ref()
    kind = f.choice(_("类型"), DisbursementKind)
    amount = f.amount(_("金额"))
    paid_on = f.day(_("兑付日期"))
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("政策兑现/补助")
        verbose_name_plural = _("政策兑现/补助")
        ordering = ["paid_on", "code"]
        indexes = [models.Index(fields=["kind", "paid_on"], name="eco_disb_kind_paid"),
                   models.Index(fields=["park", "kind", "paid_on"], name="eco_disb_park_kind_paid"),
                   models.Index(fields=["park", "paid_on"], name="eco_disb_park_paid")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount}"


class TechUpgradeAcceptance(LedgerModel):
    """A technical-upgrade project accepted on completion (技改竣工验收), with its subsidy."""

    kind_key = "tech_upgrade_acceptance"
    park_path = "uscc__park"

    code = f.code(generated=True)
    uscc = f.enterprise_ref()
    project_name = models.CharField(_("项目名称"), max_length=200)
    accepted_on = f.day(_("验收日期"))
    subsidy = f.amount(_("补贴资金"))

    class Meta:
        verbose_name = _("技改竣工验收")
        verbose_name_plural = _("技改竣工验收")
        ordering = ["accepted_on", "code"]
        indexes = [models.Index(fields=["accepted_on"], name="eco_techup_accepted"),
                   models.Index(fields=["uscc", "accepted_on"], name="eco_techup_uscc_accepted")]

    def __str__(self) -> str:
        return self.project_name


class ServiceRequest(CaseMixin, LedgerModel):
    """A service matter an enterprise brought to the committee (受理 → 办结)."""

    kind_key = "service_request"
    date_order = (("received_on", "resolved_on"),)
    case_opened_field = "received_on"
    case_closed_field = "resolved_on"
    case_days = 30

    code = f.code(generated=True)
    park = f.park_ref()
    uscc = f.enterprise_ref(optional=True)
    kind = models.CharField(_("事项类型"), max_length=100)
    received_on = f.day(_("受理日期"))
    resolved_on = f.day(_("办结日期"))

    class Meta:
        verbose_name = _("企业服务事项")
        verbose_name_plural = _("企业服务事项")
        ordering = ["received_on", "code"]
        indexes = [models.Index(fields=["received_on"], name="eco_svc_received"),
                   models.Index(fields=["park", "received_on"], name="eco_svc_park_received")]

    def __str__(self) -> str:
        return self.kind


class SupportPackage(LedgerModel):
    """A major project's support package (基金, 政策补助, 已兑付) as of a date; one row per update."""

    kind_key = "support_package"
    natural_key_fields = ("code", "as_of")

    code = models.CharField(_("方案编号"), max_length=64)
    park = f.park_ref()
    project_name = models.CharField(_("项目名称"), max_length=200)
    fund_amount = f.amount(_("基金"))
    subsidy_amount = f.amount(_("政策补助"))
    paid_amount = f.amount(_("已兑付"))
    as_of = f.day(_("截至日期"), required=True)

    class Meta:
        verbose_name = _("重大项目扶持方案")
        verbose_name_plural = _("重大项目扶持方案")
        ordering = ["code", "as_of"]
        constraints = [
            models.UniqueConstraint(fields=["code", "as_of"], name="economy_supportpackage_unique_code_as_of")
        ]

    def __str__(self) -> str:
        return f"{self.project_name} {self.as_of}"

from parkledger.economy.permu_models import *  # noqa: E402, F403  (亩均 scheme, overrides and rounds)
