"""Choice sets of the economy and enterprise-service ledgers."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class QualificationKind(models.TextChoices):
    ENGINEERING_CENTER = "engineering_center", _("市级企业工程(技术)中心")
    HTE_POOL = "hte_pool", _("高新技术企业培育库")
    HTE = "hte", _("高新技术企业")
    PROVINCIAL_TECH_SME = "provincial_tech_sme", _("浙江省科技型中小企业")
    NATIONAL_TECH_SME = "national_tech_sme", _("国家科技型中小企业")


class PatentKind(models.TextChoices):
    INVENTION = "invention", _("发明")
    UTILITY = "utility", _("实用新型")
    DESIGN = "design", _("外观设计")


class Grade(models.TextChoices):
    A = "A", "A"
    B = "B", "B"
    C = "C", "C"
    D = "D", "D"


class DisbursementKind(models.TextChoices):
    LOAN_INTEREST = "loan_interest", _("贷款贴息")
    QUALITY_AWARD = "quality_award", _("高质量发展奖励")
    INVESTMENT_POLICY = "investment_policy", _("招商政策兑现")
    STAFF_RETENTION = "staff_retention", _("留工红包")
    TRAVEL = "travel", _("交通补助")
    INDUSTRY_SUPPORT = "industry_support", _("工业经济扶持")
    RENT_RELIEF = "rent_relief", _("国有房租减免")
    OTHER = "other", _("其他")
