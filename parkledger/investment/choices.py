"""Choice sets of the investment-attraction ledgers."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class CapitalSource(models.TextChoices):
    LOCAL = "local", _("本地")
    DOMESTIC_OUTSIDE = "domestic_outside", _("市外内资")
    FOREIGN = "foreign", _("外资")


class TalentTier(models.TextChoices):
    TOP = "top", _("特优人才")
    LEADING = "leading", _("领军人才")
    SENIOR = "senior", _("高级人才")
    BASIC = "basic", _("基础人才")


class ApplicantKind(models.TextChoices):
    TEAM = "team", _("团队")
    INDIVIDUAL = "individual", _("个人")


class ApplicationResult(models.TextChoices):
    PENDING = "pending", _("待定")
    APPROVED = "approved", _("入选")
    REJECTED = "rejected", _("未入选")


class PlatformKind(models.TextChoices):
    ENCLAVE = "enclave", _("科创飞地")
    INCUBATOR = "incubator", _("孵化器")
    INTL_CENTER = "intl_center", _("国际创新中心")
    CEE_BASE = "cee_base", _("中东欧创新基地")
    RESEARCH = "research", _("产学研平台")
    SERVICE = "service", _("公共服务平台")
