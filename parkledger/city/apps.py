from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CityConfig(AppConfig):
    name = "parkledger.city"
    label = "city"
    verbose_name = _("城市园区比较")
