from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConstructionConfig(AppConfig):
    name = "parkledger.construction"
    label = "construction"
    verbose_name = _("基础配套")
