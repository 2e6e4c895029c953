"""Choice sets of the state-asset and financing ledgers."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class FilingKind(models.TextChoices):
    APPROVAL = "approval", _("审批")
    FILING = "filing", _("备案")


class FinancingKind(models.TextChoices):
    SPECIAL_BOND = "special_bond", _("政府专项债")
    BANK_LOAN = "bank_loan", _("银行贷款")
    FUND = "fund", _("基金")
    OTHER = "other", _("其他")
