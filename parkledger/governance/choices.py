"""Choice sets of the safety, environment and social-governance ledgers."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class HazardLevel(models.TextChoices):
    GENERAL = "general", _("一般")
    MAJOR = "major", _("重大")


class OutreachKind(models.TextChoices):
    MATERIALS = "materials", _("宣传资料（册）")
    MESSAGES = "messages", _("微信短消息（条）")
    CERT_TRAINING = "cert_training", _("负责人与安管员取证培训（人次）")
    STAFF_TRAINING = "staff_training", _("员工培训（人次）")


class EnvAction(models.TextChoices):
    RECTIFY = "rectify", _("责令整改")
    PENALTY = "penalty", _("行政处罚")
    CLOSURE = "closure", _("关停")


class IssueCategory(models.TextChoices):
    GARBAGE = "garbage", _("治垃圾")
    ILLEGAL_BUILDING = "illegal_building", _("治违章")
    ORDER = "order", _("治秩序")
    OTHER = "other", _("其他")


class PetitionSource(models.TextChoices):
    PUBLIC = "public", _("群众投诉")
    DEPARTMENT = "department", _("部门移交")
    SUPERIOR = "superior", _("上级交办")


class DisputeOutcome(models.TextChoices):
    SUCCESS = "success", _("调解成功")
    FAILED = "failed", _("调解不成功")
    PENDING = "pending", _("调解中")
