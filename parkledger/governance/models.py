"""(四) 综合治理: safety inspections and hazards, environment, petitions and disputes."""
from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from parkledger.core import fields as f
from parkledger.core.models import CaseMixin, LedgerModel
from parkledger.governance.choices import (
    DisputeOutcome,
    EnvAction,
    HazardLevel,
    IssueCategory,
    OutreachKind,
    PetitionSource,
)

__all__ = [
    "SafetyLetter", "SafetyInsurance", "Inspection", "Hazard", "HazardDeadline", "SafetyOutreach", "OdourCase",
    "AirSample", "WaterSample", "EnvCase", "GovernanceIssue", "Petition", "Dispute",
    "PETITION_NOTIFY_DAYS", "PETITION_CONCLUDE_DAYS", "PETITION_MAX_EXTENSION_DAYS",
]

# 信访工作条例 (2022): notify within 15 days, conclude within 60 days of acceptance, extend ≤ 30 days.
PETITION_NOTIFY_DAYS = 15
PETITION_CONCLUDE_DAYS = 60
PETITION_MAX_EXTENSION_DAYS = 30


class SafetyLetter(LedgerModel):
    """A 安全生产责任书 an enterprise signed for a year."""

    kind_key = "safety_letter"
    natural_key_fields = ("uscc", "year")
    park_path = "uscc__park"

    uscc = f.enterprise_ref()
    year = models.PositiveSmallIntegerField(_("年度"))
    signed_on = f.day(_("签订日期"))

    class Meta:
        verbose_name = _("安全生产责任书")
        verbose_name_plural = _("安全生产责任书")
        ordering = ["year", "uscc_id"]
        constraints = [models.UniqueConstraint(fields=["uscc", "year"], name="governance_safetyletter_unique")]
        # with the signing date: the letter rate finds each of the park's enterprises' letter of the
        # year from the index alone
        indexes = [models.Index(fields=["uscc", "year", "signed_on"], name="gov_letter_uscc_year_signed")]

    def __str__(self) -> str:
        return f"{self.uscc_id} {self.year}"


class SafetyInsurance(LedgerModel):
    """A 安全生产责任险 policy covering an enterprise."""

    kind_key = "safety_insurance"
    park_path = "uscc__park"
    date_order = (("insured_from", "insured_to"),)

    code = f.code(generated=True)
    uscc = f.enterprise_ref(db_index=False)  # the (uscc, insured_from, insured_to) index serves
    insured_from = f.day(_("起保日期"))
    insured_to = f.day(_("终保日期"))

    class Meta:
        verbose_name = _("安全生产责任险")
        verbose_name_plural = _("安全生产责任险")
        ordering = ["uscc_id", "insured_from"]
        # covers the park's insured count (an index-only read per enterprise)
        indexes = [models.Index(fields=["uscc", "insured_from", "insured_to"], name="gov_insurance_uscc_dates")]

    def __str__(self) -> str:
        return f"{self.uscc_id} {self.insured_from}"


class Inspection(LedgerModel):
    """A safety inspection of an enterprise (检查企业 counts 家次)."""

    kind_key = "inspection"
    park_path = "uscc__park"

    code = f.code(_("检查编号"))
    uscc = f.enterprise_ref()
    inspected_on = f.day(_("检查日期"), required=True)
    campaign = models.CharField(_("专项整治"), max_length=100, blank=True, help_text=_("如：除险保安"))

    class Meta:
        verbose_name = _("安全检查")
        verbose_name_plural = _("安全检查")
        ordering = ["inspected_on", "code"]
        indexes = [models.Index(fields=["inspected_on"], name="gov_insp_inspected"),
                   # with the code: the hazards of the park's inspections are found from this index alone
                   models.Index(fields=["uscc", "inspected_on", "code"], name="gov_insp_uscc_day_code")]

    def __str__(self) -> str:
        return self.code


class Hazard(CaseMixin, LedgerModel):
    """A hazard found by an inspection; overdue when its deadline passes unrectified."""

    kind_key = "hazard"
    park_path = "inspection__uscc__park"
    case_opened_field = "found_on"
    case_closed_field = "rectified_on"
    case_deadline_field = "deadline"

    code = f.code(generated=True)
    inspection = f.ref("governance.Inspection", _("检查编号"))
    description = models.CharField(_("隐患描述"), max_length=300)
    level = f.choice(_("隐患等级"), HazardLevel, default=HazardLevel.GENERAL)
    deadline = f.day(_("整改期限"))
    rectified_on = f.day(_("整改完成"))

    class Meta:
        verbose_name = _("隐患")
        verbose_name_plural = _("隐患")
        ordering = ["inspection_id", "code"]
        indexes = [models.Index(fields=["deadline", "rectified_on"], name="gov_hazard_deadline"),
                   models.Index(fields=["inspection", "deadline", "rectified_on"], name="gov_hazard_insp_deadline")]

    def __str__(self) -> str:
        return self.description

    @property
    def found_on(self) -> date | None:
        return self.inspection.inspected_on if self.inspection_id else None

    def clean(self) -> None:
        super().clean()
        if self.inspection_id and self.deadline:
            found = Inspection.objects.filter(code=self.inspection_id).values_list("inspected_on", flat=True).first()
            if found and self.deadline < found:
                raise ValidationError({"deadline": _("整改期限不能早于检查日期（%(d)s）") % {"d": found}})
        if self.inspection_id and self.rectified_on:
            found = Inspection.objects.filter(code=self.inspection_id).values_list("inspected_on", flat=True).first()
            if found and self.rectified_on < found:
                raise ValidationError({"rectified_on": _("整改完成日期不能早于检查日期（%(d)s）") % {"d": found}})


class HazardDeadline(models.Model):
    """A hazard with a deadline and the park of its inspection's enterprise, for the overdue count.

    Derived rows written only by database triggers on hazards, inspections and enterprises (see
    `parkledger.governance.hazard_deadlines`); unmanaged, so neither migrations' model state nor
    backups hold them.
    """

    hazard_id = models.BigIntegerField(primary_key=True)
    park = models.CharField(max_length=64, db_column="park_id")
    deadline = models.DateField()
    rectified_on = models.DateField(null=True)

    class Meta:
        managed = False
        db_table = "governance_hazard_deadline"

    def __str__(self) -> str:
        return f"{self.hazard_id} {self.park}"


class SafetyOutreach(LedgerModel):
    """Safety publicity and training: materials, messages, certificate and staff training."""

    kind_key = "safety_outreach"

    code = f.code(generated=True)
    park = f.park_ref()
    held_on = f.day(_("日期"))
    kind = f.choice(_("类型"), OutreachKind)
    quantity = f.quantity(_("数量"))

    class Meta:
        verbose_name = _("安全宣传培训")
        verbose_name_plural = _("安全宣传培训")
        ordering = ["held_on", "code"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.quantity}"


class OdourCase(LedgerModel):
    """An enterprise listed for odour remediation (臭气异味整治)."""

    kind_key = "odour_case"
    park_path = "uscc__park"
    date_order = (("listed_on", "accepted_on"),)

    code = f.code(generated=True)
    uscc = f.enterprise_ref()
    listed_on = f.day(_("列入日期"))
    target_year = models.PositiveSmallIntegerField(_("计划完成改造年度"), null=True, blank=True)
    accepted_on = f.day(_("通过验收"))

    class Meta:
        verbose_name = _("臭气异味整治")
        verbose_name_plural = _("臭气异味整治")
        ordering = ["listed_on", "code"]

    def __str__(self) -> str:
        return f"{self.uscc_id} {self.listed_on}"


class AirSample(LedgerModel):
    """An air-quality sample at a station."""

    kind_key = "air_sample"

    code = f.code(generated=True)
    park = f.park_ref()
    station = models.CharField(_("监测点"), max_length=100)
    sampled_on = f.day(_("抽检日期"), required=True)
    pm25 = f.quantity("PM2.5", "μg/m³")
    pm10 = f.quantity("PM10", "μg/m³")
    so2 = f.quantity("SO₂", "μg/m³")
    no2 = f.quantity("NO₂", "μg/m³")
    o3 = f.quantity("O₃", "μg/m³")
    co = f.quantity("CO", "mg/m³")
    voc = f.quantity("VOCs", "mg/m³")

    class Meta:
        verbose_name = _("大气质量抽检")
        verbose_name_plural = _("大气质量抽检")
        ordering = ["sampled_on", "code"]
        indexes = [models.Index(fields=["sampled_on"], name="gov_air_sampled"),
                   models.Index(fields=["park", "sampled_on"], name="gov_air_park_sampled")]

    def __str__(self) -> str:
        return f"{self.station} {self.sampled_on}"


class WaterSample(LedgerModel):
    """A water-quality sample at a monitoring section."""

    kind_key = "water_sample"

    code = f.code(generated=True)
    park = f.park_ref()
    station = models.CharField(_("监测断面"), max_length=100)
    sampled_on = f.day(_("监测日期"), required=True)
    total_phosphorus = f.quantity(_("总磷"), "mg/L")
    cod = f.quantity(_("化学需氧量"), "mg/L")
    ammonia_nitrogen = f.quantity(_("氨氮"), "mg/L")
    compliant = models.BooleanField(_("达标"), default=True)

    class Meta:
        verbose_name = _("水质监测")
        verbose_name_plural = _("水质监测")
        ordering = ["sampled_on", "code"]
        indexes = [models.Index(fields=["sampled_on"], name="gov_water_sampled"),
                   models.Index(fields=["park", "sampled_on"], name="gov_water_park_sampled")]

    def __str__(self) -> str:
        return f"{self.station} {self.sampled_on}"


class EnvCase(CaseMixin, LedgerModel):
    """An environmental enforcement case against an enterprise."""

    kind_key = "env_case"
    park_path = "uscc__park"
    date_order = (("found_on", "deadline"), ("found_on", "closed_on"))
    case_opened_field = "found_on"
    case_closed_field = "closed_on"
    case_deadline_field = "deadline"

    code = f.code(generated=True)
    uscc = f.enterprise_ref()
    found_on = f.day(_("查处日期"), required=True)
    violation = models.CharField(_("违法行为"), max_length=300)
    action = f.choice(_("处理方式"), EnvAction)
    penalty_amount = f.amount(_("罚款金额"))
    deadline = f.day(_("整改期限"))
    closed_on = f.day(_("结案日期"))

    class Meta:
        verbose_name = _("环境执法")
        verbose_name_plural = _("环境执法")
        ordering = ["found_on", "code"]
        indexes = [models.Index(fields=["found_on"], name="gov_env_found"),
                   models.Index(fields=["uscc", "found_on"], name="gov_env_uscc_found")]

    def __str__(self) -> str:
        return self.violation


class GovernanceIssue(CaseMixin, LedgerModel):
    """A problem found by a comprehensive clean-up campaign (治垃圾, 治违章, 治秩序)."""

    kind_key = "governance_issue"
    date_order = (("found_on", "rectified_on"), ("found_on", "deadline"))
    case_opened_field = "found_on"
    case_closed_field = "rectified_on"
    case_deadline_field = "deadline"

    code = f.code(generated=True)
    park = f.park_ref()
    category = f.choice(_("类别"), IssueCategory)
    found_on = f.day(_("发现日期"))
    deadline = f.day(_("整改期限"))
    rectified_on = f.day(_("整改完成"))

    class Meta:
        verbose_name = _("综合整治问题")
        verbose_name_plural = _("综合整治问题")
        ordering = ["found_on", "code"]
        indexes = [models.Index(fields=["rectified_on"], name="gov_issue_rectified"),
                   models.Index(fields=["park", "rectified_on"], name="gov_issue_park_rectified")]

    def __str__(self) -> str:
        return f"{self.get_category_display()} {self.found_on}"


class Petition(CaseMixin, LedgerModel):
    """A petition (信访件): 登记 → 流转 → 答复 → 办结, with the 信访工作条例 deadlines.

    The conclusion deadline counts 60 calendar days from acceptance (`accepted_on`, or the
    registration date when acceptance is not recorded) and may be extended once by ≤ 30 days
    (`extended_until`).
    """

    kind_key = "petition"
    date_order = (
        ("received_on", "forwarded_on"), ("received_on", "accepted_on"),
        ("received_on", "replied_on"), ("received_on", "closed_on"),
    )
    case_opened_field = "received_on"
    case_closed_field = "closed_on"

    code = f.code(_("信访编号"))
    park = f.park_ref()
    source = f.choice(_("来源"), PetitionSource)
    subject = models.CharField(_("事由"), max_length=300)
    received_on = f.day(_("登记日期"), required=True)
    forwarded_on = f.day(_("流转日期"))
    accepted_on = f.day(_("受理日期"))
    notified_on = f.day(_("告知日期"))
    extended_until = f.day(_("延期至"))
    replied_on = f.day(_("答复日期"))
    closed_on = f.day(_("办结日期"))

    class Meta:
        verbose_name = _("信访件")
        verbose_name_plural = _("信访件")
        ordering = ["received_on", "code"]
        indexes = [
            models.Index(fields=["received_on"], name="gov_pet_received"),
            models.Index(fields=["closed_on"], name="gov_pet_closed"),
            models.Index(fields=["park", "closed_on"], name="gov_pet_park_closed"), models.Index(fields=["park", "received_on"], name="gov_pet_park_received"),
        ]

    def __str__(self) -> str:
        return self.subject

    @property
    def notify_deadline(self) -> date | None:
        return self.received_on + timedelta(days=PETITION_NOTIFY_DAYS) if self.received_on else None

    @property
    def base_deadline(self) -> date | None:
        start = self.accepted_on or self.received_on
        return start + timedelta(days=PETITION_CONCLUDE_DAYS) if start else None

    @property
    def case_deadline(self) -> date | None:
        return self.extended_until or self.base_deadline

    def clean(self) -> None:
        super().clean()
        base = self.base_deadline
        if self.extended_until and base:
            if self.extended_until < base:
                raise ValidationError({"extended_until": _("延期日期不能早于原办理期限（%(d)s）") % {"d": base}})
            if self.extended_until > base + timedelta(days=PETITION_MAX_EXTENSION_DAYS):
                raise ValidationError(
                    {"extended_until": _("延期不得超过30日（最迟%(d)s）")
                     % {"d": base + timedelta(days=PETITION_MAX_EXTENSION_DAYS)}}
                )


class Dispute(CaseMixin, LedgerModel):
    """A dispute brought for mediation; pending ones are not yet mediated."""

    kind_key = "dispute"
    date_order = (("received_on", "mediated_on"),)
    case_opened_field = "received_on"
    case_closed_field = "mediated_on"
    case_days = 30

    code = f.code(generated=True)
    park = f.park_ref()
    received_on = f.day(_("受理日期"), required=True)
    mediated_on = f.day(_("调解日期"))
    outcome = f.choice(_("调解结果"), DisputeOutcome, default=DisputeOutcome.PENDING)

    class Meta:
        verbose_name = _("矛盾纠纷")
        verbose_name_plural = _("矛盾纠纷")
        ordering = ["received_on", "code"]
        indexes = [models.Index(fields=["mediated_on"], name="gov_dispute_mediated"),
                   models.Index(fields=["park", "mediated_on"], name="gov_dispute_park_mediated")]

    def __str__(self) -> str:
        return f"{self.park_id} {self.received_on}"
