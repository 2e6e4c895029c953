"""Choice sets of the infrastructure, land and ecology ledgers."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class GovProjectCategory(models.TextChoices):
    ROAD = "road", _("外联道路")
    FACTORY = "factory", _("代建厂房")
    AMENITY = "amenity", _("综合配套")
    UTILITY = "utility", _("要素保障")
    WATER_GREEN = "water_green", _("水系绿地")
    ECOLOGY = "ecology", _("其他生态")
    CULTURE = "culture", _("文化交流")
    OTHER = "other", _("其他")


class MilestoneSubject(models.TextChoices):
    GOV_PROJECT = "gov_project", _("政府投资项目")
    INVESTMENT_PROJECT = "investment_project", _("招商项目")
    PLATFORM = "platform", _("创新平台")
    WETLAND = "wetland", _("湿地修复")


class SeaUseKind(models.TextChoices):
    INFRASTRUCTURE = "infrastructure", _("基础设施用海")
    INDUSTRIAL = "industrial", _("产业用海")
