from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FinanceConfig(AppConfig):
    name = "parkledger.finance"
    label = "finance"
    verbose_name = _("改革创新与资金保障")
